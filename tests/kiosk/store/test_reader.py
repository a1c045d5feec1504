"""The read-only event-log reader: every schema version the migrations can produce is read
the same; a newer store is refused clearly; a reader beside a writing hall sees only whole
commits, in order, and never holds the writer's log back."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from kiosk.hall.reports import daily_report, month_report
from kiosk.ops.backup import BackupError, restore
from kiosk.queue import events as ev
from kiosk.store import EventStore, PendingWrite, StoredEvent
from kiosk.store.eventlog import MIGRATIONS, SCHEMA_VERSION
from kiosk.store.reader import (
    NEWEST_READABLE,
    EventLogReader,
    LogReadError,
    SchemaTooNew,
    SeqRange,
)
from tests.helpers.busyday import events_of, generate_day
from tests.helpers.hall import example_config, morning

ROOT = Path(__file__).resolve().parents[3]
DAY1, DAY2 = date(2026, 11, 2), date(2026, 11, 3)


# --------------------------------------------------------------- stores of each version


def _day_of_v1(e: ev.Event) -> str:
    """Schema 1's ``day`` column: the event's own day, else its ticket's, else its time's."""
    day = getattr(e, "day", None)
    if isinstance(day, date):
        return day.isoformat()
    tid = e.ticket_id
    if tid and len(tid) > 9 and tid[8] == "-" and tid[:8].isdigit():
        return f"{tid[:4]}-{tid[4:6]}-{tid[6:8]}"
    return e.at.date().isoformat()


def write_v1(conn: sqlite3.Connection, events: list[ev.Event]) -> None:
    """Events as a program at schema 1 wrote them (frozen here, as its migration is)."""
    with conn:
        for e in events:
            cur = conn.execute(
                "INSERT INTO events (type, at, day, ticket, counter, data) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    e.TYPE,
                    e.at.isoformat(),
                    _day_of_v1(e),
                    e.ticket_id,
                    e.counter_number,
                    json.dumps(e.to_data(), ensure_ascii=False, separators=(",", ":")),
                ),
            )
            if isinstance(e, ev.TicketIssued):
                conn.execute(
                    "INSERT INTO ticket_numbers (day, number, seq) VALUES (?, ?, ?)",
                    (e.day.isoformat(), e.number, cur.lastrowid),
                )


#: One writer per schema version. A new migration needs its own here (what that version's
#: program wrote), and the reader taught to read it: a test below fails until both are done.
WRITERS: dict[int, Callable[[sqlite3.Connection, list[ev.Event]], None]] = {1: write_v1}


def build(path: Path, version: int, events: list[ev.Event]) -> Path:
    """A store at ``version``: the first ``version`` migrations, then that version's writes."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    db = sqlite_utils.Database(conn)
    for k, migrate in enumerate(MIGRATIONS[:version], 1):
        conn.execute("BEGIN")
        migrate(db)
        conn.execute(f"PRAGMA user_version={k}")
        conn.execute("COMMIT")
    conn.isolation_level = ""
    WRITERS[version](conn, events)
    conn.close()
    return path


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    return example_config(tmp_path_factory.mktemp("cfg")).queue_rules()


@pytest.fixture(scope="module")
def two_days(rules) -> list[ev.Event]:
    """A day closed in full, then a day still open."""
    return events_of(rules, generate_day(rules, DAY1, 120, seed=5)) + events_of(
        rules, generate_day(rules, DAY2, 80, seed=6), closed=False
    )


def test_the_reader_knows_every_schema_version_and_each_has_a_writer_here():
    assert NEWEST_READABLE == SCHEMA_VERSION, "teach kiosk/store/reader.py the new schema"
    assert set(WRITERS) == set(range(1, SCHEMA_VERSION + 1)), "add the version's writer here"


@pytest.mark.parametrize("version", sorted(WRITERS))
def test_a_store_of_every_schema_version_is_read_as_written(tmp_path, rules, two_days, version):
    path = build(tmp_path / f"v{version}.db", version, two_days)
    current = EventStore(tmp_path / "current" / "hall.db")  # today's writer, same events
    current.append(two_days)
    current.close()
    n = len(two_days)
    with EventLogReader(path) as reader:
        assert reader.schema_version == version
        assert reader.last_seq() == n
        raw = reader.raw_events()
        assert [r.seq for r in raw] == list(range(1, n + 1))
        assert [(r.type, r.data) for r in raw] == [(e.TYPE, e.to_data()) for e in two_days]
        assert all(r.at == e.at.isoformat() for r, e in zip(raw, two_days, strict=True))
        # After a seq, with a limit and an end: exactly the asked slice.
        assert [r.seq for r in reader.raw_events(10, limit=5)] == [11, 12, 13, 14, 15]
        assert [r.seq for r in reader.raw_events(10, through=12)] == [11, 12]
        assert reader.raw_events(n) == []
        day1 = [r.seq for r in raw if r.day == DAY1.isoformat()]
        assert reader.seq_range(DAY1, DAY1) == SeqRange(min(day1), max(day1))
        assert reader.seq_range(date(2026, 10, 1), date(2026, 10, 31)) is None
        assert reader.closed_days(DAY1, DAY2 + timedelta(days=5)) == {DAY1}
        summary = reader.check()
        assert (summary.events, summary.last_seq) == (n, n)
        assert (summary.first_day, summary.last_day) == (DAY1, DAY2)
        rows = reader.report_rows(DAY1, DAY1)
        assert {r[1][:8] for r in rows} == {"20261102"}  # the day's tickets only
    # The figures from this version's store equal those from today's writer's store.
    for day in (DAY1, DAY2):
        assert daily_report(path, rules, day) == daily_report(current.path, rules, day), (
            f"schema {version}, {day}"
        )


def _newer(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={NEWEST_READABLE + 1}")
    conn.commit()
    conn.close()


def test_a_store_newer_than_the_reader_is_refused_with_a_clear_message(tmp_path, rules):
    store = EventStore(tmp_path / "hall.db")
    store.append([ev.CounterPaused(at=morning(), counter=1)])
    reader = EventLogReader(store.path)
    assert reader.last_seq() == 1  # the connection is kept open…
    store.close()
    _newer(store.path)  # …and a newer program migrates the store meanwhile
    for read in (
        reader.last_seq,
        reader.raw_events,
        reader.check,
        lambda: reader.report_rows(DAY1, DAY1),
    ):
        with pytest.raises(SchemaTooNew, match=r"newer than this program .*upgrade the program"):
            read()
    reader.close()
    with pytest.raises(SchemaTooNew, match=f"schema {NEWEST_READABLE + 1}"):
        month_report(store.path, rules, "2026-11")
    with pytest.raises(BackupError, match="newer than this program"):
        restore(tmp_path / "data", store.path)
    assert not (tmp_path / "data").exists()


def test_no_store_yet_reads_as_an_empty_log_and_is_not_created(tmp_path):
    path = tmp_path / "hall.db"
    with EventLogReader(path) as reader:
        assert (reader.last_seq(), reader.raw_events(), reader.schema_version) == (0, [], 0)
        assert reader.report_rows(DAY1, DAY2) == [] and reader.closed_days(DAY1, DAY2) == set()
        with pytest.raises(LogReadError, match="no such file"):
            reader.check()
    assert not path.exists()
    # The hall has created the file but not migrated it yet: still empty, not an error.
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    with EventLogReader(path) as reader:
        assert reader.last_seq() == 0 and reader.summary().events == 0
        with pytest.raises(LogReadError, match="schema 0"):
            reader.check()
        # The hall migrates and writes: the same reader sees it.
        store = EventStore(path)
        store.append([ev.CounterPaused(at=morning(), counter=1)])
        assert reader.last_seq() == 1 and reader.schema_version == SCHEMA_VERSION
        store.close()


def test_a_file_that_is_not_a_hall_store_is_refused(tmp_path):
    foreign = tmp_path / "notes.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE notes (t TEXT)")
    conn.commit()
    conn.close()
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is no database at all" * 100)
    for path in (foreign, garbage):
        with (
            EventLogReader(path) as reader,
            pytest.raises(LogReadError, match=r"not a hall store|cannot be read"),
        ):
            reader.last_seq()


def test_a_replaced_file_is_read_anew(tmp_path):
    """``kiosk restore`` swaps the file under a running sync daemon's reader."""
    path = tmp_path / "hall.db"
    store = EventStore(path)
    store.append([ev.CounterPaused(at=morning(), counter=1)] * 3)
    store.close()
    other = EventStore(tmp_path / "other.db")
    other.append([ev.CounterPaused(at=morning(), counter=2)] * 5)
    other.close()
    with EventLogReader(path) as reader:
        assert reader.last_seq() == 3
        (tmp_path / "other.db").replace(path)
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        assert reader.last_seq() == 5


def test_a_staged_batch_is_invisible_until_its_commit(tmp_path):
    store = EventStore(tmp_path / "hall.db")
    store.append([ev.CounterPaused(at=morning(), counter=1)])
    reader = EventLogReader(store.path)
    assert reader.last_seq() == 1
    seen_inside: list[tuple[int, list[int]]] = []

    def look() -> None:  # runs inside the writer's open transaction, before its commit
        seen_inside.append((reader.last_seq(), [r.seq for r in reader.raw_events()]))

    batch = [
        PendingWrite([StoredEvent(2, ev.CounterPaused(at=morning(), counter=2))]),
        PendingWrite([StoredEvent(3, ev.CounterResumed(at=morning(), counter=2))], also=look),
    ]
    store.write(batch)
    assert seen_inside == [(1, [1])]
    assert [r.type for r in reader.raw_events(1)] == ["counter.paused", "counter.resumed"]
    reader.close()
    store.close()


def test_the_reader_never_holds_the_writers_log_between_calls(tmp_path):
    """No snapshot is kept between calls: the hall's checkpoint folds its whole WAL back
    even while a reader stays open (a held snapshot would make it report busy)."""
    store = EventStore(tmp_path / "hall.db")
    for i in range(50):
        store.append([ev.CounterPaused(at=morning(), counter=1 + i % 4)])
    reader = EventLogReader(store.path)
    assert len(reader.raw_events()) == 50
    assert reader.report_rows(morning().date(), morning().date()) == []
    writer = sqlite3.connect(store.path)
    busy, _, _ = writer.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    assert busy == 0
    assert Path(f"{store.path}-wal").stat().st_size == 0
    writer.close()
    reader.close()
    store.close()


def test_reading_while_the_hall_commits_sees_whole_batches_in_order(tmp_path):
    path = tmp_path / "hall.db"
    EventStore(path).close()
    batches, size = 300, 7
    child = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("writer_child.py")),
            str(path),
            str(batches),
            str(size),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert child.stdout is not None and child.stdin is not None
    assert child.stdout.readline().strip() == "ready"
    child.stdin.write("go\n")
    child.stdin.flush()
    seen: list[int] = []  # every last_seq observed
    cursor = 0
    with EventLogReader(path) as reader:
        while True:
            finished = child.poll() is not None  # every commit made (or it died: below)
            last = reader.last_seq()
            seen.append(last)
            assert last % size == 0, f"a torn batch: last seq {last}"
            rows = reader.raw_events(cursor)
            assert [r.seq for r in rows] == list(range(cursor + 1, cursor + 1 + len(rows)))
            assert len(rows) % size == 0, f"a torn batch after seq {cursor}"
            for r in rows:  # seq s belongs to batch (s - 1) // size + 1, whole
                assert r.data["counter"] == (r.seq - 1) // size + 1
            cursor += len(rows)
            if finished:
                break
    out, _ = child.communicate(timeout=30)
    assert child.returncode == 0 and out.strip() == "done"
    assert cursor == batches * size
    # The reads really overlapped the writes: partial progress was seen on the way.
    assert len({s for s in seen if 0 < s < batches * size}) >= 3
