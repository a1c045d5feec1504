"""The hall the soft-caller and display tests run against: it answers on loopback on the
test's clock, drives the simulated hall bus, plays its voice through the recording player,
and is gone when the block ends."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest

from kiosk.clock import FakeClock
from tests.helpers.hall import KIOSK, morning
from tests.helpers.uihall import ui_hall


def test_the_hall_answers_on_loopback_on_the_tests_clock_and_stops_after(tmp_path):
    clock = FakeClock(morning(10, 15))
    with ui_hall(tmp_path, hallbus=False, clock=clock) as hall:
        assert hall.url.startswith("http://127.0.0.1:")
        assert hall.devices is None
        ticket = hall.api.issue("A")
        assert datetime.fromisoformat(ticket["issued_at"]) == morning(10, 15)
        assert (hall.data_dir / "hall.db").exists()
        url = hall.url
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/api/v1/queue", headers={"Authorization": f"Bearer {KIOSK}"})


def test_the_hall_bus_is_simulated_and_only_the_hall_bus(tmp_path, qtbot):
    with ui_hall(tmp_path) as hall:
        assert hall.devices is not None
        assert hall.config.printer.url == "" and hall.config.idcard.url == ""
        hall.api.issue("A")
        assert hall.api.counter(1, "call-next").status_code == 200
        qtbot.waitUntil(lambda: hall.devices.screen_text(1) == "请A001号到1号窗口", timeout=10000)
        assert hall.played_lines() == []  # the voice is off unless asked for


def test_the_voice_is_played_through_the_recording_player(tmp_path, qtbot):
    with ui_hall(tmp_path, hallbus=False, voice=True) as hall:
        hall.api.issue("A")
        hall.api.counter(1, "call-next")
        qtbot.waitUntil(lambda: bool(hall.played_lines()), timeout=20000)
        wav, seconds = hall.played_lines()[0].rsplit(" ", 1)
        assert wav.endswith(".wav") and float(seconds) > 0.5
