"""Push of committed events to WebSocket clients.

The hall publishes from whatever thread committed; the hub hands each message to the event
loop with ``call_soon_threadsafe`` and each client has its own bounded queue, so a slow or
dead client never slows the hall: when its queue is full it is disconnected (it reconnects
and gets a fresh ``hello`` with the whole queue).

Queue snapshots (``queue.changed`` carries the whole queue) are never taken on the event
loop: taking one needs the hall lock and may wait for a commit to be durable (see
``Hall.durable_queue_view``). A burst of changes is coalesced into one snapshot, taken by the
hub's own worker thread, which then hands the message to the loop like any other. So each
client still gets messages in the order they were published, and a snapshot is never older
than an event delivered before it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from kiosk.hall.bus import Published

log = logging.getLogger("kiosk.api.ws")

CLIENT_QUEUE = 1000

T = TypeVar("T")


@dataclass(eq=False)
class Client:
    role: str
    name: str
    queue: asyncio.Queue[dict[str, Any] | None] = field(
        default_factory=lambda: asyncio.Queue(CLIENT_QUEUE)
    )

    def wants(self, item: Published) -> bool:
        aud = item.audience
        return "*" in aud or self.role in aud or f"{self.role}:{self.name}" in aud


class EventHub:
    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.clients: set[Client] = set()
        self._lock = threading.Lock()
        self._pending_snapshot: Published | None = None
        # One worker: snapshots are taken one at a time, in the order they were asked for.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ws-snapshot")

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def publish(self, item: Published) -> None:
        """Called from any thread by the bus."""
        loop = self.loop
        if loop is None or loop.is_closed() or not self.clients:
            return
        with contextlib.suppress(RuntimeError):  # the loop or the worker is shutting down
            if item.snapshot is None:
                loop.call_soon_threadsafe(self._deliver, item)
                return
            # Coalesce: one snapshot for a burst of changes, taken by the worker.
            with self._lock:
                first = self._pending_snapshot is None
                self._pending_snapshot = item
            if first:
                self._worker.submit(self._take_snapshot, loop)

    def _take_snapshot(self, loop: asyncio.AbstractEventLoop) -> None:
        """In the worker thread: the latest pending snapshot, then to the loop."""
        with self._lock:
            item, self._pending_snapshot = self._pending_snapshot, None
        if item is None or item.snapshot is None:
            return
        try:
            message = {**item.message, **item.snapshot()}
        except Exception:
            log.exception("queue snapshot failed")
            return
        with contextlib.suppress(RuntimeError):  # the loop is shutting down
            loop.call_soon_threadsafe(self._deliver, Published(item.type, message, item.audience))

    async def in_worker(self, fn: Callable[[], T]) -> T:
        """``fn()`` on the hub's worker, off the event loop (the ``hello``'s snapshot), in
        turn with the ``queue.changed`` snapshots."""
        return await asyncio.wrap_future(self._worker.submit(fn))

    def _deliver(self, item: Published) -> None:
        for client in list(self.clients):
            if not client.wants(item):
                continue
            try:
                client.queue.put_nowait(item.message)
            except asyncio.QueueFull:
                log.warning("dropping slow WebSocket client %s:%s", client.role, client.name)
                self.clients.discard(client)
                while not client.queue.empty():
                    client.queue.get_nowait()
                client.queue.put_nowait(None)

    def add(self, client: Client) -> None:
        self.clients.add(client)

    def remove(self, client: Client) -> None:
        self.clients.discard(client)

    def close_all(self) -> None:
        for client in list(self.clients):
            with contextlib.suppress(asyncio.QueueFull):
                client.queue.put_nowait(None)
        self._worker.shutdown(wait=False, cancel_futures=True)
