"""The hall daemon's main loop under systemd: READY once serving, the watchdog pinged from
here while the hall is healthy, STOPPING on SIGTERM, a clean stop in reverse order."""

from __future__ import annotations

import logging
import signal
import threading

from kiosk.hall.root import HallApp
from kiosk.ops.sdnotify import Watchdog, notify, watchdog_interval_s

log = logging.getLogger("kiosk.daemon")


def serve(app: HallApp, *, loop_interval_s: float = 0.5) -> int:
    """Run a started :class:`HallApp` until SIGTERM or SIGINT."""
    assert app.hall is not None and app.api is not None
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    hall, api = app.hall, app.api
    interval = watchdog_interval_s()

    def healthy() -> bool:
        return hall.healthy() and api.running

    watchdog = Watchdog(healthy, interval)
    notify(f"READY=1\nSTATUS=serving {app.base_url}/api/v1")
    try:
        wait = min(loop_interval_s, interval) if interval else loop_interval_s
        while not stop.wait(wait):
            watchdog.tick()
    finally:
        notify("STOPPING=1")
        app.stop()
    return 0
