"""Back-pressure: how many pushes a worker process takes at once, and what it tells the rest.

A push that gets in is decoded, checked and stored within ``max_wait_s`` or so, well within
the halls' request timeout. ``concurrency`` pushes are stored at once; the others wait for a
turn as long as the wait this worker expects (the pushes ahead × how long a push takes now
÷ ``concurrency``) stays under ``max_wait_s`` and fewer than ``queue`` wait. Past that, the
next one is answered ``429`` at once, before its body is decoded, with ``Retry-After`` (and
``retry_after_s`` in the body): about the time the pushes ahead need. The hall's sync
daemon waits that long, with jitter, and sends the same batch again:
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
        queue: int = 256,
        max_wait_s: float = 2.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.concurrency = max(1, concurrency)
        self.queue = max(0, queue)
        self.max_wait_s = max_wait_s
        self.monotonic = monotonic
        self.active = 0
        self.waiting = 0
        self.refused = 0  # 429s answered since start
        self.mean_s = 0.05  # moving mean of one push's time once in (starts modest)
        self._turns: asyncio.Semaphore | None = None

    def expected_wait_s(self) -> float:
        """How long a push arriving now would wait for its turn."""
        if self.active < self.concurrency:
            return 0.0
        return (self.waiting + 1) / self.concurrency * self.mean_s

    def retry_after_s(self) -> float:
        """Time for the pushes ahead to get through, at least a second."""
        ahead = self.active + self.waiting + 1
        return float(max(1, math.ceil(ahead / self.concurrency * self.mean_s)))

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """A turn to store a push, or :class:`Busy` when too many are ahead."""
        if self._turns is None:
            self._turns = asyncio.Semaphore(self.concurrency)
        if self.active >= self.concurrency and (
            self.waiting >= self.queue or self.expected_wait_s() > self.max_wait_s
        ):
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
