"""HTTP calls to the hall daemon's LAN API, off the GUI thread.

A screen calls :meth:`HallClient.request` and gets its answer later, in the GUI thread, as
an :class:`ApiReply`. The calls run on a few worker threads, each with its own
``api_client`` (``TCP_NODELAY``: without it every call on a kept-alive connection waits
~40 ms for a delayed ACK). Nothing here blocks the GUI thread, not even :meth:`close`
beyond the calls already on the wire.
"""

from __future__ import annotations

import itertools
import logging
import queue
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from kiosk.client import api_client
from ui.qt.core import QObject, QThread, Signal, Slot

log = logging.getLogger("ui.client")

PREFIX = "/api/v1"


@dataclass(frozen=True)
class ApiReply:
    """One answer of the LAN API. ``status`` 0: the daemon could not be reached."""

    request_id: int
    method: str
    path: str
    status: int
    body: Any = None
    #: "unreachable" or "timeout" when status is 0
    transport_error: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def reached(self) -> bool:
        return self.status != 0

    @property
    def error_code(self) -> str | None:
        if self.status == 0:
            return self.transport_error or "unreachable"
        if self.ok:
            return None
        try:
            return str(self.body["error"]["code"])
        except (KeyError, TypeError):
            return f"http_{self.status}"

    @property
    def error_message(self) -> str:
        """The API's message (in the language of the request), or "" when there is none."""
        try:
            return str(self.body["error"]["message"])
        except (KeyError, TypeError):
            return ""


ReplyCallback = Callable[[ApiReply], None]


@dataclass
class _Job:
    request_id: int
    method: str
    path: str
    json: Any
    headers: dict[str, str]
    timeout_s: float | None
    generation: int = field(default=0)  # -1: kept through drop_pending()


class _HttpWorker(QThread):
    """One thread, one kept-alive connection; takes jobs from the shared queue."""

    replied = Signal(object, int)  # ApiReply, generation

    def __init__(
        self, base_url: str, token: str, jobs: queue.Queue[_Job | None], timeout_s: float
    ) -> None:
        super().__init__()
        self._base_url = base_url
        self._token = token
        self._jobs = jobs
        self._timeout_s = timeout_s

    def run(self) -> None:
        with api_client(self._base_url, self._token, timeout_s=self._timeout_s) as http:
            while True:
                job = self._jobs.get()
                if job is None:
                    return
                self.replied.emit(self._send(http, job), job.generation)

    def _send(self, http: httpx.Client, job: _Job) -> ApiReply:
        kwargs: dict[str, Any] = {"headers": job.headers}
        if job.json is not None:
            kwargs["json"] = job.json
        if job.timeout_s is not None:
            kwargs["timeout"] = job.timeout_s
        try:
            r = http.request(job.method, PREFIX + job.path, **kwargs)
        except httpx.TimeoutException:
            return ApiReply(job.request_id, job.method, job.path, 0, transport_error="timeout")
        except httpx.HTTPError as exc:
            log.info("%s %s: daemon unreachable (%s)", job.method, job.path, type(exc).__name__)
            return ApiReply(job.request_id, job.method, job.path, 0, transport_error="unreachable")
        body: Any = None
        if r.content:
            try:
                body = r.json()
            except ValueError:
                body = None
        return ApiReply(job.request_id, job.method, job.path, r.status_code, body)


class HallClient(QObject):
    """The LAN API, asynchronously, for a Qt UI.

    Signals:
        replied(ApiReply): every answer, after its callback ran (for logs and tests).
        reachability_changed(bool): a call found the daemon unreachable (False) or reached
            it again (True). The WebSocket (:class:`~ui.common.events.EventStream`) is the
            main judge of the connection; this only adds what calls notice.
    """

    replied = Signal(object)
    reachability_changed = Signal(bool)

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        workers: int = 2,
        timeout_s: float = 10.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.base_url = base_url.rstrip("/")
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._ids = itertools.count(1)
        self._callbacks: dict[int, ReplyCallback] = {}
        self._generation = 0
        self._language = "zh-CN"
        self._reachable = True
        #: answers that arrived after drop_pending() and went to nobody
        self.dropped = 0
        self._workers = [
            _HttpWorker(self.base_url, token, self._jobs, timeout_s) for _ in range(workers)
        ]
        for w in self._workers:
            w.replied.connect(self._on_worker_replied)
            w.start()

    def set_language(self, lang: str) -> None:
        """``zh_CN`` or ``en``: the language of the API's messages from now on."""
        self._language = "en" if lang.startswith("en") else "zh-CN"

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        on_reply: ReplyCallback | None = None,
        timeout_s: float | None = None,
        keep: bool = False,
    ) -> int:
        """Queue a call of ``/api/v1{path}``; returns its id at once. ``keep``: the answer
        reaches ``on_reply`` even after :meth:`drop_pending` (settings, not a customer's)."""
        if not self._workers:
            raise RuntimeError("HallClient is closed")
        request_id = next(self._ids)
        if on_reply is not None:
            self._callbacks[request_id] = on_reply
        self._jobs.put(
            _Job(
                request_id,
                method,
                path,
                json,
                {"Accept-Language": self._language},
                timeout_s,
                -1 if keep else self._generation,
            )
        )
        return request_id

    def get(self, path: str, on_reply: ReplyCallback | None = None) -> int:
        return self.request("GET", path, on_reply=on_reply)

    def post(
        self,
        path: str,
        json: Any = None,
        on_reply: ReplyCallback | None = None,
        timeout_s: float | None = None,
    ) -> int:
        return self.request("POST", path, json=json, on_reply=on_reply, timeout_s=timeout_s)

    def drop_pending(self) -> None:
        """Forget the callbacks of every call under way (but those made with ``keep``):
        their answers arrive to nobody."""
        self._generation += 1

    def close(self) -> None:
        """Stop the workers (after the calls already sent). Idempotent."""
        workers, self._workers = self._workers, []
        for _ in workers:
            self._jobs.put(None)
        for w in workers:
            w.wait()
            w.replied.disconnect(self._on_worker_replied)
            w.deleteLater()
        self._callbacks.clear()

    @Slot(object, int)
    def _on_worker_replied(self, reply: ApiReply, generation: int) -> None:
        callback = self._callbacks.pop(reply.request_id, None)  # kept or dropped: gone
        if reply.reached != self._reachable:
            self._reachable = reply.reached
            self.reachability_changed.emit(reply.reached)
        if generation not in (self._generation, -1):
            self.dropped += 1
            return
        if callback is not None:
            callback(reply)
        self.replied.emit(reply)
