"""The hall display's real window against a real hall daemon on loopback, per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.helpers.hall import DISPLAY
from tests.helpers.uihall import UiHall, ui_hall
from ui.display.window import DisplayWindow

HALL_NAME = "国网广州供电局天河营业厅"


@pytest.fixture
def hall(tmp_path) -> Iterator[UiHall]:
    with ui_hall(tmp_path, hallbus=False) as h:
        yield h


@pytest.fixture
def display_factory(qtbot) -> Iterator[Callable[..., DisplayWindow]]:
    made: list[DisplayWindow] = []

    def make(url: str, clock: object, size: tuple[int, int] = (1920, 1080)) -> DisplayWindow:
        window = DisplayWindow(url, DISPLAY, clock=clock, hall_name=HALL_NAME, tick_ms=50)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        window.start()
        made.append(window)
        qtbot.waitUntil(lambda: window.online, timeout=5000)
        return window

    yield make
    for w in made:
        w.close()


@pytest.fixture
def display(hall, display_factory) -> DisplayWindow:
    return display_factory(hall.url, hall.clock)
