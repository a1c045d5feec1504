"""The one composition root: builds a hall from its config and tears it down in reverse.

Order: data directory lock → store → hall (queue rebuilt from the log) → devices → report
summaries → LAN API → ticker; stopped in reverse. Every part gets its dependencies through its
constructor; nothing is a module-level singleton, and whatever runs in the background (a
thread, a bus subscription) belongs to a part this root starts and stops.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import IO

from kiosk.api import ApiServer, create_app
from kiosk.bills.source import BillSource, DemoBills
from kiosk.clock import Clock, SystemClock
from kiosk.config import HallConfig
from kiosk.hall.bus import EventBus
from kiosk.hall.devices import HallDevices
from kiosk.hall.service import Hall
from kiosk.hall.summaries import ReportSummaries
from kiosk.store import EventStore

log = logging.getLogger("kiosk.app")

STORE_FILE = "hall.db"
LOCK_FILE = "hall.lock"


class HallBusy(RuntimeError):
    """Another hall daemon already owns this data directory."""


def lock_data_dir(path: Path) -> IO[str]:
    """Hold an exclusive lock on the data directory for as long as the file stays open."""
    path.mkdir(parents=True, exist_ok=True)
    fh = open(path / LOCK_FILE, "a+", encoding="utf-8")  # noqa: SIM115 - held for the daemon's life
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        raise HallBusy(f"another hall daemon is running on {path}") from None
    fh.seek(0)
    fh.truncate()
    fh.write(f"{os.getpid()}\n")
    fh.flush()
    return fh


class HallApp:
    def __init__(
        self,
        config: HallConfig,
        *,
        clock: Clock | None = None,
        bills: BillSource | None = None,
        host: str | None = None,
        port: int | None = None,
        ticker_interval_s: float = 1.0,
        voice_cache: Path | None = None,
    ) -> None:
        self.config = config
        self.clock = clock or SystemClock(config.tz)
        self._own_bills = bills is None
        self.bills = bills or self._bill_source(config)
        self.host = host if host is not None else config.api.host
        self.port = port if port is not None else config.api.port
        self.ticker_interval_s = ticker_interval_s
        self.voice_cache = voice_cache
        self._lock: IO[str] | None = None
        self.store: EventStore | None = None
        self.hall: Hall | None = None
        self.devices: HallDevices | None = None
        self.summaries: ReportSummaries | None = None
        self.api: ApiServer | None = None

    @staticmethod
    def _bill_source(config: HallConfig) -> BillSource:
        """bills.source: "demo" generates customers; "sync" asks central, with a cache."""
        if config.bills.source == "sync":
            from kiosk.bills.central import CentralBills

            return CentralBills(config)
        return DemoBills()

    @property
    def base_url(self) -> str:
        assert self.api is not None
        return self.api.base_url

    def start(self) -> HallApp:
        data = self.config.data_path()
        self._lock = lock_data_dir(data)
        try:
            self.store = EventStore(data / STORE_FILE)
            self.hall = Hall(self.config, self.store, self.clock, EventBus())
            self.devices = HallDevices(self.config, self.hall, voice_cache=self.voice_cache)
            self.devices.start()
            self.summaries = ReportSummaries(self.hall)
            self.summaries.start()
            app = create_app(self.hall, self.bills, self.devices)
            self.api = ApiServer(app, self.host, self.port)
            self.api.start()
            self.hall.start_ticker(self.ticker_interval_s)
        except BaseException:
            self.stop()
            raise
        log.info("hall %s up: %s", self.config.hall.id, self.api.base_url)
        return self

    def stop(self) -> None:
        if self.hall is not None:
            self.hall.stop()
        if self.api is not None:
            self.api.stop()
            self.api = None
        if self.summaries is not None:
            self.summaries.stop()
            self.summaries = None
        if self.devices is not None:
            self.devices.stop()
            self.devices = None
        if self.store is not None:
            self.store.close()
            self.store = None
        close_bills = getattr(self.bills, "close", None)
        if self._own_bills and close_bills is not None:
            close_bills()
        self.hall = None
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def __enter__(self) -> HallApp:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
