"""A real hall daemon for the soft caller and hall display tests: real SQLite in tmp_path,
real HTTP and WebSocket on loopback, the hall bus simulators on pseudo-terminals (window
screens, caller pads, evaluators), the voice rendering real WAVs into a recording player,
and a fake clock the test moves."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kiosk.clock import FakeClock
from kiosk.config import HallConfig
from kiosk.demo.simhall import SimulatedDevices
from kiosk.hall.root import HallApp
from tests.helpers.hall import Api, example_config, morning

RECORD_PLAYER = Path(__file__).with_name("record_player.py")


@dataclass
class UiHall:
    app: HallApp
    api: Api
    clock: FakeClock
    config: HallConfig
    devices: SimulatedDevices | None
    played: Path  # what the hall's voice played, one line per WAV
    data_dir: Path

    @property
    def url(self) -> str:
        return self.app.base_url

    def played_lines(self) -> list[str]:
        return self.played.read_text().splitlines() if self.played.exists() else []


def recording_player(played: Path) -> list[str]:
    return [sys.executable, str(RECORD_PLAYER), str(played)]


@contextmanager
def ui_hall(
    tmp_path: Path,
    *,
    hallbus: bool = True,
    voice: bool = False,
    clock: FakeClock | None = None,
    port: int = 0,
) -> Iterator[UiHall]:
    """The hall with (optionally) its hall bus and voice; stopped in reverse order."""
    clock = clock or FakeClock(morning())
    data = tmp_path / "data"
    played = tmp_path / "played.txt"
    cfg = example_config(data, voice=voice)
    cfg = dataclasses.replace(
        cfg, voice=dataclasses.replace(cfg.voice, player=recording_player(played))
    )
    devices = None
    if hallbus:
        devices = SimulatedDevices(tmp_path / "dev", [1, 2, 3, 4]).start()
        cfg = devices.configure(cfg)
        cfg = dataclasses.replace(cfg, printer=dataclasses.replace(cfg.printer, url=""))
        cfg = dataclasses.replace(cfg, idcard=dataclasses.replace(cfg.idcard, url=""))
    app = HallApp(
        cfg,
        clock=clock,
        host="127.0.0.1",
        port=port,
        ticker_interval_s=0.1,
        voice_cache=tmp_path / "voice-cache",
    )
    try:
        app.start()
        api = Api(app.base_url)
        try:
            yield UiHall(app, api, clock, cfg, devices, played, data)
        finally:
            api.close()
    finally:
        app.stop()
        if devices is not None:
            devices.stop()
