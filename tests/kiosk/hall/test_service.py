"""The hall's write path under concurrency: group commit shares fsyncs between requests, and
never answers, publishes or numbers anything that is not durable."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from kiosk.clock import FakeClock
from kiosk.hall.bus import Published
from kiosk.hall.service import Hall
from kiosk.queue import events as ev
from kiosk.store import EventStore, StorageError
from tests.helpers.hall import example_config, morning


def make_hall(tmp_path):
    store = EventStore(tmp_path / "hall.db")
    return Hall(example_config(tmp_path), store, FakeClock(morning())), store


def test_concurrent_requests_get_unique_durable_numbers_and_ordered_events(tmp_path):
    hall, store = make_hall(tmp_path)
    published: list[Published] = []
    hall.bus.subscribe(published.append)
    got: list[str] = []
    lock = threading.Lock()

    def kiosk(service: str) -> None:
        for _ in range(60):
            number = hall.issue_ticket(service).number
            with lock:
                got.append(number)

    def counter(n: int) -> None:
        for _ in range(40):
            hall.call_next(n)

    threads = [threading.Thread(target=kiosk, args=(s,)) for s in "AABE"]
    threads += [threading.Thread(target=counter, args=(n,)) for n in (1, 2, 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Every number answered is in the log, exactly once, and numbering has no gap.
    numbers = store.issued_numbers(morning().date())
    assert sorted(got) == sorted(numbers)
    per_service = Counter(n[0] for n in numbers)
    assert per_service == {"A": 120, "B": 60, "E": 60}
    for service, count in per_service.items():
        assert sorted(n for n in numbers if n[0] == service) == [
            f"{service}{i:03d}" for i in range(1, count + 1)
        ]
    # Published in the log's order, each event once, none missing.
    seqs = [p.message["seq"] for p in published if "seq" in p.message]
    assert seqs == list(range(1, store.last_seq() + 1))
    # Fewer commits than requests: batches formed (each queue.changed is one commit).
    commits = sum(1 for p in published if p.type == "queue.changed")
    requests = 240 + 120
    assert commits <= requests
    # The live state is the state the log rebuilds.
    again = Hall(example_config(tmp_path), store, FakeClock(morning()))
    assert again.queue_view() == hall.queue_view()
    store.close()


def test_a_failed_batch_fails_every_request_in_it_and_leaves_the_log_state(tmp_path):
    hall, store = make_hall(tmp_path)
    for _ in range(3):
        hall.issue_ticket("A")
    published: list[Published] = []
    hall.bus.subscribe(published.append)
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count={pages}")  # the disk is now full
    outcomes: list[str] = []
    lock = threading.Lock()

    def kiosk() -> None:
        for _ in range(30):
            try:
                n = hall.issue_ticket("B").number
                result = "ok:" + n
            except StorageError:
                result = "refused"
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=kiosk) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert "refused" in outcomes
    answered = sorted(o[3:] for o in outcomes if o.startswith("ok:"))
    durable = [n for n in store.issued_numbers(morning().date()) if n.startswith("B")]
    assert answered == durable  # nobody was told a number that is not on disk
    # Nothing not durable was published, and memory equals the log.
    seqs = [p.message["seq"] for p in published if "seq" in p.message]
    assert all(s <= store.last_seq() for s in seqs)
    rebuilt = Hall(example_config(tmp_path), store, FakeClock(morning()))
    assert rebuilt.queue_view() == hall.queue_view()
    # Space again: numbering continues right after the last durable number.
    store._conn.execute("PRAGMA max_page_count=1073741823")
    assert hall.issue_ticket("B").number == f"B{len(durable) + 1:03d}"
    assert hall.storage_error is None
    store.close()


def test_a_refused_request_still_makes_the_days_rollover_durable(tmp_path):
    hall, store = make_hall(tmp_path)
    hall.issue_ticket("A")
    hall.clock.advance(86400)  # type: ignore[attr-defined]
    try:
        hall.counter_action(1, "done")  # refused: nothing at the counter
    except Exception as exc:
        assert exc.__class__.__name__ == "NoCurrentTicket"
    types = [s.event.TYPE for s in store.events()]
    assert types[-2:] == [ev.TicketExpired.TYPE, ev.DayClosed.TYPE]
    assert hall.issue_ticket("A").number == "A001"
    assert morning() + timedelta(days=1) > morning()
    store.close()
