"""The lobby test helpers themselves: ``layout_problems`` sees what a customer would see
wrong, the fake clock moves only when told, ``spin_until`` gives up, and every stage leaves
the real lobby on the screen it is named after."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.helpers.hall import morning
from tests.helpers.lobby import STAGES, LobbyHarness, UiClock, layout_problems, spin_until
from ui.qt.core import QTimer
from ui.qt.gui import QFont, QFontMetrics
from ui.qt.widgets import QLabel, QPushButton, QWidget

MIN_TARGET = 60
LONG = "一段很长很长的说明文字，放不进这么窄的地方"


def window_with(qtbot, *children: tuple[type[QWidget], str, str, tuple[int, int, int, int]]):
    """A 400×300 window with the given (type, objectName, text, geometry) children, shown."""
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(400, 300)
    font = QFont()
    font.setPixelSize(16)  # whatever font an earlier UI test gave the application
    window.setFont(font)
    made = {}
    for kind, name, text, geometry in children:
        w = kind(text, window)
        w.setObjectName(name)
        w.setGeometry(*geometry)
        made[name] = w
    window.show()
    qtbot.waitExposed(window)
    return window, made


def named(problems: list[str], name: str) -> list[str]:
    return [p for p in problems if p.startswith(f"{name} ")]


def test_a_window_that_fits_has_no_problems(qtbot):
    window, _ = window_with(
        qtbot,
        (QLabel, "title", "取号", (10, 10, 200, 40)),
        (QPushButton, "ok", "确定", (10, 100, 120, 80)),
    )
    assert layout_problems(window, MIN_TARGET) == []


def test_a_cut_off_label_and_a_too_small_button_are_reported(qtbot):
    window, _ = window_with(
        qtbot,
        (QLabel, "cut_label", LONG, (10, 10, 60, 40)),
        (QPushButton, "small_button", "OK", (10, 100, 40, 40)),
        (QPushButton, "cut_button", LONG, (100, 100, 120, 80)),
        (QLabel, "outside", "营业厅", (350, 10, 100, 40)),
    )
    problems = layout_problems(window, MIN_TARGET)
    assert len(problems) == 4, problems
    (cut_label,) = named(problems, "cut_label")
    assert "cuts '一段很长" in cut_label
    assert named(problems, "small_button") == ["small_button is 40×40 px, under 60 px"]
    (cut_button,) = named(problems, "cut_button")
    assert "cuts its text" in cut_button
    (outside,) = named(problems, "outside")
    assert "partly outside the window" in outside


def test_a_wrapped_label_without_the_height_for_its_lines_is_reported(qtbot):
    window, made = window_with(qtbot, (QLabel, "wrapped", LONG, (10, 10, 80, 20)))
    made["wrapped"].setWordWrap(True)
    (wrapped,) = layout_problems(window, MIN_TARGET)
    assert wrapped.startswith("wrapped cuts") and "needs" in wrapped
    made["wrapped"].setGeometry(10, 10, 80, made["wrapped"].heightForWidth(80))
    assert layout_problems(window, MIN_TARGET) == []


def test_a_ticket_number_needs_only_the_height_of_its_digits(qtbot):
    """Digits have no descent: a number label as tall as the digits is not cut off, the same
    label as body text is."""
    font = QFont()
    font.setPixelSize(100)
    tight = QFontMetrics(font).tightBoundingRect("A012").height() + 2
    window, made = window_with(qtbot, (QLabel, "ticket_number", "A012", (10, 10, 380, tight)))
    made["ticket_number"].setFont(font)
    assert named(layout_problems(window, MIN_TARGET), "ticket_number")
    made["ticket_number"].setProperty("role", "number")
    assert layout_problems(window, MIN_TARGET) == []


def test_hidden_widgets_and_the_admin_corner_are_not_checked(qtbot):
    window, made = window_with(
        qtbot,
        (QPushButton, "admin_corner", "", (0, 0, 20, 20)),
        (QPushButton, "hidden_small", "OK", (10, 100, 20, 20)),
    )
    made["hidden_small"].hide()
    assert layout_problems(window, MIN_TARGET) == []


def test_the_ui_clock_moves_only_when_advanced():
    clock = UiClock(morning(9, 30))
    assert clock.monotonic() == 1000.0 and clock.wall() == morning(9, 30)
    assert clock.monotonic() == 1000.0
    clock.advance(90)
    assert clock.monotonic() == 1090.0
    assert clock.wall() == morning(9, 30) + timedelta(seconds=90)


def test_spin_until_runs_qt_events_until_the_condition_holds(qapp):
    fired: list[bool] = []
    QTimer.singleShot(30, lambda: fired.append(True))
    spin_until(lambda: fired, timeout=5000)
    assert fired == [True]


def test_spin_until_gives_up_after_its_timeout(qapp):
    with pytest.raises(TimeoutError):
        spin_until(lambda: False, timeout=50)


# What each stage must leave on the screen; the maintenance stage is the overlay on home.
STAGE_SCREENS = {
    "home": "home",
    "identify": "identify",
    "account": "account",
    "offer": "offer",
    "ticket": "ticket",
    "ticket-not-printed": "ticket",
    "green": "green",
    "services": "services",
    "green-identify": "identify",
    "bills-identify": "identify",
    "accounts": "accounts",
    "bill": "bill",
    "bill-printed": "bill",
    "pay": "pay",
    "message": "message",
    "wait": "wait",
    "pin": "pin",
    "admin": "admin",
    "admin-paper-near-end": "admin",
    "admin-paper-out": "admin",
    "admin-cover-open": "admin",
    "admin-printer-unplugged": "admin",
    "maintenance": "home",
}


def test_every_stage_leaves_the_lobby_on_its_screen(tmp_path, qtbot):
    assert set(STAGE_SCREENS) == set(STAGES)
    lobby = LobbyHarness(tmp_path, qtbot.waitUntil)
    try:
        for stage, screen in STAGE_SCREENS.items():
            lobby.stage(stage)
            assert (lobby.screen, lobby.window.in_maintenance) == (
                screen,
                stage == "maintenance",
            ), stage
            if stage.startswith("ticket"):
                printed = stage == "ticket"
                assert (lobby.window.ticket.state == "printed") is printed, stage
            if stage == "bill-printed":
                assert lobby.window.bill.status_key == "printed"
    finally:
        lobby.close()


def test_the_harness_taps_only_what_a_customer_could_touch(lobby):
    assert "请选择您要办理的业务" in lobby.visible_texts()
    with pytest.raises(AssertionError, match="not on screen"):
        lobby.tap("ticket_done")  # on the ticket screen, not on home
    lobby.tap("tile_A")
    lobby.wait_screen("identify")


def test_closing_the_harness_stops_the_hall_it_started(tmp_path, qtbot):
    import httpx

    lobby = LobbyHarness(tmp_path, qtbot.waitUntil)
    url = lobby.base_url
    assert httpx.get(f"{url}/api/v1/health", timeout=5).status_code < 500
    lobby.close()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/api/v1/health", timeout=5)
