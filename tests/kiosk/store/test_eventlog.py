"""The event log: durable, gap-free, never a duplicate number, also across kills."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.clock import FakeClock
from kiosk.hall.service import Hall
from kiosk.queue import events as ev
from kiosk.store import EventStore, PendingWrite, StorageError, StoredEvent
from kiosk.store.eventlog import SCHEMA_VERSION
from tests.helpers.hall import example_config, morning

ROOT = Path(__file__).resolve().parents[3]


def issued(day, number, serial=1):
    return ev.TicketIssued(
        at=morning(),
        ticket=f"20261123-{number}",
        number=number,
        service=number[0],
        day=day,
        serial=serial,
    )


def test_events_round_trip_in_order_with_gap_free_sequence(tmp_path):
    store = EventStore(tmp_path / "hall.db")
    day = morning().date()
    written = store.append(
        [
            issued(day, "A001"),
            ev.TicketCalled(at=morning(), ticket="20261123-A001", counter=1, staff="1001"),
        ]
    )
    written += store.append([ev.CounterPaused(at=morning(), counter=2)])
    assert [s.seq for s in written] == [1, 2, 3]
    back = list(store.events())
    assert [s.event for s in back] == [s.event for s in written]
    assert store.last_seq() == 3
    store.close()


def test_a_duplicate_number_is_refused_by_the_schema_and_nothing_is_written(tmp_path):
    store = EventStore(tmp_path / "hall.db")
    day = morning().date()
    store.append([issued(day, "A001")])
    with pytest.raises(StorageError, match="duplicate"):
        store.append([ev.CounterPaused(at=morning(), counter=1), issued(day, "A001")])
    assert store.last_seq() == 1  # the whole batch was rolled back
    store.close()


def test_schema_is_versioned_and_a_newer_store_is_refused(tmp_path):
    path = tmp_path / "hall.db"
    EventStore(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(StorageError, match="newer than this program"):
        EventStore(path)


def test_a_file_that_is_not_a_store_is_refused_clearly(tmp_path):
    path = tmp_path / "hall.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StorageError, match="not usable"):
        EventStore(path)


def test_state_is_rebuilt_from_the_log_after_a_restart(tmp_path):
    cfg = example_config(tmp_path)
    clock = FakeClock(morning())
    store = EventStore(tmp_path / "hall.db")
    hall = Hall(cfg, store, clock)
    for s in "AAB":
        hall.issue_ticket(s)
    hall.call_next(1)
    hall.counter_action(2, "pause")
    store.close()
    store = EventStore(tmp_path / "hall.db")
    again = Hall(cfg, store, clock)
    view = again.queue_view()
    assert {c.counter: c.state for c in view.counters} == {
        1: "busy",
        2: "paused",
        3: "idle",
        4: "idle",
    }
    assert again.issue_ticket("A").number == "A003"
    store.close()


def test_rebuild_starts_at_the_last_full_close(tmp_path):
    cfg = example_config(tmp_path)
    clock = FakeClock(morning())
    store = EventStore(tmp_path / "hall.db")
    hall = Hall(cfg, store, clock)
    for _ in range(5):
        hall.issue_ticket("A")
    hall.close_day()  # 5 issued (seq 1-5), 5 expired (6-10), the close (11)
    clock.advance(24 * 3600)
    hall.issue_ticket("A")
    assert store.replay_start() == 10
    rebuilt = Hall(cfg, store, clock)
    assert list(rebuilt.queue.tickets) == ["20261124-A001"]
    assert rebuilt.issue_ticket("A").number == "A002"
    store.close()


def test_personal_data_stays_out_of_the_log_and_is_purged_at_close(tmp_path):
    from kiosk.hall.service import IdCardInput
    from kiosk.hall.views import PersonalView

    cfg = example_config(tmp_path)
    store = EventStore(tmp_path / "hall.db")
    hall = Hall(cfg, store, FakeClock(morning()))
    t = hall.issue_ticket(
        "A", id_card=IdCardInput("11010519491231002X", "张三丰"), account="3100000001"
    )
    assert hall.personal_view(t.id) == PersonalView(
        account="3100000001", id_masked="1101**********002X", name_masked="张**"
    )
    raw = (tmp_path / "hall.db").read_bytes() + (tmp_path / "hall.db-wal").read_bytes()
    conn = sqlite3.connect(tmp_path / "hall.db")
    log_text = " ".join(r[0] for r in conn.execute("SELECT data FROM events"))
    conn.close()
    assert "11010519491231002X" not in log_text and "张三丰" not in log_text
    assert b"11010519491231002X" not in raw
    hall.close_day()
    assert hall.personal_view(t.id) is None
    store.close()


def test_a_full_disk_refuses_the_ticket_and_changes_nothing(tmp_path):
    """SQLite's own 'database or disk is full' (a page limit makes it real, not a mock)."""
    cfg = example_config(tmp_path)
    store = EventStore(tmp_path / "hall.db")
    hall = Hall(cfg, store, FakeClock(morning()))
    hall.issue_ticket("A")
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count={pages}")
    with pytest.raises(StorageError, match="full"):
        for _ in range(200):
            hall.issue_ticket("A")
    seen = hall.queue_view().services[0].waiting
    assert hall.storage_error and "full" in hall.storage_error
    store._conn.execute("PRAGMA max_page_count=1073741823")
    nxt = hall.issue_ticket("A")
    numbers = store.issued_numbers(morning().date())
    assert numbers == [f"A{i:03d}" for i in range(1, len(numbers) + 1)]  # no gap, no duplicate
    assert nxt.number == numbers[-1] and nxt.ahead == seen
    assert hall.storage_error is None
    store.close()


@pytest.mark.slow
def test_numbers_are_never_lost_or_duplicated_when_the_process_is_killed(tmp_path):
    """A real process issuing tickets as fast as it can is SIGKILLed at random instants,
    20 times. Every number it was told about is in the log, and each service's numbers are
    exactly 1..N: never a duplicate, never a gap."""
    rng = random.Random(1)
    reported: list[str] = []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(20):
        child = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("crash_child.py")), str(tmp_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=ROOT,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready", (
            child.stderr.read() if child.stderr else ""
        )
        # Kill after a random number of answered tickets (not a random time: the machine's
        # load must not decide how much the test exercises), plus a random instant more.
        for _ in range(rng.randint(1, 12)):
            line = child.stdout.readline()
            assert line, child.stderr.read() if child.stderr else "the child stopped"
            reported.append(line.strip())
        time.sleep(rng.uniform(0, 0.01))
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate(timeout=30)
        assert "Traceback" not in err, err
        # The last line may be cut mid-write by the kill: only whole lines count.
        lines = out.split("\n")
        reported += [x for x in lines[:-1] if x]
    store = EventStore(tmp_path / "hall.db")
    numbers = store.issued_numbers(morning().date())
    per_service: dict[str, list[int]] = defaultdict(list)
    for n in numbers:
        per_service[n[0]].append(int(n[1:]))
    for service, seqs in per_service.items():
        assert seqs == list(range(1, len(seqs) + 1)), f"service {service}: {seqs}"
    assert len(numbers) == len(set(numbers))
    assert set(reported) <= set(numbers)
    assert len(numbers) >= 20  # every round answered at least one ticket
    # And the log replays into a consistent queue.
    hall = Hall(example_config(tmp_path), store, FakeClock(morning() + timedelta(hours=1)))
    assert sum(s.waiting for s in hall.queue_view().services) > 0
    store.close()


def test_a_group_commit_is_all_or_none(tmp_path):
    """Several requests' writes in one transaction: if any part fails (here the extra store
    work of one of them, which SQLite refuses), none of them is kept, personal data included."""
    store = EventStore(tmp_path / "hall.db")
    day = morning().date()
    first = PendingWrite(
        [StoredEvent(1, issued(day, "A001"))],
        {"20261123-A001": {"day": "2026-11-23", "account": "0123456789"}},
    )

    def fails() -> None:  # more store work that SQLite refuses: A001 is taken already
        store._conn.execute(
            "INSERT INTO ticket_numbers (day, number, seq) VALUES ('2026-11-23', 'A001', 9)"
        )

    second = PendingWrite([StoredEvent(2, issued(day, "A002", 2))], None, fails)
    with pytest.raises(StorageError, match="duplicate"):
        store.write([first, second])
    assert store.last_seq() == 0 and store.issued_numbers(day) == []
    assert store.personal("20261123-A001") is None
    store.write([first, PendingWrite([StoredEvent(2, issued(day, "A002", 2))])])
    assert [s.seq for s in store.events()] == [1, 2]
    assert store.personal("20261123-A001") == {
        "account": "0123456789",
        "id_masked": None,
        "name_masked": None,
    }
    store.close()


def test_a_sequence_number_already_in_the_log_is_refused(tmp_path):
    """The writer numbers events itself; the log refuses a number twice, so a bug there can
    never overwrite or reorder the log."""
    store = EventStore(tmp_path / "hall.db")
    day = morning().date()
    store.write([PendingWrite([StoredEvent(1, issued(day, "A001"))])])
    with pytest.raises(StorageError, match="duplicate"):
        store.write([PendingWrite([StoredEvent(1, issued(day, "A002", 2))])])
    assert store.issued_numbers(day) == ["A001"]
    store.close()
