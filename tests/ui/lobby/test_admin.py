"""The admin panel behind a long press and a PIN, with lockout; the kiosk lockdown."""

from __future__ import annotations

from tests.helpers.lobby import ADMIN_PIN
from ui.qt.core import Qt
from ui.qt.test import QTest


def open_pin(lobby):
    lobby.long_press_corner(3.0)
    lobby.wait_screen("pin")


def test_a_short_press_in_the_corner_does_nothing(lobby):
    lobby.long_press_corner(2.0)
    lobby.window.tick()
    assert lobby.screen == "home"


def test_five_wrong_pins_lock_the_panel_and_the_right_one_opens_it_later(lobby):
    open_pin(lobby)
    for left in (4, 3, 2, 1):
        lobby.keypad("pin", "1111")
        lobby.wait_until(
            lambda left=left: lobby.text("pin_status") == f"密码错误，还可以再试{left}次"
        )
        assert lobby.text("pin_display") == " "  # the digits are not kept
    lobby.keypad("pin", "1111")
    lobby.wait_until(lambda: "已锁定" in lobby.text("pin_status"))
    lobby.keypad("pin", ADMIN_PIN)  # even the right PIN, while locked
    lobby.wait_until(lambda: "请15分钟后再试" in lobby.text("pin_status"))
    assert lobby.screen == "pin"
    lobby.hall_clock.advance(15 * 60)
    lobby.keypad("pin", ADMIN_PIN)
    lobby.wait_screen("admin")
    lobby.wait_until(lambda: "printer" in lobby.text("admin_devices"))
    assert lobby.text("admin_paper") == "打印纸：正常"
    assert "✓ printer" in lobby.text("admin_devices")


def test_the_panel_shows_paper_out_and_its_exit_quits(lobby, qtbot):
    lobby.sims.printer.set_paper("out")
    lobby.api.issue("A")  # the printer finds out
    lobby.wait_until(
        lambda: lobby.manager("GET", "/devices").json()[0].get("paper") == "out", timeout=10_000
    )
    open_pin(lobby)
    lobby.keypad("pin", ADMIN_PIN)
    lobby.wait_screen("admin")
    lobby.wait_until(lambda: lobby.text("admin_paper") == "打印纸：已用完，请更换纸卷")
    with qtbot.waitSignal(lobby.window.exit_requested):
        lobby.tap("admin_exit")


def test_in_kiosk_mode_no_key_and_no_close_gets_out(lobby):
    w = lobby.window
    w.kiosk_mode = True
    w._exit_allowed = False
    QTest.keyClick(w, Qt.Key.Key_Escape)
    QTest.keyClick(w, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    assert w.close() is False and w.isVisible()
    w.allow_exit()
