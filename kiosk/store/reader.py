"""A hall's event log, read-only, for everyone but its writer: reports, sync, backup.

The hall daemon (:class:`kiosk.store.EventStore`) is the log's only writer. Everything else
that reads ``hall.db`` — the manager's reports, the sync daemon shipping events to central,
``kiosk backup`` checking a copy — goes through :class:`EventLogReader`, so the log's tables,
columns and JSON fields are known in ``kiosk/store/`` only (a test in
``tests/test_architecture.py`` fails on SQL against them anywhere else).

How it reads:

- **Read-only twice over**: the file is opened with a ``mode=ro`` URI (SQLite refuses any
  write and never creates the file) and ``PRAGMA query_only``.
- **Never in the writer's way**: the log is in WAL mode, so a reader sees the last commit
  made before its read began and the writer never waits for it. Each call is one read
  transaction, ended before the call returns: no snapshot is held between calls (a held
  one would stop the hall's checkpoints and let the WAL grow), and a call that needs two
  statements (a report's seq range, then its rows) sees one commit point for both. A batch
  the hall commits at once (group commit) is therefore seen whole or not at all.
- **One connection, kept**: opened at the first read and kept until :meth:`close` (the sync
  daemon polls every few hundred milliseconds; a report reads a day at a time). It is
  reopened if the file was replaced underneath (``kiosk restore``). Memory-mapped reads
  (``mmap_size``), so a report's scan reads pages in place.
- **Schema versions**: every read checks ``PRAGMA user_version`` in its own transaction. A
  store newer than :data:`NEWEST_READABLE` is refused with :class:`SchemaTooNew` (upgrade
  the program); every version from 1 up to it is read (``tests/kiosk/store/test_reader.py``
  builds one store per version). A missing file, or one the hall has created but not yet
  migrated (version 0, no tables), is an empty log; any other file is not a hall store.

What it offers (typed): :meth:`~EventLogReader.last_seq`, :meth:`~EventLogReader.raw_events`
(sync), :meth:`~EventLogReader.seq_range`, :meth:`~EventLogReader.report_rows` and
:meth:`~EventLogReader.closed_days` (reports), :meth:`~EventLogReader.summary` and
:meth:`~EventLogReader.check` (backup).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from kiosk.queue import events as ev
from kiosk.store.eventlog import StorageError

#: The schema versions this reader understands. A migration that changes what the reader
#: reads must teach it here (both shapes) and add the version's builder to
#: ``tests/kiosk/store/test_reader.py``; a test fails while this lags ``SCHEMA_VERSION``.
OLDEST_READABLE = 1
NEWEST_READABLE = 1


class LogReadError(StorageError):
    """The log cannot be read: damaged, not a hall store, or too new for this program."""


class SchemaTooNew(LogReadError):
    """The store was written by a newer program (a later schema version)."""


class RawEvent(NamedTuple):
    """One event as stored: what sync ships (``data`` is the event's JSON, parsed). A
    NamedTuple, immutable like the dataclasses here but built at tuple speed: sync reads
    batches of hundreds."""

    seq: int
    type: str
    at: str  # ISO 8601 with the hall's offset, as written
    day: str  # the business day the event belongs to, YYYY-MM-DD
    ticket: str | None
    counter: int | None
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class SeqRange:
    """The first and last sequence numbers of a period's events (inclusive)."""

    first: int
    last: int


@dataclass(frozen=True, slots=True)
class LogSummary:
    """What a store holds (``kiosk backup`` prints it)."""

    schema_version: int
    events: int
    last_seq: int
    first_day: date | None
    last_day: date | None


#: Event types a report reads, coded as small integers (cheap to hand over), in this order:
REPORT_TYPES = (
    ev.TicketIssued.TYPE,
    ev.TicketCalled.TYPE,
    ev.TicketStarted.TYPE,
    ev.TicketDone.TYPE,
    ev.TicketNoShow.TYPE,
    ev.TicketTransferred.TYPE,
    ev.TicketExpired.TYPE,
    ev.TicketCancelled.TYPE,
    ev.TicketOverdue.TYPE,
    ev.TicketEvaluated.TYPE,
)
(ISSUED, CALLED, STARTED, DONE, NO_SHOW, TRANSFERRED, EXPIRED, CANCELLED, OVERDUE, EVALUATED) = (
    range(1, len(REPORT_TYPES) + 1)
)

#: One report row: (kind, ticket, counter, time in Unix seconds, field), where kind is one of
#: the codes above and field is what the kind needs: the hour of day of an issue (int), the
#: staff number of a call or start (str or None), the service a transfer goes to (str), the
#: score of an evaluation (int). Plain tuples, not NamedTuples: a month is ~290,000 rows and
#: a NamedTuple per row added 50-60 ms (~10 %) to the SQL part (measured on the
#: ``bench/counter.py`` store).
ReportRow = tuple[int, str, int | None, float, Any]

# The seq range comes from the day index, so the scan is a range of the primary key; the day
# condition drops other days' stragglers in it (a ticket's late events carry its own day).
_REPORT_SQL = f"""
SELECT CASE type {" ".join(f"WHEN '{t}' THEN {i}" for i, t in enumerate(REPORT_TYPES, 1))} END,
       ticket, counter,
       round((julianday(at) - 2440587.5) * 86400.0, 3),
       CASE type
           WHEN '{ev.TicketIssued.TYPE}' THEN CAST(substr(at, 12, 2) AS INTEGER)
           WHEN '{ev.TicketCalled.TYPE}' THEN json_extract(data, '$.staff')
           WHEN '{ev.TicketStarted.TYPE}' THEN json_extract(data, '$.staff')
           WHEN '{ev.TicketTransferred.TYPE}' THEN json_extract(data, '$.to_service')
           WHEN '{ev.TicketEvaluated.TYPE}' THEN json_extract(data, '$.score')
       END
FROM events
WHERE seq BETWEEN ? AND ? AND day BETWEEN ? AND ?
  AND type IN ({", ".join("?" * len(REPORT_TYPES))})
ORDER BY seq
"""
_SEQ_RANGE_SQL = "SELECT MIN(seq), MAX(seq) FROM events WHERE day BETWEEN ? AND ?"
_RAW_SQL = "SELECT seq, type, at, day, ticket, counter, data FROM events WHERE seq > ?"
_CLOSED_SQL = (
    f"SELECT day FROM events WHERE type = '{ev.DayClosed.TYPE}' AND day BETWEEN ? AND ? "
    "AND json_extract(data, '$.full')"
)
_MMAP_BYTES = 1 << 30  # read the pages in place, no copies (address space only)


class EventLogReader:
    """A read-only reader of one hall's event log (see the module's docstring).

    Thread-safe: calls on one reader are serialised; use one reader per thread for
    parallel reads. Usable as a context manager (closes on exit).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self._file: tuple[int, int] | None = None  # (st_dev, st_ino) of the open file
        self._lock = threading.Lock()

    def __enter__(self) -> EventLogReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
            self._file = None

    # --------------------------------------------------------------- connection

    def _connection(self) -> sqlite3.Connection | None:
        """The open connection, (re)opened if needed; None when there is no file."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            self._drop()
            return None
        except OSError as exc:
            raise LogReadError(f"{self.path}: cannot be opened: {exc}") from exc
        if self._conn is not None and self._file == (st.st_dev, st.st_ino):
            return self._conn
        self._drop()  # first use, or the file was replaced (a restore)
        try:
            conn = sqlite3.connect(
                f"file:{self.path}?mode=ro",
                uri=True,
                isolation_level=None,  # transactions are ours: one per call
                check_same_thread=False,
                timeout=10,
            )
        except sqlite3.Error as exc:
            raise LogReadError(f"{self.path}: cannot be opened: {exc}") from exc
        try:
            conn.execute("PRAGMA query_only=1")
            conn.execute(f"PRAGMA mmap_size={_MMAP_BYTES}")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise LogReadError(f"{self.path}: not a hall store ({exc})") from exc
        self._conn, self._file = conn, (st.st_dev, st.st_ino)
        return conn

    @contextmanager
    def _snapshot(self) -> Iterator[tuple[sqlite3.Connection, int] | None]:
        """One read transaction: the connection and the schema version, or None for an
        empty log (no file yet, or a store the hall has not migrated yet)."""
        with self._lock:
            conn = self._connection()
            if conn is None:
                yield None
                return
            try:
                conn.execute("BEGIN")
                try:
                    version = self._version(conn)
                    yield (conn, version) if version else None
                finally:
                    if conn.in_transaction:
                        conn.execute("COMMIT")  # ends the snapshot: nothing held between calls
            except sqlite3.DatabaseError as exc:
                self._drop()
                raise LogReadError(f"{self.path}: cannot be read ({exc})") from exc

    def _version(self, conn: sqlite3.Connection) -> int:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > NEWEST_READABLE:
            raise SchemaTooNew(
                f"the store {self.path} has schema {version}, newer than this program reads "
                f"({OLDEST_READABLE} to {NEWEST_READABLE}): upgrade the program"
            )
        if version == 0:
            # Created by the hall but not migrated yet (no tables): an empty log. Anything
            # else with version 0 is some other SQLite file.
            if conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]:
                raise LogReadError(f"{self.path}: not a hall store (no schema version)")
            return 0
        if version < OLDEST_READABLE:  # pragma: no cover - no version below 1 exists
            raise LogReadError(f"{self.path}: schema {version} is too old to read")
        return version

    # ------------------------------------------------------------------- reads

    @property
    def schema_version(self) -> int:
        """The store's schema version (0: no store or an empty one)."""
        with self._snapshot() as snap:
            return 0 if snap is None else snap[1]

    def last_seq(self) -> int:
        """The sequence number of the last committed event (0: none)."""
        with self._snapshot() as snap:
            if snap is None:
                return 0
            row = snap[0].execute("SELECT MAX(seq) FROM events").fetchone()
        return int(row[0] or 0)

    def raw_events(
        self, after: int = 0, *, through: int | None = None, limit: int | None = None
    ) -> list[RawEvent]:
        """Committed events with ``after < seq <= through`` in seq order, at most ``limit``."""
        sql = _RAW_SQL
        params: list[Any] = [after]
        if through is not None:
            sql += " AND seq <= ?"
            params.append(through)
        sql += " ORDER BY seq"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        with self._snapshot() as snap:
            if snap is None:
                return []
            rows = snap[0].execute(sql, params).fetchall()
        return [
            RawEvent(int(s), t, at, day, ticket, counter, json.loads(data))
            for s, t, at, day, ticket, counter, data in rows
        ]

    def seq_range(self, first: date, last: date) -> SeqRange | None:
        """The seq range of the events of days ``first``…``last`` (None: no event)."""
        with self._snapshot() as snap:
            if snap is None:
                return None
            return self._seq_range(snap[0], first, last)

    @staticmethod
    def _seq_range(conn: sqlite3.Connection, first: date, last: date) -> SeqRange | None:
        lo, hi = conn.execute(_SEQ_RANGE_SQL, (first.isoformat(), last.isoformat())).fetchone()
        return None if lo is None else SeqRange(int(lo), int(hi))

    def report_rows(self, first: date, last: date) -> list[ReportRow]:
        """The report's events of days ``first``…``last`` in log order (see
        :data:`ReportRow`): one primary-key range scan, the JSON fields extracted by SQLite."""
        with self._snapshot() as snap:
            if snap is None:
                return []
            conn = snap[0]
            span = self._seq_range(conn, first, last)
            if span is None:
                return []
            days = (first.isoformat(), last.isoformat())
            rows: list[ReportRow] = conn.execute(
                _REPORT_SQL, (span.first, span.last, *days, *REPORT_TYPES)
            ).fetchall()
        return rows

    def closed_days(self, first: date, last: date) -> set[date]:
        """Days of ``first``…``last`` closed in full (the daily close left nothing open)."""
        with self._snapshot() as snap:
            if snap is None:
                return set()
            rows = snap[0].execute(_CLOSED_SQL, (first.isoformat(), last.isoformat())).fetchall()
        return {date.fromisoformat(r[0]) for r in rows}

    def summary(self) -> LogSummary:
        """How many events, the last seq and the first and last day, at one commit point."""
        with self._snapshot() as snap:
            if snap is None:
                return LogSummary(0, 0, 0, None, None)
            conn, version = snap
            n, last, lo, hi = conn.execute(
                "SELECT COUNT(*), MAX(seq), MIN(day), MAX(day) FROM events"
            ).fetchone()
        return LogSummary(
            version,
            int(n),
            int(last or 0),
            date.fromisoformat(lo) if lo else None,
            date.fromisoformat(hi) if hi else None,
        )

    def check(self) -> LogSummary:
        """A whole-file check for a backup or a restore: SQLite's integrity check, a schema
        this program reads, then :meth:`summary`. LogReadError when any of it fails; a
        missing or empty file is not a store here."""
        with self._lock:
            conn = self._connection()
            if conn is None:
                raise LogReadError(f"{self.path}: no such file")
            try:
                result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            except sqlite3.DatabaseError as exc:
                self._drop()
                raise LogReadError(f"{self.path}: not a hall store ({exc})") from exc
        if result != "ok":
            raise LogReadError(f"{self.path}: damaged ({result})")
        summary = self.summary()
        if summary.schema_version == 0:
            raise LogReadError(
                f"{self.path}: schema 0, this program reads {OLDEST_READABLE} to {NEWEST_READABLE}"
            )
        return summary
