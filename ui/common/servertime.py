"""The hall's time on a UI: the daemon's clock, not the box's.

Running service timers, waited times and the hall display's clock are differences against
times the daemon wrote (``called_at``, ``started_at``), so they must be read on the daemon's
clock. :class:`ServerClock` follows it from the ``at`` / ``now`` of the daemon's messages and
advances by the local monotonic clock in between (times ``speed`` for the demo's faster day).
Tests give the UI the hall's :class:`~kiosk.clock.FakeClock` instead: both have ``now()``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo


class ServerClock:
    """``now()``: the daemon's time, an aware datetime in the hall's time zone."""

    #: Differences smaller than this (seconds of hall time) are message delays, not drift.
    TOLERANCE_S = 1.0

    def __init__(
        self,
        tz: tzinfo | None = None,
        *,
        speed: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._tz = tz
        self.speed = speed
        self._monotonic = monotonic
        self._base: datetime | None = None
        self._base_mono = 0.0

    def now(self) -> datetime:
        if self._base is None:
            return datetime.now(self._tz).astimezone(self._tz)
        elapsed = (self._monotonic() - self._base_mono) * self.speed
        return self._base + timedelta(seconds=elapsed)

    def sync(self, server_now: datetime | str) -> None:
        """The daemon said it is ``server_now`` (a datetime or its ISO text)."""
        when = datetime.fromisoformat(server_now) if isinstance(server_now, str) else server_now
        if when.tzinfo is None:
            return
        if self._base is not None:
            drift = abs((self.now() - when).total_seconds())
            if drift < self.TOLERANCE_S * max(1.0, self.speed):
                return
        self._base = when
        self._base_mono = self._monotonic()
