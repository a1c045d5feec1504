"""Central's storage: PostgreSQL in production, SQLite as the embedded default, same code.

Both backends run the same SQL; the differences are confined to :class:`Dialect`: the
placeholder, the schema's column types, how a batch of events is written (PostgreSQL:
``COPY``; SQLite: ``executemany``), and how a write transaction takes its lock. On
PostgreSQL the events table is partitioned by month and, inside a month, by a hash of the
hall (:mod:`kiosk.central.partitions`); the primary key (hall, seq, day) keeps a hall's
events together.

Idempotency: every hall has a row in ``hall_state`` holding the highest sequence central
stores for it. An ingest locks that row (an upsert that returns it; SQLite's ``BEGIN
IMMEDIATE``), refuses a gap, checks that what it already holds of the batch is the same
(a resent sequence with other content is refused, :class:`ConflictError`), writes the rest,
adds the batch to the day summaries (:mod:`kiosk.central.summary`) and moves the row, all in
one transaction: a batch sent twice is stored once, a refused batch writes nothing.
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from kiosk.central import partitions
from kiosk.central.summary import (
    COLUMNS,
    DayDelta,
    ServiceTargets,
    figures,
    split_counts,
    summarise,
    targets_of_fragment,
)
from kiosk.clock import in_zone

log = logging.getLogger("kiosk.central.store")

SCHEMA_VERSION = 2
TARGETS_TTL_S = 60.0  # a hall's new service targets reach the summaries within this


class StoreError(Exception):
    """The database cannot be reached or written."""


class GapError(Exception):
    """A batch starts after the next sequence central expects: nothing was written."""

    def __init__(self, acked_seq: int, first_seq: int) -> None:
        super().__init__(f"expected seq {acked_seq + 1}, the batch starts at {first_seq}")
        self.acked_seq = acked_seq
        self.first_seq = first_seq


class ConflictError(Exception):
    """A resent sequence number carries other content than the event central holds for it:
    the hall's log was rewritten, restored from another box, or two boxes share a hall id.
    Nothing was written."""

    def __init__(self, seq: int, field: str) -> None:
        super().__init__(f"seq {seq} was stored with another {field}")
        self.seq = seq
        self.field = field


@dataclass(frozen=True)
class WireEvent:
    """One event as it travels: the hall's row, ``data`` already parsed."""

    seq: int
    type: str
    at: str
    day: str
    ticket: str | None
    counter: int | None
    data: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "type": self.type,
            "at": self.at,
            "day": self.day,
            "ticket": self.ticket,
            "counter": self.counter,
            "data": self.data,
        }


@dataclass(frozen=True)
class IngestResult:
    acked_seq: int  # the highest sequence central holds for the hall, gap-free
    stored: int  # how many of the batch were new


_EVENT_COLUMNS = "hall, seq, type, at, day, ticket, counter, data, received_at"
_SUMMARY_TYPES = {"wait_sum_s": "DOUBLE PRECISION", "service_sum_s": "DOUBLE PRECISION"}


def _summary_tables(day_type: str, real: str) -> list[str]:
    cols = ", ".join(
        f"{c} {real if c in _SUMMARY_TYPES else 'INTEGER'} NOT NULL DEFAULT 0" for c in COLUMNS
    )
    return [
        f"CREATE TABLE IF NOT EXISTS hall_day (hall TEXT NOT NULL, day {day_type} NOT NULL, "
        f"{cols}, PRIMARY KEY (hall, day))",
        "CREATE INDEX IF NOT EXISTS hall_day_day ON hall_day (day)",
        f"""CREATE TABLE IF NOT EXISTS hall_day_counts (
            hall TEXT NOT NULL, day {day_type} NOT NULL, name TEXT NOT NULL,
            n INTEGER NOT NULL, PRIMARY KEY (hall, day, name))""",
    ]


class Dialect:
    name = "sqlite"

    def sql(self, q: str) -> str:
        return q

    def schema(self) -> list[str]:
        return [
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """CREATE TABLE IF NOT EXISTS hall_state (
                hall TEXT PRIMARY KEY, last_seq INTEGER NOT NULL, events INTEGER NOT NULL,
                last_push_at TEXT, pending TEXT NOT NULL DEFAULT '{}')""",
            """CREATE TABLE IF NOT EXISTS events (
                hall TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, at TEXT NOT NULL,
                day TEXT NOT NULL, ticket TEXT, counter INTEGER, data TEXT NOT NULL,
                received_at TEXT NOT NULL, PRIMARY KEY (hall, seq))""",
            *_summary_tables("TEXT", "REAL"),
            """CREATE TABLE IF NOT EXISTS refusals (
                id INTEGER PRIMARY KEY, hall TEXT NOT NULL, at TEXT NOT NULL,
                code TEXT NOT NULL, message TEXT NOT NULL)""",
            """CREATE TABLE IF NOT EXISTS hall_configs (
                hall TEXT PRIMARY KEY, text TEXT NOT NULL, digest TEXT NOT NULL,
                updated_at TEXT NOT NULL)""",
            """CREATE TABLE IF NOT EXISTS notices (
                id TEXT NOT NULL, hall TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL,
                area TEXT NOT NULL, starts_at TEXT, ends_at TEXT, withdrawn INTEGER NOT NULL,
                updated_at TEXT NOT NULL, PRIMARY KEY (id, hall))""",
            """CREATE TABLE IF NOT EXISTS accounts (
                account TEXT PRIMARY KEY, name_masked TEXT NOT NULL,
                address_masked TEXT NOT NULL, balance REAL NOT NULL, updated_at TEXT NOT NULL)""",
            """CREATE TABLE IF NOT EXISTS readings (
                account TEXT NOT NULL, month TEXT NOT NULL, kwh REAL NOT NULL,
                amount REAL NOT NULL, PRIMARY KEY (account, month))""",
            """CREATE TABLE IF NOT EXISTS payments (
                account TEXT NOT NULL, paid_at TEXT NOT NULL, amount REAL NOT NULL,
                channel TEXT NOT NULL, PRIMARY KEY (account, paid_at))""",
        ]

    def upgrade_from_1(self) -> list[str]:
        """Schema 1 → 2: the pending state, the summaries; the events' day index goes (the
        summaries answer what it served)."""
        return [
            "ALTER TABLE hall_state ADD COLUMN pending TEXT NOT NULL DEFAULT '{}'",
            "DROP INDEX IF EXISTS events_day",
        ]

    def write_events(self, cur: Any, rows: list[tuple[Any, ...]]) -> None:
        cur.executemany(
            f"INSERT INTO events ({_EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
        )


class PostgresDialect(Dialect):
    name = "postgresql"

    def sql(self, q: str) -> str:
        return q.replace("?", "%s")

    def schema(self) -> list[str]:
        return [
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """CREATE TABLE IF NOT EXISTS hall_state (
                hall TEXT PRIMARY KEY, last_seq BIGINT NOT NULL, events BIGINT NOT NULL,
                last_push_at TIMESTAMPTZ, pending TEXT NOT NULL DEFAULT '{}')""",
            """CREATE TABLE IF NOT EXISTS events (
                hall TEXT NOT NULL, seq BIGINT NOT NULL, type TEXT NOT NULL,
                at TIMESTAMPTZ NOT NULL, day DATE NOT NULL, ticket TEXT, counter INTEGER,
                data JSONB NOT NULL, received_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (hall, seq, day)) PARTITION BY RANGE (day)""",
            *_summary_tables("DATE", "DOUBLE PRECISION"),
            """CREATE TABLE IF NOT EXISTS refusals (
                id BIGSERIAL PRIMARY KEY, hall TEXT NOT NULL, at TIMESTAMPTZ NOT NULL,
                code TEXT NOT NULL, message TEXT NOT NULL)""",
            """CREATE TABLE IF NOT EXISTS hall_configs (
                hall TEXT PRIMARY KEY, text TEXT NOT NULL, digest TEXT NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL)""",
            """CREATE TABLE IF NOT EXISTS notices (
                id TEXT NOT NULL, hall TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL,
                area TEXT NOT NULL, starts_at TIMESTAMPTZ, ends_at TIMESTAMPTZ,
                withdrawn INTEGER NOT NULL, updated_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (id, hall))""",
            """CREATE TABLE IF NOT EXISTS accounts (
                account TEXT PRIMARY KEY, name_masked TEXT NOT NULL,
                address_masked TEXT NOT NULL, balance DOUBLE PRECISION NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL)""",
            """CREATE TABLE IF NOT EXISTS readings (
                account TEXT NOT NULL, month TEXT NOT NULL, kwh DOUBLE PRECISION NOT NULL,
                amount DOUBLE PRECISION NOT NULL, PRIMARY KEY (account, month))""",
            """CREATE TABLE IF NOT EXISTS payments (
                account TEXT NOT NULL, paid_at TEXT NOT NULL,
                amount DOUBLE PRECISION NOT NULL, channel TEXT NOT NULL,
                PRIMARY KEY (account, paid_at))""",
        ]

    def upgrade_from_1(self) -> list[str]:
        """Schema 1 → 2 on PostgreSQL: besides the new columns and tables, the default
        partition of schema 1 goes (its rows move to their months first: see
        :meth:`CentralStore._upgrade_from_1`)."""
        return [
            "ALTER TABLE hall_state ADD COLUMN IF NOT EXISTS pending TEXT NOT NULL DEFAULT '{}'",
            "DROP INDEX IF EXISTS events_day",
        ]

    def write_events(self, cur: Any, rows: list[tuple[Any, ...]]) -> None:
        # COPY: one round trip and no per-row statement; the partition of each row is found
        # by the server.
        with cur.copy(f"COPY events ({_EVENT_COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def _instant(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class CentralStore:
    """A small pool of connections to one database; every method is one short transaction.

    ``hall_partitions``: hash leaves per month for months created from now on (PostgreSQL).
    ``today``: when given, the months up to ``MONTHS_AHEAD`` after it are created now.
    """

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 4,
        hall_partitions: int = partitions.DEFAULT_HALL_PARTITIONS,
        today: date | None = None,
    ) -> None:
        self.url = url
        self.dialect: Dialect
        self._connect: Callable[[], Any]
        if url.startswith("sqlite:///"):
            path = Path(url[len("sqlite:///") :])
            path.parent.mkdir(parents=True, exist_ok=True)
            self.dialect = Dialect()
            self._connect = lambda: self._sqlite_connect(path)
        elif url.startswith(("postgresql://", "postgres://")):
            self.dialect = PostgresDialect()
            self._connect = lambda: self._pg_connect(url)
        else:
            raise StoreError(f"unsupported database URL {url!r}")
        self.hall_partitions = hall_partitions
        self._pool: queue.LifoQueue[Any] = queue.LifoQueue()
        self._all: list[Any] = []
        self._pool_size = pool_size
        self._pool_lock = threading.Lock()
        self._months: set[str] = set()
        self._targets: dict[str, tuple[float, ServiceTargets]] = {}
        self.months_created: list[str] = []  # by this store object (tests, the log)
        self._closed = False
        try:
            self._migrate()
            if today is not None:
                self.ensure_partitions(today)
        except BaseException:
            self.close()
            raise

    @property
    def backend(self) -> str:
        return self.dialect.name

    # ------------------------------------------------------------ connections

    @staticmethod
    def _sqlite_connect(path: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=10000")
        return conn

    @staticmethod
    def _pg_connect(url: str) -> Any:
        import psycopg

        try:
            return psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to PostgreSQL: {exc}") from exc

    @contextlib.contextmanager
    def _conn(self) -> Iterator[Any]:
        if self._closed:
            raise StoreError("the store is closed")
        try:
            conn = self._pool.get_nowait()
        except queue.Empty:
            with self._pool_lock:
                grow = len(self._all) < self._pool_size
                if grow:
                    conn = self._connect()
                    self._all.append(conn)
            if not grow:
                conn = self._pool.get(timeout=30)
        try:
            yield conn
        finally:
            self._pool.put(conn)

    @contextlib.contextmanager
    def _write(self) -> Iterator[Any]:
        """One write transaction; SQLite takes the write lock at once (BEGIN IMMEDIATE)."""
        with self._conn() as conn:
            cur = conn.cursor()
            try:
                cur.execute("BEGIN IMMEDIATE" if self.dialect.name == "sqlite" else "BEGIN")
                yield cur
                cur.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(Exception):
                    cur.execute("ROLLBACK")
                raise
            finally:
                cur.close()

    def _read(self, q: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._conn() as conn:
            cur = conn.cursor()
            try:
                cur.execute(self.dialect.sql(q), tuple(params))
                return list(cur.fetchall())
            finally:
                cur.close()

    def close(self) -> None:
        self._closed = True
        for conn in self._all:
            with contextlib.suppress(Exception):
                conn.close()
        self._all.clear()

    # ----------------------------------------------------------------- schema

    def _migrate(self) -> None:
        with self._write() as cur:
            if self.dialect.name == "postgresql":
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (partitions.LOCK_KEY,))
            cur.execute(
                "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )
            cur.execute(self.dialect.sql("SELECT value FROM meta WHERE key = ?"), ("schema",))
            row = cur.fetchone()
            version = int(row[0]) if row else None
            if version is not None and version > SCHEMA_VERSION:
                raise StoreError(
                    f"the database has schema {version}, newer than this program's "
                    f"{SCHEMA_VERSION}: upgrade the program"
                )
            if version == 1:
                self._upgrade_from_1(cur)
            for stmt in self.dialect.schema():
                cur.execute(stmt)
            if version == 1:
                self._backfill_summaries(cur)
            cur.execute(
                self.dialect.sql(
                    "INSERT INTO meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                ),
                ("schema", str(SCHEMA_VERSION)),
            )

    def _upgrade_from_1(self, cur: Any) -> None:
        log.info("upgrading central's database from schema 1 to %d", SCHEMA_VERSION)
        for stmt in self.dialect.upgrade_from_1():
            cur.execute(stmt)
        if self.dialect.name != "postgresql":
            return
        # The default partition of schema 1 held the days no month existed for: move its
        # rows to their months (created here, with the hash leaves) and drop it.
        cur.execute("SELECT to_regclass('events_default') IS NOT NULL")
        if not cur.fetchone()[0]:
            return
        cur.execute("ALTER TABLE events DETACH PARTITION events_default")
        cur.execute("SELECT DISTINCT to_char(day, 'YYYY-MM') FROM events_default")
        for (month,) in cur.fetchall():
            partitions.create_month(cur, month, self.hall_partitions)
        cur.execute(
            f"INSERT INTO events ({_EVENT_COLUMNS}) SELECT {_EVENT_COLUMNS} FROM events_default"
        )
        cur.execute("DROP TABLE events_default")

    def _backfill_summaries(self, cur: Any) -> None:
        """Schema 1 had no summaries: run every hall's stored events through the reducer."""
        cur.execute("SELECT hall FROM hall_state ORDER BY hall")
        for (hall,) in cur.fetchall():
            targets = self._hall_targets(hall, cur)
            pending: dict[str, list[Any]] = {}
            after = 0
            while True:
                cur.execute(
                    self.dialect.sql(
                        "SELECT seq, type, at, day, ticket, counter, data FROM events "
                        "WHERE hall = ? AND seq > ? ORDER BY seq LIMIT 5000"
                    ),
                    (hall, after),
                )
                rows = cur.fetchall()
                if not rows:
                    break
                batch = [
                    WireEvent(
                        int(r[0]), r[1], _iso(r[2]) or "", _iso(r[3]) or "", r[4], r[5], _json(r[6])
                    )
                    for r in rows
                ]
                self._add_summaries(cur, hall, summarise(batch, pending, targets))
                after = batch[-1].seq
            cur.execute(
                self.dialect.sql("UPDATE hall_state SET pending = ? WHERE hall = ?"),
                (_compact(pending), hall),
            )

    # ------------------------------------------------------------- partitions

    def ensure_partitions(self, today: date, ahead: int = partitions.MONTHS_AHEAD) -> list[str]:
        """PostgreSQL: this month's partition and ``ahead`` more exist; the months created."""
        if self.dialect.name != "postgresql":
            return []
        return self._ensure_months(set(partitions.months_from(today, ahead + 1)))

    def _ensure_months(self, months: set[str]) -> list[str]:
        created = []
        for month in sorted(months - self._months):
            with self._write() as cur:
                if partitions.create_month(cur, month, self.hall_partitions):
                    created.append(month)
            self._months.add(month)
        if created:
            log.info("created the events partitions of %s", ", ".join(created))
            self.months_created += created
        return created

    def attached_months(self) -> list[str]:
        if self.dialect.name != "postgresql":
            return []
        with self._write() as cur:
            return partitions.attached_months(cur)

    def month_leaves(self, month: str) -> list[str]:
        with self._write() as cur:
            return partitions.leaves(cur, month)

    def detach_month(self, month: str) -> str:
        """Detach a month of events for archiving; the day summaries stay."""
        if self.dialect.name != "postgresql":
            raise StoreError("months are partitions on PostgreSQL only")
        try:
            with self._write() as cur:
                name = partitions.detach_month(cur, month)
        except ValueError as exc:
            raise StoreError(str(exc)) from None
        self._months.discard(month)
        return name

    # ----------------------------------------------------------------- events

    def acked_seq(self, hall: str) -> int:
        rows = self._read("SELECT last_seq FROM hall_state WHERE hall = ?", (hall,))
        return int(rows[0][0]) if rows else 0

    def ingest(self, hall: str, batch: Sequence[WireEvent], now: datetime) -> IngestResult:
        """Store a validated, contiguous batch: what central already holds is checked to be
        the same (:class:`ConflictError` otherwise) and skipped, a gap is refused
        (:class:`GapError`), the rest is written with its summaries and the cursor in one
        transaction."""
        d = self.dialect
        if d.name == "postgresql":
            months = {e.day[:7] for e in batch}
            if months - self._months:
                self._ensure_months(months)
        targets = self._hall_targets(hall)
        received = now.isoformat()
        with self._write() as cur:
            # One statement creates the hall's row if needed, locks it and returns it.
            cur.execute(
                d.sql(
                    "INSERT INTO hall_state (hall, last_seq, events) VALUES (?, 0, 0) "
                    "ON CONFLICT (hall) DO UPDATE SET hall = excluded.hall "
                    "RETURNING last_seq, pending"
                ),
                (hall,),
            )
            row = cur.fetchone()
            last, pending_text = int(row[0]), row[1]
            if not batch:
                return IngestResult(last, 0)
            if batch[0].seq > last + 1:
                raise GapError(last, batch[0].seq)
            held = [e for e in batch if e.seq <= last]
            if held:
                self._check_resent(cur, hall, held)
            new = [e for e in batch if e.seq > last]
            if not new:
                return IngestResult(last, 0)
            d.write_events(
                cur,
                [
                    (
                        hall,
                        e.seq,
                        e.type,
                        e.at,
                        e.day,
                        e.ticket,
                        e.counter,
                        _compact(e.data),
                        received,
                    )
                    for e in new
                ],
            )
            pending = json.loads(pending_text or "{}")
            self._add_summaries(cur, hall, summarise(new, pending, targets))
            last = new[-1].seq
            cur.execute(
                d.sql(
                    "UPDATE hall_state SET last_seq = ?, events = events + ?, last_push_at = ?, "
                    "pending = ? WHERE hall = ?"
                ),
                (last, len(new), received, _compact(pending), hall),
            )
            return IngestResult(last, len(new))

    def _check_resent(self, cur: Any, hall: str, held: Sequence[WireEvent]) -> None:
        """Events of the batch central already holds must be the very same events."""
        days = sorted({e.day for e in held})
        cur.execute(
            self.dialect.sql(
                "SELECT seq, type, at, day, ticket, counter, data FROM events "
                "WHERE hall = ? AND seq BETWEEN ? AND ? AND day BETWEEN ? AND ?"
            ),
            (hall, held[0].seq, held[-1].seq, days[0], days[-1]),
        )
        stored = {int(r[0]): r for r in cur.fetchall()}
        for e in held:
            r = stored.get(e.seq)
            if r is None:
                raise ConflictError(e.seq, "day")
            checks = (
                ("type", r[1] == e.type),
                ("time", _instant(r[2]) == _instant(e.at)),
                ("day", _iso(r[3]) == e.day),
                ("ticket", r[4] == e.ticket),
                ("counter", r[5] == e.counter),
                ("data", _json(r[6]) == e.data),
            )
            for name, same in checks:
                if not same:
                    raise ConflictError(e.seq, name)

    def _hall_targets(self, hall: str, cur: Any = None) -> ServiceTargets:
        """The hall's service targets from its configuration at central, cached a minute."""
        cached = self._targets.get(hall)
        if cached is not None and cached[0] > time.monotonic() and cur is None:
            return cached[1]
        q, params = "SELECT text FROM hall_configs WHERE hall = ?", (hall,)
        if cur is not None:
            cur.execute(self.dialect.sql(q), params)
            rows = cur.fetchall()
        else:
            rows = self._read(q, params)
        targets = targets_of_fragment(rows[0][0]) if rows else ServiceTargets()
        self._targets[hall] = (time.monotonic() + TARGETS_TTL_S, targets)
        return targets

    def _add_summaries(self, cur: Any, hall: str, deltas: dict[str, DayDelta]) -> None:
        cols = ", ".join(COLUMNS)
        marks = ", ".join("?" for _ in COLUMNS)
        sets = ", ".join(f"{c} = hall_day.{c} + excluded.{c}" for c in COLUMNS)
        upsert = self.dialect.sql(
            f"INSERT INTO hall_day (hall, day, {cols}) VALUES (?, ?, {marks}) "
            f"ON CONFLICT (hall, day) DO UPDATE SET {sets}"
        )
        cur.executemany(
            upsert, [(hall, day, *(d.values[c] for c in COLUMNS)) for day, d in deltas.items()]
        )
        counts = [(hall, day, k, n) for day, d in deltas.items() for k, n in d.counts.items()]
        if counts:
            cur.executemany(
                self.dialect.sql(
                    "INSERT INTO hall_day_counts (hall, day, name, n) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (hall, day, name) DO UPDATE SET n = hall_day_counts.n + excluded.n"
                ),
                counts,
            )

    def events(
        self, hall: str, *, after: int = 0, limit: int = 1000, since: date | None = None
    ) -> list[dict[str, Any]]:
        """A hall's events after a sequence, in order; ``since`` limits the scan to the days
        from then (on PostgreSQL only those months' partitions are read)."""
        day_filter, params = ("AND day >= ? ", [since.isoformat()]) if since else ("", [])
        rows = self._read(
            "SELECT seq, type, at, day, ticket, counter, data FROM events "
            f"WHERE hall = ? AND seq > ? {day_filter}ORDER BY seq LIMIT ?",
            (hall, after, *params, limit),
        )
        return [
            {
                "seq": int(r[0]),
                "type": r[1],
                "at": _iso(r[2]),
                "day": _iso(r[3]),
                "ticket": r[4],
                "counter": r[5],
                "data": _json(r[6]),
            }
            for r in rows
        ]

    def event_seqs(self, hall: str) -> list[int]:
        """Every stored sequence of a hall, in order, duplicates included (for checks)."""
        return [int(r[0]) for r in self._read("SELECT seq FROM events WHERE hall = ?", (hall,))]

    def refuse(self, hall: str, code: str, message: str, now: datetime) -> None:
        with self._write() as cur:
            cur.execute(
                self.dialect.sql(
                    "INSERT INTO refusals (hall, at, code, message) VALUES (?, ?, ?, ?)"
                ),
                (hall, now.isoformat(), code, message[:500]),
            )

    def refusals(self, hall: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
        where, params = ("WHERE hall = ?", [hall]) if hall else ("", [])
        rows = self._read(
            f"SELECT hall, at, code, message FROM refusals {where} ORDER BY id DESC LIMIT ?",
            (*params, limit),
        )
        return [{"hall": r[0], "at": _iso(r[1]), "code": r[2], "message": r[3]} for r in rows]

    # -------------------------------------------------------- config, notices

    def put_hall_config(self, hall: str, text: str, digest: str, now: datetime) -> None:
        with self._write() as cur:
            cur.execute(
                self.dialect.sql(
                    "INSERT INTO hall_configs (hall, text, digest, updated_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (hall) DO UPDATE SET text = excluded.text, "
                    "digest = excluded.digest, updated_at = excluded.updated_at"
                ),
                (hall, text, digest, now.isoformat()),
            )

    def hall_config(self, hall: str) -> dict[str, Any] | None:
        rows = self._read(
            "SELECT text, digest, updated_at FROM hall_configs WHERE hall = ?", (hall,)
        )
        if not rows:
            return None
        text, digest, updated = rows[0]
        return {"hall": hall, "text": text, "digest": digest, "updated_at": _iso(updated)}

    def put_notice(self, notice: dict[str, Any], halls: Sequence[str], now: datetime) -> None:
        """Publish or replace a notice for ``halls`` (``"*"``: every hall)."""
        d = self.dialect
        with self._write() as cur:
            cur.execute(d.sql("DELETE FROM notices WHERE id = ?"), (notice["id"],))
            cur.executemany(
                d.sql(
                    "INSERT INTO notices "
                    "(id, hall, title, body, area, starts_at, ends_at, withdrawn, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)"
                ),
                [
                    (
                        notice["id"],
                        hall,
                        notice["title"],
                        notice["body"],
                        notice["area"],
                        notice.get("starts_at"),
                        notice.get("ends_at"),
                        now.isoformat(),
                    )
                    for hall in halls
                ],
            )

    def withdraw_notice(self, notice_id: str, now: datetime) -> bool:
        with self._write() as cur:
            cur.execute(
                self.dialect.sql("UPDATE notices SET withdrawn = 1, updated_at = ? WHERE id = ?"),
                (now.isoformat(), notice_id),
            )
            return bool(cur.rowcount)

    def notices(self, hall: str, now: datetime) -> list[dict[str, Any]]:
        """The notices a hall shows now: its own and those for every hall, not withdrawn and
        not ended."""
        rows = self._read(
            "SELECT id, title, body, area, starts_at, ends_at, updated_at FROM notices "
            "WHERE (hall = ? OR hall = '*') AND withdrawn = 0 ORDER BY starts_at, id",
            (hall,),
        )
        out = []
        for r in rows:
            ends = _iso(r[5])
            # A time stored without an offset (by an older central) is central's wall clock.
            if ends and in_zone(ends, now.tzinfo or UTC) <= now:
                continue
            out.append(
                {
                    "id": r[0],
                    "title": r[1],
                    "body": r[2],
                    "area": r[3],
                    "starts_at": _iso(r[4]),
                    "ends_at": ends,
                    "updated_at": _iso(r[6]),
                }
            )
        return out

    # ------------------------------------------------------------------ bills

    def load_accounts(self, accounts: Sequence[dict[str, Any]], now: datetime) -> int:
        """Insert or replace customers with their readings and payments (the generator's
        output, or a utility's export)."""
        d = self.dialect
        with self._write() as cur:
            for a in accounts:
                for table in ("readings", "payments"):
                    cur.execute(d.sql(f"DELETE FROM {table} WHERE account = ?"), (a["account"],))
                cur.execute(
                    d.sql(
                        "INSERT INTO accounts "
                        "(account, name_masked, address_masked, balance, updated_at) "
                        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (account) DO UPDATE SET "
                        "name_masked = excluded.name_masked, "
                        "address_masked = excluded.address_masked, "
                        "balance = excluded.balance, updated_at = excluded.updated_at"
                    ),
                    (
                        a["account"],
                        a["name_masked"],
                        a["address_masked"],
                        a["balance"],
                        now.isoformat(),
                    ),
                )
                cur.executemany(
                    d.sql("INSERT INTO readings (account, month, kwh, amount) VALUES (?, ?, ?, ?)"),
                    [(a["account"], r["month"], r["kwh"], r["amount"]) for r in a["readings"]],
                )
                cur.executemany(
                    d.sql(
                        "INSERT INTO payments (account, paid_at, amount, channel) "
                        "VALUES (?, ?, ?, ?)"
                    ),
                    [
                        (a["account"], p["paid_at"], p["amount"], p["channel"])
                        for p in a["payments"]
                    ],
                )
        return len(accounts)

    def account_count(self) -> int:
        return int(self._read("SELECT COUNT(*) FROM accounts")[0][0])

    def bill(self, account: str) -> dict[str, Any] | None:
        """The account's bill: balance, last month, tariff tier, 12 months, 5 payments."""
        from kiosk.bills.tariff import TIER_LIMITS_KWH, TIER_PRICES, tier_of

        rows = self._read(
            "SELECT name_masked, address_masked, balance, updated_at FROM accounts "
            "WHERE account = ?",
            (account,),
        )
        if not rows:
            return None
        name, address, balance, updated = rows[0]
        readings = self._read(
            "SELECT month, kwh, amount FROM readings WHERE account = ? ORDER BY month DESC "
            "LIMIT 24",
            (account,),
        )
        payments = self._read(
            "SELECT paid_at, amount, channel FROM payments WHERE account = ? "
            "ORDER BY paid_at DESC LIMIT 5",
            (account,),
        )
        history: list[dict[str, Any]] = [
            {"month": str(m), "kwh": float(k), "amount": float(a)} for m, k, a in reversed(readings)
        ]
        last: dict[str, Any] = history[-1] if history else {"month": "", "kwh": 0.0, "amount": 0.0}
        year = str(last["month"])[:4]
        year_kwh = round(sum(h["kwh"] for h in history if h["month"].startswith(year)), 1)
        return {
            "account": account,
            "name_masked": name,
            "address_masked": address,
            "balance": float(balance),
            "month": last["month"],
            "month_kwh": last["kwh"],
            "month_amount": last["amount"],
            "tariff": {
                "tier": tier_of(year_kwh),
                "year_kwh": year_kwh,
                "tier1_limit_kwh": TIER_LIMITS_KWH[0],
                "tier2_limit_kwh": TIER_LIMITS_KWH[1],
                "prices": list(TIER_PRICES),
            },
            "history": history[-12:],
            "payments": [
                {
                    "paid_at": (_iso(p) or "")[:16],
                    "amount": float(a),
                    "channel": c,
                }
                for p, a, c in payments
            ],
            "pay_url": f"https://pay.example.invalid/electricity?account={account}",
            "as_of": _iso(updated),
            "cached": False,
        }

    # ------------------------------------------------------------------ fleet

    _SUMS = ", ".join(f"SUM({c})" for c in COLUMNS)

    def _counts(self, group: str, first: date, last: date) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for key, name, n in self._read(
            f"SELECT {group}, name, SUM(n) FROM hall_day_counts WHERE day BETWEEN ? AND ? "
            f"GROUP BY {group}, name",
            (first.isoformat(), last.isoformat()),
        ):
            out.setdefault(_iso(key) or "", {})[name] = int(n)
        return out

    def _summed(self, group: str, first: date, last: date) -> dict[str, dict[str, Any]]:
        """Summed figures per ``group`` (hall or day) over the days, from the summaries."""
        counts = self._counts(group, first, last)
        out: dict[str, dict[str, Any]] = {}
        for r in self._read(
            f"SELECT {group}, {self._SUMS} FROM hall_day WHERE day BETWEEN ? AND ? "
            f"GROUP BY {group}",
            (first.isoformat(), last.isoformat()),
        ):
            key = _iso(r[0]) or ""
            out[key] = {
                **figures(dict(zip(COLUMNS, r[1:], strict=True))),
                **split_counts(counts.get(key, {})),
            }
        return out

    @staticmethod
    def empty_figures() -> dict[str, Any]:
        return {**figures(dict.fromkeys(COLUMNS, 0)), **split_counts({})}

    def hall_days(self, first: date, last: date, hall: str | None = None) -> list[dict[str, Any]]:
        """One row per hall and day that has events, from the summaries, in (hall, day)
        order."""
        where, params = "day BETWEEN ? AND ?", [first.isoformat(), last.isoformat()]
        if hall is not None:
            where, params = where + " AND hall = ?", [*params, hall]
        counts: dict[tuple[str, str], dict[str, int]] = {}
        for h, day, name, n in self._read(
            f"SELECT hall, day, name, n FROM hall_day_counts WHERE {where}", params
        ):
            counts.setdefault((h, _iso(day) or ""), {})[name] = int(n)
        out = []
        for r in self._read(
            f"SELECT hall, day, {', '.join(COLUMNS)} FROM hall_day WHERE {where} "
            "ORDER BY hall, day",
            params,
        ):
            day = _iso(r[1]) or ""
            out.append(
                {
                    "hall": r[0],
                    "date": day,
                    "events": int(r[2]),
                    **figures(dict(zip(COLUMNS, r[2:], strict=True))),
                    **split_counts(counts.get((r[0], day), {})),
                }
            )
        return out

    def fleet_report(self, first: date, last: date) -> dict[str, Any]:
        """The fleet over a period: per hall, per day and in all, from the summaries."""
        halls = self._summed("hall", first, last)
        days = self._summed("day", first, last)
        total_row = self._read(
            f"SELECT {self._SUMS} FROM hall_day WHERE day BETWEEN ? AND ?",
            (first.isoformat(), last.isoformat()),
        )[0]
        total_counts: dict[str, int] = {}
        for per_hall in self._counts("hall", first, last).values():
            for k, n in per_hall.items():
                total_counts[k] = total_counts.get(k, 0) + n
        total = {
            **figures(dict(zip(COLUMNS, (v or 0 for v in total_row), strict=True))),
            **split_counts(total_counts),
        }
        return {"halls": halls, "days": days, "total": total}

    def fleet(self, day: date, known: Sequence[str] = ()) -> dict[str, dict[str, Any]]:
        """Per hall: what central holds, when it last heard from it, and the day's figures
        (from the summaries). ``known`` halls are listed even before their first push."""
        out: dict[str, dict[str, Any]] = {}
        state = {
            r[0]: r[1:]
            for r in self._read("SELECT hall, last_seq, events, last_push_at FROM hall_state")
        }
        figures_of = {r["hall"]: r for r in self.hall_days(day, day)}
        for hall in sorted(set(known) | set(state)):
            last_seq, events, last_push = state.get(hall, (0, 0, None))
            found = figures_of.get(hall)
            fig = self.empty_figures() if found is None else found
            fig = {k: v for k, v in fig.items() if k not in ("hall", "date", "events")}
            out[hall] = {
                "hall": hall,
                "last_seq": int(last_seq),
                "events": int(events),
                "last_push_at": _iso(last_push),
                "issued": fig["tickets"],
                **fig,
                "refusals": 0,
                "last_refusal": None,
            }
        for hall, n in self._read("SELECT hall, COUNT(*) FROM refusals GROUP BY hall"):
            if hall in out:
                out[hall]["refusals"] = int(n)
        for r in self.refusals(limit=200):
            entry = out.get(r["hall"])
            if entry is not None and entry["last_refusal"] is None:
                entry["last_refusal"] = r
        return out
