"""A hall's day of events written straight into a real hall store, fast.

The events are decided by the real queue rules (issue, call, start, ask for a rating, done,
rated, sometimes a no-show), each applied before the next decision, so the log is what a hall
daemon would have written. They are appended in chunks (one fsync per chunk) because a test
wants the day, not a day's worth of fsyncs. A busy day: 2,000 tickets, about 12,000 events.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kiosk.queue import Queue, QueueError, QueueRules
from kiosk.queue import events as ev
from kiosk.store import EventStore

TZ = ZoneInfo("Asia/Shanghai")


def day_events(
    rules: QueueRules, day: date, tickets: int, seed: int = 1, queue: Queue | None = None
) -> Iterator[ev.Event]:
    q = queue or Queue(rules)
    rng = random.Random(seed)
    now = datetime.combine(day, time(8, 30), TZ)
    step = 8.5 * 3600 / max(1, tickets) / 2
    counters = list(rules.counters)
    services = list(rules.services)
    issued = 0

    def do(events: list[ev.Event]) -> Iterator[ev.Event]:
        for e in events:
            q.apply(e)
            yield e

    while issued < tickets or q.waiting():
        now += timedelta(seconds=rng.uniform(0.2, 2 * step))
        if issued < tickets and rng.random() < 0.5:
            try:
                yield from do(q.issue(rng.choice(services), now))
            except QueueError:
                continue
            issued += 1
            continue
        n = rng.choice(counters)
        try:
            called = q.call_next(n, now, staff=f"10{n:02d}")
        except QueueError:
            continue
        if not any(isinstance(e, ev.TicketCalled) for e in called):
            yield from do(called)
            continue
        yield from do(called)
        ticket = next(e.ticket for e in called if isinstance(e, ev.TicketCalled))
        if rng.random() < 0.04:
            yield from do(q.no_show(n, now + timedelta(seconds=60)))
            continue
        yield from do(q.start(n, now + timedelta(seconds=30), staff=f"10{n:02d}"))
        yield from do(q.request_evaluation(n, now + timedelta(seconds=200)))
        yield from do(q.done(n, now + timedelta(seconds=210)))
        yield from do(
            q.evaluate(ticket, rng.choice((1, 1, 1, 2, 2, 3, 4)), now + timedelta(seconds=215))
        )


def write_day(
    store: EventStore, rules: QueueRules, day: date, tickets: int, seed: int = 1, chunk: int = 500
) -> int:
    """Append a day to ``store``; the last sequence number."""
    batch: list[ev.Event] = []
    for e in day_events(rules, day, tickets, seed):
        batch.append(e)
        if len(batch) >= chunk:
            store.append(batch)
            batch = []
    store.append(batch)
    return store.last_seq()
