"""What the hall display shows, folded from the daemon's WebSocket messages. No Qt here.

``hello`` and ``queue.changed`` carry the whole queue (every counter, every service); the
latest calls come from ``ticket.called`` / ``ticket.recalled``; outage notices from
``notice.changed`` (their text is fetched from ``GET /api/v1/notices``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

MAX_CALLS = 8


@dataclass(frozen=True)
class Call:
    number: str
    counter: int
    at: datetime | None  # the daemon's time of the call; None: it was already called
    recall: int = 0


@dataclass
class Board:
    services: list[dict[str, Any]] = field(default_factory=list)
    counters: list[dict[str, Any]] = field(default_factory=list)
    closed: bool = False
    calls: list[Call] = field(default_factory=list)  # newest first
    notices: list[dict[str, Any]] = field(default_factory=list)
    seq: int = 0

    @property
    def latest(self) -> Call | None:
        return self.calls[0] if self.calls else None

    def apply(self, msg: dict[str, Any]) -> set[str]:
        """Fold one message in; returns what changed: ``queue``, ``calls``, ``notices``."""
        kind = msg.get("type")
        if kind == "hello":
            self.seq = int(msg.get("seq", 0))
            self._set_queue(msg.get("queue") or {})
            changed = {"queue"}
            if not self.calls:
                # Fresh start: those at the counters are the latest calls we know of, the
                # ones still being called first.
                current = [c for c in self.counters if c.get("current")]
                current.sort(key=lambda c: c["current"].get("status") != "called")
                self.calls = [Call(c["current"]["number"], c["counter"], None) for c in current][
                    :MAX_CALLS
                ]
                changed.add("calls")
            return changed | {"notices"}
        if kind == "queue.changed":
            self._set_queue(msg)
            return {"queue"}
        if kind in ("ticket.called", "ticket.recalled"):
            at = msg.get("at")
            call = Call(
                number=str(msg.get("number", "")),
                counter=int(msg.get("counter", 0)),
                at=datetime.fromisoformat(at) if at else None,
                recall=int(msg.get("recall", 0)),
            )
            self.calls = [call] + [c for c in self.calls if c.number != call.number]
            del self.calls[MAX_CALLS:]
            return {"calls"}
        if kind == "notice.changed":
            return {"notices"}
        return set()

    def _set_queue(self, queue: dict[str, Any]) -> None:
        self.services = list(queue.get("services", []))
        self.counters = list(queue.get("counters", []))
        self.closed = bool(queue.get("closed", False))

    def service_names(self, lang: str) -> dict[str, str]:
        en = lang.startswith("en")
        return {
            s["service"]: (s.get("name_en") if en else None) or s["name"] for s in self.services
        }

    def flashing(self, now: datetime, flash_s: float) -> bool:
        """The newest call is flashing for ``flash_s`` after it was made."""
        call = self.latest
        if call is None or call.at is None:
            return False
        return 0 <= (now - call.at).total_seconds() < flash_s
