"""In-process publish/subscribe of committed events.

The hall publishes each event after it is durable; subscribers (the WebSocket hub, window
screens, the voice) are called in the publishing thread and must return quickly: each one
hands the event to its own worker. A failing subscriber is logged and never stops the others
or the queue.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("kiosk.bus")


@dataclass(frozen=True)
class Published:
    """What subscribers receive: the wire form of one event (or a push-only notice).

    ``snapshot``, when given, computes the rest of the message on demand: ``queue.changed``
    carries the whole queue view, which only the WebSocket hub and the caller pads need, and
    they coalesce a burst of changes into one computation instead of one per commit. It
    returns only what is durable, so it may wait for a commit: call it on a worker of your
    own, never in the publishing thread (the hall refuses that with RuntimeError).
    """

    type: str
    message: dict[str, Any]  # JSON-ready, as sent on the WebSocket
    audience: frozenset[str] = field(default_factory=lambda: frozenset({"*"}))
    snapshot: Callable[[], dict[str, Any]] | None = None


Subscriber = Callable[[Published], None]


class EventBus:
    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, fn: Subscriber) -> Callable[[], None]:
        with self._lock:
            self._subscribers.append(fn)

        def unsubscribe() -> None:
            with self._lock:
                if fn in self._subscribers:
                    self._subscribers.remove(fn)

        return unsubscribe

    def publish(self, item: Published) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for fn in subscribers:
            try:
                fn(item)
            except Exception:
                log.exception("a subscriber failed on %s", item.type)
