"""The hall's write path under concurrency: group commit shares fsyncs between requests, and
never answers, publishes or numbers anything that is not durable."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
import time
from collections import Counter
from datetime import timedelta

from kiosk.clock import FakeClock
from kiosk.hall.bus import Published
from kiosk.hall.service import Hall
from kiosk.hall.views import PersonalView
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


# ------------------------------------------------ commits outside the hall lock


class WriteLockHolder:
    """Another SQLite connection holding the database's write lock, as a slow fsync would
    hold a commit: the hall's next commit waits in BEGIN IMMEDIATE (its busy timeout) until
    :meth:`release`. A real lock of the real store, no mock."""

    def __init__(self, path):
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        self.conn.close()


def durable_numbers(path) -> list[str]:
    """What is on disk, read by a connection of its own (the hall's may be mid-commit)."""
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT number FROM ticket_numbers ORDER BY seq")]
    finally:
        conn.close()


def wait_until(condition, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.005)


def waiting(hall, service: str) -> int:
    return next(s.waiting for s in hall.queue_view().services if s.service == service)


class Requests:
    """Requests on threads of their own, each outcome kept: a number or the error's class."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []
        self.outcomes: list[str] = []
        self._lock = threading.Lock()

    def start(self, fn, *args) -> None:
        def run() -> None:
            try:
                result = "ok:" + fn(*args).number
            except Exception as exc:
                result = type(exc).__name__
            with self._lock:
                self.outcomes.append(result)

        t = threading.Thread(target=run)
        t.start()
        self.threads.append(t)

    def running(self) -> int:
        return sum(t.is_alive() for t in self.threads)

    def join(self) -> list[str]:
        for t in self.threads:
            t.join(timeout=30)
        return sorted(self.outcomes)


def test_requests_arriving_during_a_commit_decide_at_once_and_share_the_next_commit(tmp_path):
    """Given a commit that cannot finish (its write waits on the disk), when more requests
    arrive they are decided and numbered at once, readers are not blocked, nobody is answered
    and nothing is published; once the disk lets go, the waiting requests are made durable by
    one more commit, and every event is published in log order."""
    hall, store = make_hall(tmp_path)
    published: list[Published] = []
    hall.bus.subscribe(published.append)
    disk = WriteLockHolder(tmp_path / "hall.db")
    requests = Requests()
    requests.start(hall.issue_ticket, "A")
    wait_until(lambda: waiting(hall, "A") == 1)  # decided; its commit is stuck
    for _ in range(5):
        requests.start(hall.issue_ticket, "B")
    wait_until(lambda: waiting(hall, "B") == 5)  # decided during the commit, not after it
    assert requests.running() == 6  # nobody answered before durable
    assert published == []  # nothing published before durable
    assert durable_numbers(tmp_path / "hall.db") == []
    disk.release()
    assert requests.join() == ["ok:A001", "ok:B001", "ok:B002", "ok:B003", "ok:B004", "ok:B005"]
    assert durable_numbers(tmp_path / "hall.db")[0] == "A001"
    seqs = [p.message["seq"] for p in published if "seq" in p.message]
    assert seqs == [1, 2, 3, 4, 5, 6]
    # Two commits: the stuck one, then one for all five that arrived during it.
    assert [p.type for p in published].count("queue.changed") == 2
    store.close()


def test_a_failed_commit_fails_its_batch_and_every_request_decided_on_top_of_it(tmp_path):
    """Given a full disk (SQLite's own page limit) and a commit stuck on the disk, requests
    that arrive meanwhile are decided on top of it; when it fails, every one of them is
    refused with StorageError (the API's 503), the queue is the log's again, nothing of it was
    published, and once there is space numbering continues without a gap."""
    hall, store = make_hall(tmp_path)
    hall.issue_ticket("C")
    store._conn.execute(
        f"PRAGMA max_page_count={store._conn.execute('PRAGMA page_count').fetchone()[0]}"
    )
    with contextlib.suppress(StorageError):
        for _ in range(500):  # fill the last pages
            hall.issue_ticket("C")
    durable = durable_numbers(tmp_path / "hall.db")
    before = hall.queue_view()
    published: list[Published] = []
    hall.bus.subscribe(published.append)
    disk = WriteLockHolder(tmp_path / "hall.db")
    requests = Requests()
    requests.start(hall.issue_ticket, "D")
    wait_until(lambda: waiting(hall, "D") == 1)
    for _ in range(4):
        requests.start(lambda s: hall.issue_ticket(s, account="0123456789"), "E")
    wait_until(lambda: waiting(hall, "E") == 4)
    disk.release()
    assert requests.join() == ["StorageError"] * 5
    assert durable_numbers(tmp_path / "hall.db") == durable
    assert not any("seq" in p.message for p in published)
    assert [p.type for p in published] == ["store.fault"]
    assert hall.storage_error and "full" in hall.storage_error
    assert hall.queue_view() == before
    rebuilt = Hall(example_config(tmp_path), store, FakeClock(morning()))
    assert rebuilt.queue_view() == hall.queue_view()
    # No personal data of a refused ticket was left behind (same transaction as its event).
    assert store._conn.execute("SELECT COUNT(*) FROM ticket_personal").fetchone()[0] == 0
    store._conn.execute("PRAGMA max_page_count=1073741823")
    assert hall.issue_ticket("D").number == "D001"
    assert hall.issue_ticket("C").number == f"C{len(durable) + 1:03d}"
    assert hall.storage_error is None
    store.close()


def test_the_daily_purge_fails_with_the_close_it_belongs_to(tmp_path):
    """The daily close and its purge of personal data are one transaction: a close that
    cannot be stored purges nothing, and the retried close purges it."""
    hall, store = make_hall(tmp_path)
    t = hall.issue_ticket("A", account="0123456789")
    store._conn.execute(
        f"PRAGMA max_page_count={store._conn.execute('PRAGMA page_count').fetchone()[0]}"
    )
    with contextlib.suppress(StorageError):
        for _ in range(500):
            hall.issue_ticket("B")
    try:
        hall.close_day()
    except StorageError:
        pass
    else:  # the close fitted in the space left: then it purged too
        assert hall.personal_view(t.id) is None
        return
    assert hall.personal_view(t.id) == PersonalView(account="0123456789")
    assert not hall.queue_view().closed
    store._conn.execute("PRAGMA max_page_count=1073741823")
    assert hall.close_day().purged == 1
    assert hall.personal_view(t.id) is None
    store.close()


def test_the_queue_snapshot_that_leaves_the_process_shows_only_what_is_durable(tmp_path):
    """The ``queue.changed`` snapshot (WebSocket hub, caller pads) taken while a change is
    applied but its commit is stuck returns only once that commit is durable; if the commit
    fails, it shows the queue without the failed change."""
    hall, store = make_hall(tmp_path)
    changes: list[Published] = []
    hall.bus.subscribe(lambda p: changes.append(p) if p.type == "queue.changed" else None)
    hall.issue_ticket("A")
    snapshot = changes[-1].snapshot
    assert snapshot is not None
    views: list[dict] = []

    def take() -> threading.Thread:
        t = threading.Thread(target=lambda: views.append(snapshot()))
        t.start()
        return t

    disk = WriteLockHolder(tmp_path / "hall.db")
    requests = Requests()
    requests.start(hall.issue_ticket, "A")
    wait_until(lambda: waiting(hall, "A") == 2)
    taker = take()
    wait_until(lambda: requests.running() == 1 and taker.is_alive())
    assert views == []  # not while A002 is not durable
    disk.release()
    taker.join(timeout=30)
    assert requests.join() == ["ok:A002"]
    assert views[-1]["services"][0]["waiting"] == 2

    # The same with a commit that fails: the snapshot shows the log's queue.
    store._conn.execute(
        f"PRAGMA max_page_count={store._conn.execute('PRAGMA page_count').fetchone()[0]}"
    )
    with contextlib.suppress(StorageError):
        for _ in range(500):
            hall.issue_ticket("B")
    durable_b = waiting(hall, "B")
    disk = WriteLockHolder(tmp_path / "hall.db")
    requests = Requests()
    requests.start(hall.issue_ticket, "B")
    wait_until(lambda: waiting(hall, "B") == durable_b + 1)
    taker = take()
    disk.release()
    taker.join(timeout=30)
    assert requests.join() == ["StorageError"]
    b = next(s for s in views[-1]["services"] if s["service"] == "B")
    assert b["waiting"] == durable_b
    store.close()


def test_many_kiosks_and_counters_at_once_with_slow_commits(tmp_path):
    """Kiosks and counters at once while commits are slow (the write lock is taken and given
    back by another connection, like a slow disk): every number answered is durable, unique
    and gap-free, events are published once each in log order, batches hold several
    requests, and the live queue is what the log rebuilds."""
    hall, store = make_hall(tmp_path)
    published: list[Published] = []
    hall.bus.subscribe(published.append)
    stop = threading.Event()

    def slow_disk() -> None:
        conn = sqlite3.connect(tmp_path / "hall.db", isolation_level=None)
        while not stop.is_set():
            conn.execute("BEGIN IMMEDIATE")
            time.sleep(0.002)
            conn.execute("ROLLBACK")
            time.sleep(0.0005)
        conn.close()

    disk = threading.Thread(target=slow_disk)
    disk.start()
    got: list[str] = []
    lock = threading.Lock()

    def kiosk(service: str) -> None:
        for _ in range(40):
            number = hall.issue_ticket(service).number
            with lock:
                got.append(number)

    def counter(n: int) -> None:
        for _ in range(30):
            if hall.call_next(n) is not None:
                hall.counter_action(n, "start")
                hall.counter_action(n, "done")

    threads = [threading.Thread(target=kiosk, args=(s,)) for s in "AABBE"]
    threads += [threading.Thread(target=counter, args=(n,)) for n in (1, 2, 3, 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    disk.join()
    numbers = store.issued_numbers(morning().date())
    assert sorted(got) == sorted(numbers) and len(set(numbers)) == len(numbers) == 200
    for service, count in Counter(n[0] for n in numbers).items():
        assert sorted(n for n in numbers if n[0] == service) == [
            f"{service}{i:03d}" for i in range(1, count + 1)
        ]
    seqs = [p.message["seq"] for p in published if "seq" in p.message]
    assert seqs == list(range(1, store.last_seq() + 1))
    commits = [p.type for p in published].count("queue.changed")
    assert commits < store.last_seq()  # some commits carried several events
    again = Hall(example_config(tmp_path), store, FakeClock(morning()))
    assert again.queue_view() == hall.queue_view()
    store.close()


def test_awaiting_requests_share_commits_with_threads_and_are_refused_on_a_full_disk(tmp_path):
    """The awaitable write path (for async routes): coroutines on an event loop and threads
    issue at once; every number is durable, unique and gap-free, events are published in log
    order, and no thread waits per coroutine (the committer thread commits for them). On a
    full disk an awaiting request is refused with StorageError, and nothing hangs."""
    hall, store = make_hall(tmp_path)
    published: list[Published] = []
    hall.bus.subscribe(published.append)
    got: list[str] = []

    def issue(service: str):  # type: ignore[no-untyped-def]
        return lambda now: hall.queue.issue(service, now)

    async def kiosk(service: str) -> None:
        for _ in range(40):
            stored = await hall._run_async(issue(service))
            got.append(stored[-1].event.number)  # type: ignore[attr-defined]

    def thread_kiosk() -> None:
        for _ in range(40):
            got.append(hall.issue_ticket("E").number)

    async def main() -> None:
        threads = [threading.Thread(target=thread_kiosk) for _ in range(2)]
        for t in threads:
            t.start()
        await asyncio.gather(*(kiosk(s) for s in "AABCD"))
        for t in threads:
            t.join()

    asyncio.run(main())
    numbers = store.issued_numbers(morning().date())
    assert sorted(got) == sorted(numbers) and len(set(numbers)) == 280
    for service, count in Counter(n[0] for n in numbers).items():
        assert sorted(n for n in numbers if n[0] == service) == [
            f"{service}{i:03d}" for i in range(1, count + 1)
        ]
    seqs = [p.message["seq"] for p in published if "seq" in p.message]
    assert seqs == list(range(1, store.last_seq() + 1))
    # One committer thread did the waiting for all the coroutines.
    assert [t.name for t in threading.enumerate()].count("hall-committer") == 1

    store._conn.execute(
        f"PRAGMA max_page_count={store._conn.execute('PRAGMA page_count').fetchone()[0]}"
    )

    async def until_refused() -> str:
        for _ in range(500):
            try:
                await hall._run_async(issue("B"))
            except StorageError as exc:
                return str(exc)
        return "never refused"

    assert "full" in asyncio.run(until_refused())
    assert (
        hall.queue_view()
        == Hall(example_config(tmp_path), store, FakeClock(morning())).queue_view()
    )
    hall.stop()
    assert "hall-committer" not in [t.name for t in threading.enumerate()]
    store.close()
