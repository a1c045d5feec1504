"""Central's storage: PostgreSQL in production, SQLite as the embedded default, same code.

Both backends run the same SQL; the differences are confined to :class:`Dialect`: the
placeholder, the schema's column types, how a write transaction takes its lock, and how a
JSON field is read. On PostgreSQL the events table is partitioned by month (one province's
halls for years), with the primary key (hall, seq, day) keeping each hall's events together
inside a month.

Idempotency: every hall has a row in ``hall_state`` holding the highest sequence central
stores for it. An ingest locks that row (``FOR UPDATE``; SQLite's ``BEGIN IMMEDIATE``),
skips what it already holds, refuses a gap, writes the rest and moves the row, all in one
transaction: a batch sent twice is stored once, a refused batch writes nothing.
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from kiosk.clock import in_zone

log = logging.getLogger("kiosk.central.store")

SCHEMA_VERSION = 1


class StoreError(Exception):
    """The database cannot be reached or written."""


class GapError(Exception):
    """A batch starts after the next sequence central expects: nothing was written."""

    def __init__(self, acked_seq: int, first_seq: int) -> None:
        super().__init__(f"expected seq {acked_seq + 1}, the batch starts at {first_seq}")
        self.acked_seq = acked_seq
        self.first_seq = first_seq


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


class Dialect:
    name = "sqlite"
    for_update = ""

    def sql(self, q: str) -> str:
        return q

    def json_int(self, column: str, key: str) -> str:
        return f"CAST(json_extract({column}, '$.{key}') AS INTEGER)"

    def schema(self) -> list[str]:
        return [
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """CREATE TABLE IF NOT EXISTS hall_state (
                hall TEXT PRIMARY KEY, last_seq INTEGER NOT NULL, events INTEGER NOT NULL,
                last_push_at TEXT)""",
            """CREATE TABLE IF NOT EXISTS events (
                hall TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, at TEXT NOT NULL,
                day TEXT NOT NULL, ticket TEXT, counter INTEGER, data TEXT NOT NULL,
                received_at TEXT NOT NULL, PRIMARY KEY (hall, seq))""",
            "CREATE INDEX IF NOT EXISTS events_day ON events (day, hall)",
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


class PostgresDialect(Dialect):
    name = "postgresql"
    for_update = " FOR UPDATE"

    def sql(self, q: str) -> str:
        return q.replace("?", "%s")

    def json_int(self, column: str, key: str) -> str:
        return f"({column}->>'{key}')::integer"

    def schema(self) -> list[str]:
        return [
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """CREATE TABLE IF NOT EXISTS hall_state (
                hall TEXT PRIMARY KEY, last_seq BIGINT NOT NULL, events BIGINT NOT NULL,
                last_push_at TIMESTAMPTZ)""",
            """CREATE TABLE IF NOT EXISTS events (
                hall TEXT NOT NULL, seq BIGINT NOT NULL, type TEXT NOT NULL,
                at TIMESTAMPTZ NOT NULL, day DATE NOT NULL, ticket TEXT, counter INTEGER,
                data JSONB NOT NULL, received_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (hall, seq, day)) PARTITION BY RANGE (day)""",
            "CREATE TABLE IF NOT EXISTS events_default PARTITION OF events DEFAULT",
            "CREATE INDEX IF NOT EXISTS events_day ON events (day, hall)",
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


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


class CentralStore:
    """A small pool of connections to one database; every method is one short transaction."""

    def __init__(self, url: str, *, pool_size: int = 4) -> None:
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
        self._pool: queue.LifoQueue[Any] = queue.LifoQueue()
        self._all: list[Any] = []
        self._pool_size = pool_size
        self._pool_lock = threading.Lock()
        self._months: set[str] = set()
        self._closed = False
        try:
            self._migrate()
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
            for stmt in self.dialect.schema():
                cur.execute(stmt)
            cur.execute(self.dialect.sql("SELECT value FROM meta WHERE key = ?"), ("schema",))
            row = cur.fetchone()
            if row is None:
                cur.execute(
                    self.dialect.sql("INSERT INTO meta (key, value) VALUES (?, ?)"),
                    ("schema", str(SCHEMA_VERSION)),
                )
            elif int(row[0]) > SCHEMA_VERSION:
                raise StoreError(
                    f"the database has schema {row[0]}, newer than this program's "
                    f"{SCHEMA_VERSION}: upgrade the program"
                )

    def _ensure_months(self, days: set[str]) -> None:
        """PostgreSQL: the month partitions the batch needs, created once, under a lock."""
        if self.dialect.name != "postgresql":
            return
        months = {d[:7] for d in days} - self._months
        for month in sorted(months):
            y, m = int(month[:4]), int(month[5:7])
            nxt = f"{y + (m == 12):04d}-{1 if m == 12 else m + 1:02d}-01"
            name = f"events_y{y:04d}m{m:02d}"
            with self._write() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(742001)")
                cur.execute(
                    f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF events "
                    f"FOR VALUES FROM ('{month}-01') TO ('{nxt}')"
                )
            self._months.add(month)

    # ----------------------------------------------------------------- events

    def acked_seq(self, hall: str) -> int:
        rows = self._read("SELECT last_seq FROM hall_state WHERE hall = ?", (hall,))
        return int(rows[0][0]) if rows else 0

    def ingest(self, hall: str, batch: Sequence[WireEvent], now: datetime) -> IngestResult:
        """Store a validated, contiguous batch: what central already holds is skipped, a gap
        is refused (:class:`GapError`), the rest is written with the cursor in one
        transaction."""
        d = self.dialect
        self._ensure_months({e.day for e in batch})
        received = now.isoformat()
        with self._write() as cur:
            cur.execute(
                d.sql(
                    "INSERT INTO hall_state (hall, last_seq, events) VALUES (?, 0, 0) "
                    "ON CONFLICT DO NOTHING"
                ),
                (hall,),
            )
            cur.execute(
                d.sql(f"SELECT last_seq FROM hall_state WHERE hall = ?{d.for_update}"), (hall,)
            )
            last = int(cur.fetchone()[0])
            if not batch:
                return IngestResult(last, 0)
            if batch[0].seq > last + 1:
                raise GapError(last, batch[0].seq)
            new = [e for e in batch if e.seq > last]
            if new:
                cur.executemany(
                    d.sql(
                        "INSERT INTO events "
                        "(hall, seq, type, at, day, ticket, counter, data, received_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
                    ),
                    [
                        (
                            hall,
                            e.seq,
                            e.type,
                            e.at,
                            e.day,
                            e.ticket,
                            e.counter,
                            json.dumps(e.data, ensure_ascii=False, separators=(",", ":")),
                            received,
                        )
                        for e in new
                    ],
                )
                last = new[-1].seq
            cur.execute(
                d.sql(
                    "UPDATE hall_state SET last_seq = ?, events = events + ?, last_push_at = ? "
                    "WHERE hall = ?"
                ),
                (last, len(new), received, hall),
            )
            return IngestResult(last, len(new))

    def events(self, hall: str, *, after: int = 0, limit: int = 1000) -> list[dict[str, Any]]:
        rows = self._read(
            "SELECT seq, type, at, day, ticket, counter, data FROM events "
            "WHERE hall = ? AND seq > ? ORDER BY seq LIMIT ?",
            (hall, after, limit),
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

    def fleet(self, day: date, known: Sequence[str] = ()) -> dict[str, dict[str, Any]]:
        """Per hall: what central holds, when it last heard from it, and the day's figures.
        ``known`` halls are listed even before their first push."""
        d = self.dialect
        out: dict[str, dict[str, Any]] = {}
        state = {
            r[0]: r[1:]
            for r in self._read("SELECT hall, last_seq, events, last_push_at FROM hall_state")
        }
        for hall in sorted(set(known) | set(state)):
            last_seq, events, last_push = state.get(hall, (0, 0, None))
            out[hall] = {
                "hall": hall,
                "last_seq": int(last_seq),
                "events": int(events),
                "last_push_at": _iso(last_push),
                "issued": 0,
                "done": 0,
                "no_show": 0,
                "rated": 0,
                "satisfaction": None,
                "refusals": 0,
                "last_refusal": None,
            }
        counts = self._read(
            "SELECT hall, type, COUNT(*) FROM events WHERE day = ? "
            "AND type IN ('ticket.issued', 'ticket.done', 'ticket.no_show') GROUP BY hall, type",
            (day.isoformat(),),
        )
        names = {"ticket.issued": "issued", "ticket.done": "done", "ticket.no_show": "no_show"}
        for hall, type_, n in counts:
            if hall in out:
                out[hall][names[type_]] = int(n)
        score = d.json_int("data", "score")
        for hall, n, mean in self._read(
            f"SELECT hall, COUNT(*), AVG({score}) FROM events WHERE day = ? "
            f"AND type = 'ticket.evaluated' AND {score} > 0 GROUP BY hall",
            (day.isoformat(),),
        ):
            if hall in out:
                out[hall]["rated"] = int(n)
                out[hall]["satisfaction"] = round(float(mean), 2)
        for hall, n in self._read("SELECT hall, COUNT(*) FROM refusals GROUP BY hall"):
            if hall in out:
                out[hall]["refusals"] = int(n)
        for r in self.refusals(limit=200):
            entry = out.get(r["hall"])
            if entry is not None and entry["last_refusal"] is None:
                entry["last_refusal"] = r
        return out
