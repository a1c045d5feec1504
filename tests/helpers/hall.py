"""A real hall daemon on loopback for tests: real SQLite in tmp_path, real HTTP, a fake clock."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from kiosk.client import api_client
from kiosk.clock import FakeClock
from kiosk.config import HallConfig, load_config
from kiosk.hall.root import HallApp

EXAMPLE = Path(__file__).resolve().parents[2] / "kiosk" / "data" / "hall.example.toml"
TZ = ZoneInfo("Asia/Shanghai")

KIOSK = "change-me-lobby-kiosk-0001"
DISPLAY = "change-me-hall-display-0001"
MANAGER = "change-me-manager-00000001"


def counter_token(n: int) -> str:
    return f"change-me-counter-{n}-000001"


def example_config(data_dir: Path, *, voice: bool = False, **hall: Any) -> HallConfig:
    """The shipped example, its store in ``data_dir``. The voice is off unless asked for:
    it starts an espeak-ng worker process, which most tests do not need."""
    cfg = load_config(EXAMPLE)
    return dataclasses.replace(
        cfg,
        hall=dataclasses.replace(cfg.hall, data_dir=str(data_dir), **hall),
        voice=dataclasses.replace(cfg.voice, enabled=voice),
    )


def morning(hour: int = 9, minute: int = 0, day: int = 23) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=TZ)


class Api:
    """httpx against the hall, with a token per role."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http: httpx.Client = api_client(base_url)

    def close(self) -> None:
        self.http.close()

    def call(
        self, method: str, path: str, token: str | None = KIOSK, **kwargs: Any
    ) -> httpx.Response:
        headers = kwargs.pop("headers", {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.request(method, f"/api/v1{path}", headers=headers, **kwargs)

    def issue(self, service: str = "A", **body: Any) -> dict[str, Any]:
        r = self.call("POST", "/tickets", json={"service": service, **body})
        assert r.status_code == 201, r.text
        return r.json()

    def counter(self, n: int, action: str, **kwargs: Any) -> httpx.Response:
        return self.call("POST", f"/counters/{n}/{action}", token=counter_token(n), **kwargs)


@contextmanager
def running_hall(
    data_dir: Path, clock: FakeClock | None = None, config: HallConfig | None = None
) -> Iterator[tuple[HallApp, Api, FakeClock]]:
    clock = clock or FakeClock(morning())
    app = HallApp(config or example_config(data_dir), clock=clock, host="127.0.0.1", port=0)
    app.start()
    api = Api(app.base_url)
    try:
        yield app, api, clock
    finally:
        api.close()
        app.stop()
