"""The soft caller's real widgets against a real hall daemon on loopback (with the hall bus
simulators), per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.helpers.hall import counter_token
from tests.helpers.uihall import UiHall, ui_hall
from ui.counter.customer import CustomerScreen
from ui.counter.session import CounterSession
from ui.counter.window import CounterWindow
from ui.qt.core import Qt
from ui.qt.widgets import QApplication


@dataclass
class Caller:
    """One soft caller: the staff window and the customer's side."""

    window: CounterWindow
    customer: CustomerScreen
    qtbot: Any

    @property
    def session(self) -> CounterSession:
        assert self.window.session is not None
        return self.window.session

    def login(self, staff: str = "1011", pin: str = "123456", *, expect_ok: bool = True) -> None:
        w = self.window
        self.qtbot.waitUntil(lambda: w.session is not None and w.session.online, timeout=5000)
        w.staff_edit.setText(staff)
        w.pin_edit.setText(pin)
        self.qtbot.mouseClick(w.login_button, Qt.MouseButton.LeftButton)
        self.wait_idle()
        if expect_ok:
            self.qtbot.waitUntil(lambda: w.pages.currentIndex() == 1, timeout=5000)
            self.wait_idle()

    def press(self, key: Qt.Key) -> None:
        """A function key, as typed into this soft caller's window (the active one)."""
        self.wait_idle()
        self.window.activateWindow()
        self.qtbot.waitUntil(lambda: QApplication.activeWindow() is self.window, timeout=5000)
        self.qtbot.keyClick(self.window, key)
        self.wait_idle()

    def click(self, name: str) -> None:
        self.wait_idle()
        self.qtbot.mouseClick(self.window.buttons[name], Qt.MouseButton.LeftButton)
        self.wait_idle()

    def wait_idle(self) -> None:
        """Until the command on its way was answered and the status after it arrived."""
        self.qtbot.waitUntil(lambda: self.session.settled, timeout=5000)

    def shows(self, check: Callable[[], bool]) -> None:
        self.qtbot.waitUntil(check, timeout=5000)


@pytest.fixture
def hall(tmp_path) -> Iterator[UiHall]:
    with ui_hall(tmp_path) as h:
        yield h


@pytest.fixture
def caller_factory(qtbot) -> Iterator[Callable[..., Caller]]:
    made: list[Caller] = []

    def make(hall: UiHall, counter: int = 1, *, voice: object = None) -> Caller:
        customer = CustomerScreen(hall.clock, voice=voice, tick_ms=50)
        window = CounterWindow(
            lambda n: CounterSession(n, hall.url, counter_token(n), clock=hall.clock),
            [counter],
            clock=hall.clock,
            customer=customer,
            on_top=False,
            tick_ms=50,
        )
        qtbot.addWidget(window)
        qtbot.addWidget(customer)
        window.show()
        customer.show()
        caller = Caller(window, customer, qtbot)
        made.append(caller)
        return caller

    yield make
    for c in made:
        c.window.close()
        c.customer.close()


@pytest.fixture
def caller(hall, caller_factory) -> Caller:
    return caller_factory(hall, 1)
