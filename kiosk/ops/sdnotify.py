"""systemd's notify protocol (sd_notify), without libsystemd.

A service with ``Type=notify`` tells systemd ``READY=1`` once it serves, ``STOPPING=1`` on
the way out and, with ``WatchdogSec=``, ``WATCHDOG=1`` at least every half of
``$WATCHDOG_USEC``; a service that stops pinging is killed and restarted. The ping is sent
from the daemon's main loop and only while the hall is healthy (:class:`Watchdog`), so a hung
hall is restarted, not kept alive by a thread that pings regardless.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable

log = logging.getLogger("kiosk.systemd")


def notify(message: str, *, environ: dict[str, str] | None = None) -> bool:
    """Send ``message`` to $NOTIFY_SOCKET; False when not run by systemd."""
    env = os.environ if environ is None else environ
    path = env.get("NOTIFY_SOCKET")
    if not path:
        return False
    address = "\0" + path[1:] if path.startswith("@") else path  # abstract namespace
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(message.encode())
    except OSError as exc:
        log.warning("sd_notify to %s failed: %s", path, exc)
        return False
    return True


def watchdog_interval_s(environ: dict[str, str] | None = None) -> float | None:
    """Half of $WATCHDOG_USEC (systemd's advice), or None when no watchdog is asked for."""
    env = os.environ if environ is None else environ
    usec = env.get("WATCHDOG_USEC")
    pid = env.get("WATCHDOG_PID")
    if not usec or (pid and pid != str(os.getpid())):
        return None
    try:
        return max(0.05, int(usec) / 2_000_000)
    except ValueError:
        return None


class Watchdog:
    """Pings only while ``healthy()`` says so; the daemon calls :meth:`tick` from its loop."""

    def __init__(
        self,
        healthy: Callable[[], bool],
        interval_s: float | None,
        send: Callable[[str], bool] = notify,
    ) -> None:
        self.healthy = healthy
        self.interval_s = interval_s
        self._send = send
        self._last = 0.0
        self.pings = 0

    def tick(self) -> None:
        if self.interval_s is None:
            return
        now = time.monotonic()
        if now - self._last < self.interval_s:
            return
        if not self.healthy():
            log.error("the hall is not healthy: no watchdog ping (systemd will restart it)")
            return
        if self._send("WATCHDOG=1"):
            self.pings += 1
        self._last = now
