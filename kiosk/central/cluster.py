"""Central as several worker processes behind one port, and their supervisor.

Python runs one thread of Python at a time per process, so one central process uses one
core however many halls push at once (issue 16 measured 52 % of it in JSON decoding and
validation). The supervisor prepares the database (schema, the months of partitions ahead),
then starts ``workers`` processes (:mod:`kiosk.central.worker`), each with its own
connections, event loop and ingest gate, all answering on the same port:

- ``balance="reuseport"`` (the default): every worker binds the port with ``SO_REUSEPORT``
  and the kernel hands each new connection to one of them by a hash of its addresses. A
  hall's sync daemon keeps its connection open, so its pushes stay on one worker while the
  connection lives.
- ``balance="shared"``: the supervisor listens and the workers inherit the socket; whichever
  worker is idle in ``accept`` takes the next connection.

docs/sync.md compares the two with figures. The supervisor restarts a worker that died and,
every hour, creates the partitions of the months ahead.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kiosk.central.config import CentralConfig
from kiosk.central.store import CentralStore
from kiosk.central.worker import listening_socket, store_of
from kiosk.config import reachable_host

log = logging.getLogger("kiosk.central")

MAINTENANCE_INTERVAL_S = 3600.0
RESTART_DELAY_S = 1.0


def workers_for(config: CentralConfig) -> int:
    return config.central.workers or os.cpu_count() or 1


def prepare_database(config: CentralConfig, today: date) -> list[str]:
    """Schema up to date, and the months from a week ago to two months ahead partitioned
    (a hall back after a week offline finds its months there). The months created."""
    store = store_of(config)
    try:
        return prepare(store, today)
    finally:
        store.close()


def prepare(store: CentralStore, today: date) -> list[str]:
    created = store.ensure_partitions(today - timedelta(days=7), ahead=0)
    return created + store.ensure_partitions(today)


class CentralCluster:
    def __init__(
        self,
        config: CentralConfig,
        *,
        workers: int | None = None,
        host: str | None = None,
        port: int | None = None,
        balance: str = "reuseport",
        today: Callable[[], date] | None = None,
    ) -> None:
        if not config.source:
            raise ValueError("the workers read the configuration from its file: give one")
        if balance not in ("reuseport", "shared"):
            raise ValueError(f"balance is reuseport or shared, not {balance!r}")
        self.config = config
        self.workers = workers or workers_for(config)
        self.host = host if host is not None else config.central.host
        self.port = port if port is not None else config.central.port
        self.balance = balance
        tz = ZoneInfo(config.central.timezone)
        self.today = today or (lambda: datetime.now(tz).date())
        self.restarts = 0
        self._procs: list[subprocess.Popen[bytes] | None] = []
        self._sock: socket.socket | None = None
        self._stop = threading.Event()
        self._monitor: threading.Thread | None = None

    @property
    def tls(self) -> bool:
        return bool(self.config.central.tls_cert)

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{reachable_host(self.host)}:{self.port}"

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self._procs if p is not None and p.poll() is None]

    def start(self, timeout_s: float = 30.0) -> CentralCluster:
        prepare_database(self.config, self.today())
        # reuseport: a socket bound but not listening holds the port (port 0 picks it) and
        # takes no connections; shared: the one listening socket every worker inherits.
        shared = self.balance == "shared"
        self._sock = listening_socket(self.host, self.port, reuse_port=not shared, listen=shared)
        self.port = self._sock.getsockname()[1]
        try:
            self._procs = [None] * self.workers
            for i in range(self.workers):
                self._spawn(i, timeout_s)
        except BaseException:
            self.stop()
            raise
        self._monitor = threading.Thread(target=self._watch, name="central-supervisor", daemon=True)
        self._monitor.start()
        log.info("central on %s: %d workers (%s)", self.base_url, self.workers, self.balance)
        return self

    def _spawn(self, i: int, timeout_s: float) -> None:
        assert self._sock is not None
        read_end, write_end = os.pipe()
        argv = [
            sys.executable,
            "-m",
            "kiosk.central.worker",
            "--config",
            self.config.source,
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--ready-fd",
            str(write_end),
        ]
        fds = [write_end]
        if self.balance == "shared":
            argv += ["--fd", str(self._sock.fileno())]
            fds.append(self._sock.fileno())
        try:
            proc = subprocess.Popen(argv, pass_fds=fds)
        finally:
            os.close(write_end)
        self._procs[i] = proc
        try:
            self._wait_ready(proc, read_end, timeout_s)
        finally:
            os.close(read_end)

    @staticmethod
    def _wait_ready(proc: subprocess.Popen[bytes], read_end: int, timeout_s: float) -> None:
        import select

        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            ready, _, _ = select.select([read_end], [], [], 0.1)
            if ready and os.read(read_end, 1):
                return
            if proc.poll() is not None:
                raise RuntimeError(f"a central worker exited at start ({proc.returncode})")
        raise RuntimeError("a central worker did not start in time")

    def _watch(self) -> None:
        next_maintenance = time.monotonic() + MAINTENANCE_INTERVAL_S
        while not self._stop.wait(0.5):
            for i, proc in enumerate(self._procs):
                if proc is not None and proc.poll() is not None and not self._stop.is_set():
                    log.warning(
                        "central worker %d exited (%s): starting another", proc.pid, proc.returncode
                    )
                    self._stop.wait(RESTART_DELAY_S)
                    if self._stop.is_set():
                        return
                    try:
                        self._spawn(i, 30.0)
                        self.restarts += 1
                    except (OSError, RuntimeError) as exc:
                        log.error("cannot restart a central worker: %s", exc)
            if time.monotonic() >= next_maintenance:
                next_maintenance = time.monotonic() + MAINTENANCE_INTERVAL_S
                try:
                    prepare_database(self.config, self.today())
                except Exception as exc:  # the next hour tries again
                    log.error("creating the partitions ahead failed: %s", exc)

    def stop(self) -> None:
        self._stop.set()
        if self._monitor is not None:
            self._monitor.join(timeout=10)
            self._monitor = None
        live = [p for p in self._procs if p is not None and p.poll() is None]
        for p in live:
            p.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for p in live:
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self._procs = []
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def __enter__(self) -> CentralCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
