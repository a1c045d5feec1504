"""The event log: every change in the hall, in order, durable before anyone is told.

Durability: WAL with ``synchronous=FULL``, so a commit is on disk when ``append`` or
``write`` returns, also across a power cut; a ticket number therefore can never be handed out twice. A second
guard sits in the schema itself: ``ticket_numbers`` has the (day, number) primary key and is
written in the same transaction as the ``ticket.issued`` event.

Personal data (account numbers, masked ID numbers and names that staff need during the day)
never enters the log; it sits in ``ticket_personal`` and is purged at the daily close.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from kiosk.queue import events as ev

log = logging.getLogger("kiosk.store")


class StorageError(Exception):
    """The store cannot be written (disk full, read-only, corrupt). Nothing was changed."""


@dataclass(frozen=True)
class StoredEvent:
    seq: int  # global, gap-free order of the hall's events (sync ships hall id + seq)
    event: ev.Event


@dataclass(frozen=True)
class PendingWrite:
    """One request's share of a group commit (:meth:`EventStore.write`): its events, already
    numbered; the personal data staff need today for the tickets among them (never in the
    log); and ``also``, more store work that must land in the same transaction (the daily
    close purges personal data), run inside it."""

    events: Sequence[StoredEvent]
    personal: dict[str, dict[str, str | None]] | None = None
    also: Callable[[], object] | None = None


def _migrate_1(db: sqlite_utils.Database) -> None:
    db["events"].create(  # type: ignore[union-attr]
        {
            "seq": int,
            "type": str,
            "at": str,
            "day": str,
            "ticket": str,
            "counter": int,
            "data": str,
        },
        pk="seq",
        not_null={"type", "at", "day", "data"},
    )
    db["events"].create_index(["day"])  # type: ignore[union-attr]
    db["events"].create_index(["ticket"])  # type: ignore[union-attr]
    db["events"].create_index(["type"])  # type: ignore[union-attr]
    db["ticket_numbers"].create(  # type: ignore[union-attr]
        {"day": str, "number": str, "seq": int}, pk=("day", "number"), not_null={"seq"}
    )
    db["ticket_personal"].create(  # type: ignore[union-attr]
        {"ticket": str, "day": str, "account": str, "id_masked": str, "name_masked": str},
        pk="ticket",
    )
    db["meta"].create({"key": str, "value": str}, pk="key")  # type: ignore[union-attr]


# Append only: a released version's migration never changes; a new one is added at the end.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_migrate_1]
SCHEMA_VERSION = len(MIGRATIONS)


def _event_day(e: ev.Event) -> date:
    """The business day an event belongs to: a ticket's events belong to the ticket's day
    (its id starts with it), so a ticket expired at the next morning's rollover still
    counts in its own day's figures."""
    day = getattr(e, "day", None)
    if isinstance(day, date):
        return day
    tid = e.ticket_id
    if tid and len(tid) > 9 and tid[8] == "-" and tid[:8].isdigit():
        return date(int(tid[:4]), int(tid[4:6]), int(tid[6:8]))
    return e.at.date()


def _rows_of(
    writes: Sequence[PendingWrite],
) -> tuple[list[tuple[Any, ...]], list[tuple[str, str, int]]]:
    """The rows of the ``events`` and ``ticket_numbers`` tables for a batch of writes."""
    event_rows: list[tuple[Any, ...]] = []
    number_rows: list[tuple[str, str, int]] = []
    for w in writes:
        for s in w.events:
            e = s.event
            event_rows.append(
                (
                    s.seq,
                    e.TYPE,
                    e.at.isoformat(),
                    _event_day(e).isoformat(),
                    e.ticket_id,
                    e.counter_number,
                    json.dumps(e.to_data(), ensure_ascii=False, separators=(",", ":")),
                )
            )
            if isinstance(e, ev.TicketIssued):
                number_rows.append((e.day.isoformat(), e.number, s.seq))
    return event_rows, number_rows


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT under the store's lock; ROLLBACK on any exception.

    Inside a transaction already open for group commit (a write's ``also``, see
    :meth:`EventStore.write`) it is a savepoint instead, made durable by that transaction's
    commit.
    """

    __slots__ = ("_conn", "_lock", "_nested")

    def __init__(self, conn: sqlite3.Connection, lock: threading.RLock) -> None:
        self._conn = conn
        self._lock = lock
        self._nested = False

    def __enter__(self) -> None:
        self._lock.acquire()
        try:
            self._nested = self._conn.in_transaction
            self._conn.execute("SAVEPOINT nested" if self._nested else "BEGIN IMMEDIATE")
        except BaseException:
            self._lock.release()
            raise

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            if self._nested:
                if exc_type is not None and self._conn.in_transaction:
                    self._conn.execute("ROLLBACK TO nested")
                if self._conn.in_transaction:
                    self._conn.execute("RELEASE nested")
            elif exc_type is None:
                self._conn.execute("COMMIT")
            elif self._conn.in_transaction:
                # SQLite may already have rolled back by itself (disk full, I/O error): a
                # second ROLLBACK would hide the real error.
                self._conn.execute("ROLLBACK")
        finally:
            self._lock.release()


class EventStore:
    """One hall's store. Thread-safe: one connection, one lock, short transactions."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"cannot open the store {self.path}: {exc}") from exc
        self._conn = conn
        self._lock: threading.RLock = threading.RLock()
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA busy_timeout=5000")
            self.db = sqlite_utils.Database(conn)
            self._migrate()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StorageError(f"the store {self.path} is not usable: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # ------------------------------------------------------------------ schema

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        current = self.schema_version
        if current > SCHEMA_VERSION:
            raise StorageError(
                f"the store {self.path} has schema {current}, newer than this program's "
                f"{SCHEMA_VERSION}: upgrade the program, do not downgrade it"
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            log.info("migrating the store to schema %d", version)
            with self._transaction():
                MIGRATIONS[version - 1](self.db)
                self._conn.execute(f"PRAGMA user_version={version}")

    # ------------------------------------------------------------- transactions

    def _transaction(self) -> _Transaction:
        return _Transaction(self._conn, self._lock)

    def append(
        self,
        events: Sequence[ev.Event],
        *,
        personal: dict[str, dict[str, str | None]] | None = None,
    ) -> list[StoredEvent]:
        """Write ``events`` in one durable transaction, all or none, and return them with
        their sequence numbers (the next ones of the log). ``personal`` maps a ticket id to the
        personal fields staff may see today; they go to the purgeable table, never into the
        log."""
        if not events:
            return []
        with self._lock:
            first = self.last_seq() + 1
            stored = [StoredEvent(first + i, e) for i, e in enumerate(events)]
            self.write([PendingWrite(stored, personal)])
            return stored

    def write(self, writes: Sequence[PendingWrite]) -> None:
        """Group commit: every write of ``writes`` in one transaction, made durable by one
        commit (one fsync), all or none. The writer (the hall service) numbered the events
        already, continuing the log gap-free; a number already taken is refused, like a
        ticket number already issued that day.

        On failure nothing of ``writes`` is kept and :class:`StorageError` says why (disk
        full, I/O error, a duplicate); an exception of a write's ``also`` rolls back too.
        """
        event_rows, number_rows = _rows_of(writes)
        conn = self._conn
        with self._lock:
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(
                    "INSERT INTO events (seq, type, at, day, ticket, counter, data) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    event_rows,
                )
                conn.executemany(
                    "INSERT INTO ticket_numbers (day, number, seq) VALUES (?, ?, ?)", number_rows
                )
                for w in writes:
                    self._write_personal(w.personal)
                    if w.also is not None:
                        w.also()  # nested store calls become savepoints of this transaction
                conn.execute("COMMIT")
            except BaseException as exc:
                error = self._abandon(exc)
                if error is exc:
                    raise
                raise error from exc

    def _write_personal(self, personal: dict[str, dict[str, str | None]] | None) -> None:
        rows = [
            (
                ticket,
                fields.get("day"),
                fields.get("account"),
                fields.get("id_masked"),
                fields.get("name_masked"),
            )
            for ticket, fields in (personal or {}).items()
        ]
        if rows:
            self._conn.executemany(
                "INSERT OR REPLACE INTO ticket_personal "
                "(ticket, day, account, id_masked, name_masked) VALUES (?, ?, ?, ?, ?)",
                rows,
            )

    def _abandon(self, exc: BaseException) -> BaseException:
        """Roll a failed write back; the error to raise (a StorageError for SQLite's)."""
        # SQLite may already have rolled back by itself (disk full, I/O error): a second
        # ROLLBACK would hide the real error.
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.IntegrityError):
            return StorageError(f"refused a duplicate: {exc}")
        if isinstance(exc, sqlite3.Error):
            return StorageError(f"the store could not be written: {exc}")
        return exc

    # ------------------------------------------------------------------- reads

    def _rows_to_events(self, rows: Iterator[tuple[Any, ...]]) -> Iterator[StoredEvent]:
        for seq, type_, at, data in rows:
            yield StoredEvent(
                int(seq), ev.Event.from_data(type_, datetime.fromisoformat(at), json.loads(data))
            )

    def events(self, *, after: int = 0, limit: int | None = None) -> Iterator[StoredEvent]:
        sql = "SELECT seq, type, at, data FROM events WHERE seq > ? ORDER BY seq"
        params: list[Any] = [after]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        with self._lock:
            rows = self._conn.execute(sql, params).fetchall()
        return self._rows_to_events(iter(rows))

    def events_of_days(self, first: date, last: date) -> Iterator[StoredEvent]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT seq, type, at, data FROM events WHERE day BETWEEN ? AND ? ORDER BY seq",
                (first.isoformat(), last.isoformat()),
            ).fetchall()
        return self._rows_to_events(iter(rows))

    def events_of_ticket(self, ticket_id: str) -> Iterator[StoredEvent]:
        """Every event of one ticket, in order (the ``ticket`` index)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT seq, type, at, data FROM events WHERE ticket = ? ORDER BY seq",
                (ticket_id,),
            ).fetchall()
        return self._rows_to_events(iter(rows))

    def replay_start(self) -> int:
        """Where a rebuild of the live queue starts: at the last full daily close (nothing
        before it can still change), or at the beginning."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT seq, data FROM events WHERE type = ? ORDER BY seq DESC LIMIT 50",
                (ev.DayClosed.TYPE,),
            ).fetchall()
        for seq, data in rows:
            if json.loads(data).get("full"):
                return int(seq) - 1
        return 0

    def last_seq(self) -> int:
        with self._lock:
            row = self._conn.execute("SELECT MAX(seq) FROM events").fetchone()
        return int(row[0] or 0)

    def issued_numbers(self, day: date) -> list[str]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT number FROM ticket_numbers WHERE day = ? ORDER BY seq", (day.isoformat(),)
            ).fetchall()
        return [r[0] for r in rows]

    def personal(self, ticket: str) -> dict[str, str | None] | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT account, id_masked, name_masked FROM ticket_personal WHERE ticket = ?",
                (ticket,),
            ).fetchone()
        if row is None:
            return None
        return {"account": row[0], "id_masked": row[1], "name_masked": row[2]}

    def purge_personal(self, up_to: date) -> int:
        """The daily close: drop the personal data of every ticket up to that day."""
        with self._transaction():
            cur = self._conn.execute(
                "DELETE FROM ticket_personal WHERE day <= ?", (up_to.isoformat(),)
            )
            return cur.rowcount

    def meta(self, key: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction():
            self._conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value)
            )
