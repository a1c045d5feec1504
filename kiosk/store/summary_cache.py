"""Per-day summaries computed from a hall's log, kept in a file beside it (``hall-reports.db``).

Why this lives in ``kiosk/store/`` and not with the reports:

- It is a file in the hall's data directory, next to ``hall.db``: where it sits, who may
  create it, how it is opened (a read-only URI to read, a short transaction to write) and
  what happens when it cannot be written are storage questions, answered here once beside
  the log's own answers to them. The reports never see SQL or a path.
- It is written by the store's owner only: a file created by root (``sudo kiosk report``)
  in the hall's data directory would be one the hall daemon can no longer write. The rule
  "the store's owner writes, everybody else reads" is the store's rule, so it is enforced
  here, by the file's owner (compared with the store's), not by each caller.
- What a summary *means* stays with the reports: the cache holds opaque JSON states under
  a key the caller computes (``kiosk.hall.reports.DayCache`` hashes what the figures depend
  on: targets, limits, counters, its own version), and trusts nothing else. A changed key
  recomputes; nothing here knows a figure.
- It is only a cache: losing it, or failing to read or write it, costs time, never a figure
  (every failure here is silent and logged at debug level). The log stays the one source.

Only days that can no longer change (closed in full) should be put; that is the caller's
decision too.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

log = logging.getLogger("kiosk.store")

FILE = "hall-reports.db"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS days (day TEXT PRIMARY KEY, key TEXT NOT NULL, state TEXT NOT NULL)"
)


class SummaryCache:
    """Summaries of days under a key, in ``hall-reports.db`` beside the store at ``store``."""

    def __init__(self, store: str | Path) -> None:
        self.store = Path(store)
        self.path = self.store.with_name(FILE)

    def get(self, key: str, first: date, last: date) -> dict[str, dict[str, Any]]:
        """The kept states of days ``first``…``last`` under ``key``, by ISO day."""
        if not self.path.exists():
            return {}
        try:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            try:
                rows = conn.execute(
                    "SELECT day, state FROM days WHERE key = ? AND day BETWEEN ? AND ?",
                    (key, first.isoformat(), last.isoformat()),
                ).fetchall()
            finally:
                conn.close()
        except sqlite3.Error:
            return {}
        return {day: json.loads(state) for day, state in rows}

    def writable(self) -> bool:
        """This process may write the cache: it runs as the store's owner."""
        try:
            return self.store.stat().st_uid == os.getuid()
        except OSError:
            return False

    def put(self, key: str, states: Mapping[str, Mapping[str, Any]]) -> None:
        """Keep ``states`` (ISO day → JSON-ready state) under ``key``; a day kept under
        another key is replaced. Nothing happens unless this process owns the store."""
        if not states or not self.writable():
            return
        try:
            conn = sqlite3.connect(self.path, timeout=5)
            try:
                with conn:
                    conn.execute(_SCHEMA)
                    conn.executemany(
                        "INSERT OR REPLACE INTO days (day, key, state) VALUES (?, ?, ?)",
                        [(d, key, json.dumps(st)) for d, st in states.items()],
                    )
            finally:
                conn.close()
        except (sqlite3.Error, OSError) as exc:
            log.debug("report cache not written (%s): figures are computed each time", exc)
