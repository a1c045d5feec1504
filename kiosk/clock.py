"""Time as the hall sees it: aware datetimes in the hall's time zone.

The queue never reads a clock itself; the hall passes ``now`` in. Tests and the demo use a
clock they control (:class:`FakeClock`, :class:`ScaledClock`).
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo


def in_zone(value: str, tz: tzinfo) -> datetime:
    """An ISO 8601 time, aware: one written without an offset is a wall-clock time of ``tz``
    (the hall's zone), so central's or an operator's "2026-11-24T08:00" is 08:00 in the hall,
    not 08:00 UTC (16:00 in Guangzhou). ValueError for text that is not a time."""
    when = datetime.fromisoformat(value)
    return when if when.tzinfo is not None else when.replace(tzinfo=tz)


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz

    def now(self) -> datetime:
        return datetime.now(self.tz)


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)

    def set(self, when: datetime) -> None:
        with self._lock:
            self._now = when


class ScaledClock:
    """A clock running ``speed`` times faster than real time from ``start`` (the demo)."""

    def __init__(self, start: datetime, speed: float) -> None:
        self.start = start
        self.speed = speed
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self._t0) * self.speed)
