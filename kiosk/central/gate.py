"""Back-pressure: how many pushes a worker process takes at once, and what it tells the rest.

A push that gets in is decoded, checked and stored at once, so it is answered well within
the halls' request timeout. When ``concurrency`` pushes are being stored and ``queue`` more
wait for a turn, the next one is answered ``429`` at once, before its body is decoded, with
``Retry-After`` (and ``retry_after_s`` in the body) estimated from how long a push takes
now. The hall's sync daemon waits that long, with jitter, and sends the same batch again:
nothing of it was stored, so nothing is ever resent that central already holds because it
was too slow to answer (docs/sync.md, "Back-pressure").

One gate per worker process, used on that process's event loop only.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager


class Busy(Exception):
    """No turn for this push now; try again after ``retry_after_s``."""

    def __init__(self, retry_after_s: float) -> None:
        super().__init__(f"busy, retry after {retry_after_s:.1f} s")
        self.retry_after_s = retry_after_s


class IngestGate:
    def __init__(
        self,
        concurrency: int = 4,
        queue: int = 8,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.concurrency = max(1, concurrency)
        self.queue = max(0, queue)
        self.monotonic = monotonic
        self.active = 0
        self.waiting = 0
        self.refused = 0  # 429s answered since start
        self.mean_s = 0.05  # moving mean of one push's time once in (starts modest)
        self._turns: asyncio.Semaphore | None = None

    def retry_after_s(self) -> float:
        """Time for the pushes ahead to get through, at least a second."""
        ahead = self.active + self.waiting + 1
        return max(1.0, math.ceil(ahead / self.concurrency * self.mean_s * 2))

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """A turn to store a push, or :class:`Busy` when too many are ahead."""
        if self._turns is None:
            self._turns = asyncio.Semaphore(self.concurrency)
        if self.active >= self.concurrency and self.waiting >= self.queue:
            self.refused += 1
            raise Busy(self.retry_after_s())
        self.waiting += 1
        try:
            await self._turns.acquire()
        finally:
            self.waiting -= 1
        self.active += 1
        began = self.monotonic()
        try:
            yield
        finally:
            self.active -= 1
            self._turns.release()
            self.mean_s = 0.8 * self.mean_s + 0.2 * (self.monotonic() - began)
