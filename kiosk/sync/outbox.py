"""The outbox: which of the hall's events are on their way to central, as a state machine.

The hall's own event log is the source (read-only, :class:`HallLog`); the outbox, in the sync
daemon's own SQLite file, holds *batches* — ranges of sequence numbers — and their state::

    READY ──send──► IN_FLIGHT ──central's ack──► ACKED
      ▲                │
      └──failure───────┘   (REFUSED when central refused it: retried at the longest backoff)

Crash recovery at start (persist-queue's ``resume_unack_tasks``): a batch left IN_FLIGHT by
a killed daemon goes back to READY. Resending it is harmless because central stores by
(hall, seq) and skips what it holds. The cursor (``acked_seq``) moves only on central's
answer, in the same transaction that marks the batch ACKED, so nothing is ever skipped.
"""

from __future__ import annotations

import enum
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.store.reader import EventLogReader

SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY,
    first_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    acked_at TEXT,
    error TEXT
);
CREATE INDEX IF NOT EXISTS batches_state ON batches (state, id);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
KEEP_ACKED = 200  # acked batches kept for `kiosk sync status`; older ones are pruned


class BatchState(enum.Enum):
    READY = "ready"
    IN_FLIGHT = "in_flight"
    ACKED = "acked"
    REFUSED = "refused"


@dataclass(frozen=True)
class Batch:
    id: int
    first_seq: int
    last_seq: int
    state: BatchState
    attempts: int

    @property
    def size(self) -> int:
        return self.last_seq - self.first_seq + 1


class HallLog:
    """The hall daemon's event log as sync reads it: through the store's read-only reader
    (WAL lets it read while the hall writes, and the hall never waits for it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._reader = EventLogReader(path)

    def last_seq(self) -> int:
        return self._reader.last_seq()

    def rows(self, first: int, last: int) -> list[dict[str, Any]]:
        """Events ``first``…``last`` as they travel (``data`` parsed)."""
        return [
            {
                "seq": e.seq,
                "type": e.type,
                "at": e.at,
                "day": e.day,
                "ticket": e.ticket,
                "counter": e.counter,
                "data": e.data,
            }
            for e in self._reader.raw_events(first - 1, through=last)
        ]

    def close(self) -> None:
        self._reader.close()


class Outbox:
    """The sync daemon's state: batches, the acknowledged cursor, and health figures."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._lock = threading.RLock()
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute("PRAGMA busy_timeout=5000")
        self._conn.executescript(SCHEMA)
        self.recovered = self._recover()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _tx(self) -> _Tx:
        return _Tx(self._conn, self._lock)

    def _recover(self) -> int:
        """A batch in flight when the daemon died goes back to READY (central dedups)."""
        with self._tx():
            cur = self._conn.execute(
                "UPDATE batches SET state = ? WHERE state = ?",
                (BatchState.READY.value, BatchState.IN_FLIGHT.value),
            )
            return cur.rowcount

    # ------------------------------------------------------------------- state

    def get(self, key: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def put(self, **values: str | int | float | None) -> None:
        with self._tx():
            for key, value in values.items():
                if value is None:
                    self._conn.execute("DELETE FROM state WHERE key = ?", (key,))
                else:
                    self._conn.execute(
                        "INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)",
                        (key, str(value)),
                    )

    @property
    def acked_seq(self) -> int:
        return int(self.get("acked_seq") or 0)

    # ----------------------------------------------------------------- batches

    def _batch(self, row: tuple[Any, ...]) -> Batch:
        return Batch(int(row[0]), int(row[1]), int(row[2]), BatchState(row[3]), int(row[4]))

    def pending(self) -> Batch | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT id, first_seq, last_seq, state, attempts FROM batches "
                "WHERE state IN (?, ?, ?) ORDER BY id LIMIT 1",
                (BatchState.READY.value, BatchState.REFUSED.value, BatchState.IN_FLIGHT.value),
            ).fetchone()
        return None if row is None else self._batch(row)

    def next_batch(self, hall_last_seq: int, batch_size: int, now: datetime) -> Batch | None:
        """The batch to send: the oldest not acknowledged, or a new one after the cursor."""
        with self._tx():
            existing = self.pending()
            if existing is not None:
                return existing
            first = self.acked_seq + 1
            if first > hall_last_seq:
                return None
            last = min(hall_last_seq, first + batch_size - 1)
            cur = self._conn.execute(
                "INSERT INTO batches (first_seq, last_seq, state, created_at) VALUES (?, ?, ?, ?)",
                (first, last, BatchState.READY.value, now.isoformat()),
            )
            return Batch(int(cur.lastrowid or 0), first, last, BatchState.READY, 0)

    def mark_in_flight(self, batch: Batch, now: datetime) -> None:
        with self._tx():
            self._conn.execute(
                "UPDATE batches SET state = ?, attempts = attempts + 1, sent_at = ? WHERE id = ?",
                (BatchState.IN_FLIGHT.value, now.isoformat(), batch.id),
            )

    def acked(self, batch: Batch, central_acked: int, now: datetime) -> None:
        """Central answered that it holds everything up to ``central_acked``: the cursor
        moves there and the batch is done (if central holds less than the batch, the rest
        goes out in the next batch)."""
        with self._tx():
            self._conn.execute(
                "INSERT OR REPLACE INTO state (key, value) VALUES ('acked_seq', ?)",
                (str(central_acked),),
            )
            self._conn.execute(
                "UPDATE batches SET state = ?, acked_at = ?, error = NULL WHERE id = ?",
                (BatchState.ACKED.value, now.isoformat(), batch.id),
            )
            for key, value in (("last_success_at", now.isoformat()), ("failures", "0")):
                self._conn.execute(
                    "INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", (key, value)
                )
            self._conn.execute(
                "DELETE FROM batches WHERE state = ? AND id <= ?",
                (BatchState.ACKED.value, batch.id - KEEP_ACKED),
            )

    def rewind(self, batch: Batch, central_acked: int, now: datetime) -> None:
        """Central holds less than we thought (a gap answer): resend from what it holds."""
        with self._tx():
            self._conn.execute("DELETE FROM batches WHERE id = ?", (batch.id,))
            self._conn.execute(
                "INSERT OR REPLACE INTO state (key, value) VALUES ('acked_seq', ?)",
                (str(central_acked),),
            )

    def deferred(self, batch: Batch) -> None:
        """Central was busy (429) and stored nothing: the batch waits, READY, no error."""
        with self._tx():
            self._conn.execute(
                "UPDATE batches SET state = ? WHERE id = ?", (BatchState.READY.value, batch.id)
            )

    def shrink(self, batch: Batch, last_seq: int) -> Batch:
        """A smaller batch from the same first sequence (after a timeout); the rest goes in
        the batches after it."""
        if batch.first_seq <= last_seq < batch.last_seq:
            with self._tx():
                self._conn.execute(
                    "UPDATE batches SET last_seq = ? WHERE id = ?", (last_seq, batch.id)
                )
            return Batch(batch.id, batch.first_seq, last_seq, batch.state, batch.attempts)
        return batch

    def failed(self, batch: Batch, error: str, now: datetime, *, refused: bool = False) -> None:
        state = BatchState.REFUSED if refused else BatchState.READY
        with self._tx():
            self._conn.execute(
                "UPDATE batches SET state = ?, error = ? WHERE id = ?",
                (state.value, error[:500], batch.id),
            )

    # ------------------------------------------------------------------ health

    def batch_counts(self) -> dict[str, int]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT state, COUNT(*) FROM batches GROUP BY state"
            ).fetchall()
        return {str(s): int(n) for s, n in rows}


class _Tx:
    __slots__ = ("_conn", "_lock", "_outer")

    def __init__(self, conn: sqlite3.Connection, lock: threading.RLock) -> None:
        self._conn = conn
        self._lock = lock
        self._outer = False

    def __enter__(self) -> None:
        self._lock.acquire()
        if self._conn.in_transaction:
            return  # nested: part of the outer transaction
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._lock.release()
            raise
        self._outer = True

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            if self._outer:
                self._outer = False
                if exc_type is None:
                    self._conn.execute("COMMIT")
                elif self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
        finally:
            self._lock.release()


def read_status(path: Path) -> dict[str, Any] | None:
    """The outbox's state without taking part in it (``kiosk sync status``)."""
    if not path.exists():
        return None
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        state = dict(conn.execute("SELECT key, value FROM state").fetchall())
        counts = dict(conn.execute("SELECT state, COUNT(*) FROM batches GROUP BY state").fetchall())
        errors = conn.execute(
            "SELECT first_seq, last_seq, state, attempts, error FROM batches "
            "WHERE state != 'acked' ORDER BY id LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    return {"state": state, "batches": counts, "pending": errors}
