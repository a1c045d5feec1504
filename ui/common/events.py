"""The hall daemon's event push (``/api/v1/events``) on a worker thread.

The WebSocket is how a UI knows the daemon is there: while it is connected the screens are
live; when it breaks the UI shows that the system is being serviced and this worker
reconnects by itself, with backoff, for as long as it runs. Every connection starts with a
``hello`` carrying the whole queue, so a UI never has to guess what it missed.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any
from urllib.parse import quote

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.sync.client import connect

from ui.qt.core import QObject, QThread, Signal, Slot

log = logging.getLogger("ui.events")


def events_url(base_url: str, token: str) -> str:
    """``http://host:port`` → ``ws://host:port/api/v1/events?token=…``."""
    base = base_url.rstrip("/")
    if base.startswith("https://"):
        base = "wss://" + base[len("https://") :]
    elif base.startswith("http://"):
        base = "ws://" + base[len("http://") :]
    return f"{base}/api/v1/events?token={quote(token, safe='')}"


class _StreamWorker(QThread):
    message = Signal(object)
    online = Signal(bool)

    def __init__(
        self, url: str, stop: threading.Event, backoff_s: tuple[float, float], poll_s: float
    ) -> None:
        super().__init__()
        self._url = url
        self._stop = stop
        self._backoff_min, self._backoff_max = backoff_s
        self._poll_s = poll_s

    def run(self) -> None:
        backoff = self._backoff_min
        while not self._stop.is_set():
            connected = False
            try:
                with connect(
                    self._url, open_timeout=5, close_timeout=1, proxy=None, compression=None
                ) as ws:
                    connected = True
                    self._receive(ws)
            except (OSError, TimeoutError, InvalidHandshake, InvalidURI, ConnectionClosed) as exc:
                log.debug("events: no connection (%s)", type(exc).__name__)
            if self._stop.is_set():
                return
            self.online.emit(False)
            if connected:
                backoff = self._backoff_min
            self._stop.wait(backoff)
            if not connected:
                backoff = min(backoff * 2, self._backoff_max)

    def _receive(self, ws: Any) -> None:
        first = True
        while not self._stop.is_set():
            try:
                raw = ws.recv(timeout=self._poll_s)
            except TimeoutError:
                continue
            except ConnectionClosed as exc:
                code = exc.rcvd.code if exc.rcvd is not None else None
                if code == 4401:
                    log.warning("events: the daemon refused this device's token")
                return
            try:
                msg = json.loads(raw)
            except ValueError:
                log.warning("events: a message that is not JSON, ignored")
                continue
            if first:
                first = False
                self.online.emit(True)
            if isinstance(msg, dict):
                self.message.emit(msg)


class EventStream(QObject):
    """Events of the hall daemon, delivered in the GUI thread.

    Signals:
        message_received(dict): each message, in order; ``hello`` first after each connect.
        connection_lost(): the daemon cannot be reached (also when the first try fails).
            Emitted once per outage.
        connection_restored(): connected again after a loss (its ``hello`` follows).
    """

    message_received = Signal(dict)
    connection_lost = Signal()
    connection_restored = Signal()

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        backoff_s: tuple[float, float] = (0.2, 3.0),
        poll_s: float = 0.2,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._url = events_url(base_url, token)
        self._backoff_s = backoff_s
        self._poll_s = poll_s
        self._stop = threading.Event()
        self._worker: _StreamWorker | None = None
        #: None until the first connect attempt ended
        self.online: bool | None = None

    def start(self) -> None:
        if self._worker is not None:
            return
        self._stop.clear()
        self._worker = _StreamWorker(self._url, self._stop, self._backoff_s, self._poll_s)
        self._worker.message.connect(self._on_worker_message)
        self._worker.online.connect(self._on_worker_online)
        self._worker.start()

    def stop(self) -> None:
        """Close the connection and end the thread (within ``poll_s``). Idempotent."""
        worker, self._worker = self._worker, None
        if worker is None:
            return
        self._stop.set()
        worker.wait()
        worker.message.disconnect(self._on_worker_message)
        worker.online.disconnect(self._on_worker_online)
        worker.deleteLater()

    @Slot(object)
    def _on_worker_message(self, msg: dict[str, Any]) -> None:
        if self._worker is not None:
            self.message_received.emit(msg)

    @Slot(bool)
    def _on_worker_online(self, online: bool) -> None:
        if self._worker is None or online == self.online:
            return
        was = self.online
        self.online = online
        if not online:
            self.connection_lost.emit()
        elif was is False:
            self.connection_restored.emit()
