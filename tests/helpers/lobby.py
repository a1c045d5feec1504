"""The lobby touchscreen driven for real: a hall daemon on loopback with the printer, ID-card
and hall-bus simulators on ptys, and the lobby's own widgets (offscreen) on a fake clock.

Used by tests/ui/lobby, ui/tools/screenshots_lobby.py and bench/lobby.py. Waiting is done by
the caller's ``wait_until`` (``qtbot.waitUntil`` in tests); nothing here sleeps for time to
pass: the fake clock is moved and the window ticked.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from drivers.sim.idcard import SimCard
from kiosk.clock import FakeClock
from kiosk.config import HallConfig, LobbySettings
from kiosk.demo.simhall import SimulatedDevices
from kiosk.hall.auth import hash_pin
from kiosk.hall.root import HallApp
from tests.helpers.hall import KIOSK, MANAGER, Api, example_config, morning
from ui.lobby.app import Lobby, build_lobby
from ui.qt.core import QEventLoop, QPoint, QRect, Qt
from ui.qt.gui import QFontMetrics
from ui.qt.test import QTest
from ui.qt.widgets import QLabel, QPushButton, QWidget

ADMIN_PIN = "2468"
Waiter = Callable[..., Any]


def spin_until(condition: Callable[[], object], timeout: int = 10_000) -> None:
    """Process Qt events until ``condition`` holds (for scripts; tests use qtbot)."""
    deadline = time.monotonic() + timeout / 1000
    # A loop instance: QCoreApplication.processEvents is one of PySide6 6.12's void calls
    # that lose a reference to None (ui/qt/immortals.py).
    loop = QEventLoop()
    while True:
        loop.processEvents()
        if condition():
            return
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(0.003)


class UiClock:
    """The lobby's clocks (monotonic seconds and wall time), moved only when told to."""

    def __init__(self, start: datetime) -> None:
        self.fake = FakeClock(start)
        self._t0 = start.timestamp()

    def monotonic(self) -> float:
        return self.fake.now().timestamp() - self._t0 + 1000.0

    def wall(self) -> datetime:
        return self.fake.now()

    def advance(self, seconds: float) -> None:
        self.fake.advance(seconds)


def lobby_config(
    data_dir: Path, sims: SimulatedDevices, voice_player: list[str] | None = None, **lobby: Any
) -> HallConfig:
    """The example hall on the simulators, with an admin PIN; the voice on (and played by
    ``voice_player``) only when given."""
    cfg = sims.configure(example_config(data_dir, voice=voice_player is not None))
    if voice_player is not None:
        cfg = dataclasses.replace(cfg, voice=dataclasses.replace(cfg.voice, player=voice_player))
    settings = LobbySettings(admin_pin_hash=hash_pin(ADMIN_PIN, iterations=1000), **lobby)
    return dataclasses.replace(cfg, lobby=settings)


class LobbyHarness:
    def __init__(
        self,
        root: Path,
        wait_until: Waiter = spin_until,
        *,
        size: tuple[int, int] = (1080, 1920),
        hall_clock: FakeClock | None = None,
        voice_player: list[str] | None = None,
        **lobby_settings: Any,
    ) -> None:
        self.root = root
        self.wait_until = wait_until
        self.sims = SimulatedDevices(root / "dev", [1, 2, 3, 4]).start()
        self.config = lobby_config(root / "data", self.sims, voice_player, **lobby_settings)
        self.hall_clock = hall_clock or FakeClock(morning())
        self.port = 0
        self.hall: HallApp | None = None
        self.api: Api | None = None
        self.lobby: Lobby | None = None
        try:
            self.start_hall()
            self._start_lobby(size)
        except BaseException:
            self.close()
            raise

    def _start_lobby(self, size: tuple[int, int]) -> None:
        self.clock = UiClock(morning(9, 30))
        self.lobby = build_lobby(
            self.base_url,
            KIOSK,
            monotonic=self.clock.monotonic,
            wall=self.clock.wall,
            tick_ms=50,
            backoff_s=(0.05, 0.3),
        )
        self.window = self.lobby.window
        self.controller = self.lobby.controller
        self.window.resize(*size)
        self.window.show()
        self.controller.start()
        self.wait_until(
            lambda: bool(self.controller.queue_services) and self.controller.settings is not None
        )

    # ---------------------------------------------------------------- the hall
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start_hall(self) -> None:
        self.hall = HallApp(
            self.config,
            clock=self.hall_clock,
            host="127.0.0.1",
            port=self.port,
            voice_cache=self.root / "voice-cache",
        )
        self.hall.start()
        self.port = self.hall.api.port if self.hall.api else self.port
        self.api = Api(self.hall.base_url)

    def stop_hall(self) -> None:
        if self.api is not None:
            self.api.close()
            self.api = None
        if self.hall is not None:
            self.hall.stop()
            self.hall = None

    def manager(self, method: str, path: str, **kwargs: Any) -> Any:
        assert self.api is not None
        return self.api.call(method, path, token=MANAGER, **kwargs)

    def close(self) -> None:
        if self.lobby is not None:
            self.lobby.close()
            self.lobby = None
        self.stop_hall()
        self.sims.stop()

    # -------------------------------------------------------------- the screen
    @property
    def screen(self) -> str:
        return self.window.current

    def button(self, name: str) -> QPushButton:
        return self.window.find_button(name)

    def text(self, name: str) -> str:
        return self.window.find_label(name).text()

    def visible_texts(self) -> list[str]:
        """Every text the customer can see now (labels and buttons)."""
        out = []
        for w in self.window.findChildren(QLabel) + self.window.findChildren(QPushButton):
            if w.isVisibleTo(self.window) and w.text().strip():
                out.append(w.text())
        return out

    def visible_buttons(self) -> list[QPushButton]:
        return [b for b in self.window.findChildren(QPushButton) if b.isVisibleTo(self.window)]

    def tap(self, name: str) -> None:
        """A finger on the button: press and release in its middle."""
        b = self.button(name)
        assert b.isVisibleTo(self.window), f"{name} is not on screen"
        assert b.isEnabled(), f"{name} is disabled"
        QTest.mouseClick(b, Qt.MouseButton.LeftButton, pos=b.rect().center())

    def tap_in(self, screen: str, name: str) -> None:
        target = self.window.screens[screen].findChild(QPushButton, name)
        assert target is not None
        QTest.mouseClick(target, Qt.MouseButton.LeftButton, pos=target.rect().center())

    def keypad(self, screen: str, digits: str, ok: bool = True) -> None:
        """Type ``digits`` on the keypad of ``screen`` (account or pin), then OK."""
        for d in digits:
            self.tap_in(screen, f"key_{d}")
        if ok:
            self.tap_in(screen, "key_ok")

    def wait_screen(self, name: str, timeout: int = 10_000) -> None:
        self.wait_until(lambda: self.screen == name, timeout=timeout)

    def present_card(self, card: SimCard) -> None:
        self.sims.idcard.remove_card()
        self.sims.idcard.present_card(card)

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` pass on the lobby's clock, then tick."""
        self.clock.advance(seconds)
        self.window.tick()

    def long_press_corner(self, seconds: float = 3.0) -> None:
        corner = self.window.corner
        QTest.mousePress(corner, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
        self.advance(seconds)
        QTest.mouseRelease(corner, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))

    # ------------------------------------------------------------ hall events
    def set_notices(self, *notices: tuple[str, str]) -> None:
        """The outage notices (停电公告) now current, ``(id, title)`` each, handed to the
        daemon the way the sync daemon does (``PUT /api/v1/notices``)."""
        body = {"notices": [{"id": nid, "title": title} for nid, title in notices]}
        r = self.manager("PUT", "/notices", json=body)
        assert r.status_code == 200, r.text

    # ----------------------------------------------------------------- stages
    def stage(self, name: str) -> None:
        """Bring the real lobby to screen state ``name`` (see :data:`STAGES`) the way a
        customer would, starting from the home screen."""
        self.controller.go_home()
        self.sims.printer.set_paper("ok")
        self.sims.printer.close_cover()
        if not self.sims.printer_link.plugged:
            self.sims.printer_link.plug()
        self.window.set_maintenance(False)
        STAGES[name](self)


def _to_identify(h: LobbyHarness, tile: str = "tile_A") -> None:
    h.tap(tile)
    h.wait_screen("identify")


def _stage_account(h: LobbyHarness) -> None:
    _to_identify(h)
    h.tap("identify_account")
    h.wait_screen("account")
    h.keypad("account", "310000", ok=False)


def _stage_offer(h: LobbyHarness) -> None:
    from drivers.sim.idcard import ELDERLY_CARD

    _to_identify(h)
    h.present_card(ELDERLY_CARD)
    h.wait_screen("offer")


def _stage_ticket(h: LobbyHarness, paper: str = "ok") -> None:
    h.sims.printer.set_paper(paper)  # type: ignore[arg-type]
    _to_identify(h, "tile_B")
    h.tap("identify_skip")
    h.wait_screen("ticket")
    h.wait_until(lambda: h.window.ticket.state != "printing", timeout=10_000)


def _stage_green(h: LobbyHarness) -> None:
    h.tap("tile_green")
    h.wait_screen("green")


def _stage_green_identify(h: LobbyHarness) -> None:
    h.tap("tile_green")
    h.wait_screen("green")
    h.tap("green_elderly")
    h.wait_screen("services")
    h.tap("green_tile_A")
    h.wait_screen("identify")


def _stage_services(h: LobbyHarness) -> None:
    h.tap("tile_green")
    h.wait_screen("green")
    h.tap("green_disabled")
    h.wait_screen("services")


def _stage_bills_identify(h: LobbyHarness) -> None:
    h.tap("tile_bills")
    h.wait_screen("identify")


def _stage_accounts(h: LobbyHarness) -> None:
    from drivers.sim.idcard import ELDERLY_CARD

    _stage_bills_identify(h)
    h.present_card(ELDERLY_CARD)
    h.wait_screen("accounts")


def _stage_bill(h: LobbyHarness, account: str = "3100000003") -> None:
    _stage_bills_identify(h)
    h.tap("identify_account")
    h.keypad("account", account)
    h.wait_screen("bill")


def _stage_bill_printed(h: LobbyHarness) -> None:
    _stage_bill(h, "3100000012")
    h.tap("bill_print")
    h.wait_until(lambda: h.window.bill.status_key in ("printed", "print_failed"), timeout=10_000)


def _stage_pay(h: LobbyHarness) -> None:
    _stage_bill(h)
    h.tap("bill_pay")
    h.wait_screen("pay")


def _stage_message(h: LobbyHarness) -> None:
    _stage_bills_identify(h)
    h.tap("identify_account")
    h.keypad("account", "3199999999")
    h.wait_screen("message")


def _stage_wait(h: LobbyHarness) -> None:
    h.window.show_screen("wait")


def _stage_pin(h: LobbyHarness) -> None:
    h.long_press_corner()
    h.wait_screen("pin")
    h.keypad("pin", "1357")
    h.wait_until(lambda: h.window.pin.status.isVisible())


def _stage_admin(h: LobbyHarness) -> None:
    h.long_press_corner()
    h.wait_screen("pin")
    h.keypad("pin", ADMIN_PIN)
    h.wait_screen("admin")
    h.wait_until(lambda: bool(h.window.admin.device_list))


def printer_entry(h: LobbyHarness) -> dict[str, Any]:
    """The printer's entry in the daemon's device list."""
    return next(d for d in h.manager("GET", "/devices").json() if d["name"] == "printer")


#: The admin panel's stages with the printer in each state: (how, the daemon's state key).
ADMIN_PRINTER_STATES: dict[str, tuple[Callable[[LobbyHarness], None], str]] = {
    "admin-paper-near-end": (lambda h: h.sims.printer.set_paper("near_end"), "paper_near_end"),
    "admin-paper-out": (lambda h: h.sims.printer.set_paper("out"), "paper_out"),
    "admin-cover-open": (lambda h: h.sims.printer.open_cover(), "cover_open"),
    "admin-printer-unplugged": (lambda h: h.sims.printer_link.unplug(), "unavailable"),
}


def _stage_admin_printer(h: LobbyHarness, stage: str) -> None:
    """The admin panel once the daemon has seen the printer in the state of ``stage`` (it
    reads the printer's status every 2 s while idle)."""
    make, key = ADMIN_PRINTER_STATES[stage]
    make(h)
    h.wait_until(lambda: printer_entry(h)["state"] == key, timeout=15_000)
    _stage_admin(h)
    h.wait_until(
        lambda: any(
            d["name"] == "printer" and d["state"] == key for d in h.window.admin.device_list
        )
    )


def _stage_maintenance(h: LobbyHarness) -> None:
    h.window.set_maintenance(True)


STAGES: dict[str, Callable[[LobbyHarness], None]] = {
    "home": lambda h: None,
    "identify": _to_identify,
    "account": _stage_account,
    "offer": _stage_offer,
    "ticket": _stage_ticket,
    "ticket-not-printed": lambda h: _stage_ticket(h, "out"),
    "green": _stage_green,
    "services": _stage_services,
    "green-identify": _stage_green_identify,
    "bills-identify": _stage_bills_identify,
    "accounts": _stage_accounts,
    "bill": _stage_bill,
    "bill-printed": _stage_bill_printed,
    "pay": _stage_pay,
    "message": _stage_message,
    "wait": _stage_wait,
    "pin": _stage_pin,
    "admin": _stage_admin,
    **{name: functools.partial(_stage_admin_printer, stage=name) for name in ADMIN_PRINTER_STATES},
    "maintenance": _stage_maintenance,
}


def layout_problems(window: QWidget, min_target: int) -> list[str]:
    """What a customer would see wrong on the screen now: text cut off, a button smaller
    than a fingertip (``min_target`` pixels), something outside the window."""
    problems: list[str] = []
    area = window.rect()
    for w in window.findChildren(QWidget):
        if not w.isVisibleTo(window) or w.width() <= 0 or w.objectName() == "admin_corner":
            continue
        name = w.objectName() or type(w).__name__
        box = QRect(w.mapTo(window, QPoint(0, 0)), w.size())
        if not area.contains(box):
            problems.append(f"{name} is partly outside the window: {box} not in {area}")
        if isinstance(w, QPushButton):
            if min(w.width(), w.height()) < min_target:
                problems.append(f"{name} is {w.width()}×{w.height()} px, under {min_target} px")
            fm = QFontMetrics(w.font())
            lines = w.text().split("\n")
            need_w = max(fm.horizontalAdvance(line) for line in lines)
            if w.text() and need_w > w.width() - 4:
                problems.append(f"{name} cuts its text {w.text()!r} ({need_w} > {w.width()})")
        elif isinstance(w, QLabel) and w.text().strip():
            fm = QFontMetrics(w.font())
            rect = w.contentsRect()
            if w.wordWrap():
                need_h = w.heightForWidth(rect.width()) if w.hasHeightForWidth() else 0
                if need_h > w.height() + 2:
                    problems.append(
                        f"{name} cuts {w.text()!r}: needs {need_h} px, has {w.height()}"
                    )
            else:
                lines = w.text().split("\n")
                need_w = max(fm.horizontalAdvance(line) for line in lines)
                need_h = fm.lineSpacing() * len(lines)
                if w.property("role") in ("number", "figure") and len(lines) == 1:
                    need_h = fm.tightBoundingRect(w.text()).height()  # digits, no descent
                if need_w > rect.width() + 1 or need_h > rect.height() + 2:
                    problems.append(
                        f"{name} cuts {w.text()!r}: needs {need_w}×{need_h}, has "
                        f"{rect.width()}×{rect.height()}"
                    )
    return problems


__all__ = [
    "ADMIN_PIN",
    "ADMIN_PRINTER_STATES",
    "KIOSK",
    "STAGES",
    "LobbyHarness",
    "UiClock",
    "layout_problems",
    "lobby_config",
    "spin_until",
]
