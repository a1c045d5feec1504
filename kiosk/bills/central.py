"""Bills through central, with a local cache for when central cannot be reached.

The hall daemon uses :class:`CentralBills` when ``bills.source = "sync"``. A lookup asks central
with a short timeout (``sync.bills_timeout_s``); a good answer is kept in a small SQLite cache
in the data directory. When central does not answer, the cached bill is served with
``cached: true`` and ``as_of`` the time central's data was as of, so the kiosk can say so;
after a failure central is left alone for a few seconds so the next customers get the cache
at once instead of waiting for the timeout again. Cached bills older than
``sync.bills_cache_max_age_h`` are neither shown nor kept (personal information: only what
the kiosk needs, only as long as it is useful).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from datetime import datetime, timedelta
from typing import Any

import httpx

from kiosk.bills.source import BillsUnavailable, UnknownAccount
from kiosk.config import HallConfig
from kiosk.sync.daemon import CENTRAL_PREFIX, central_client, describe_error, sync_path

log = logging.getLogger("kiosk.sync.bills")

QUIET_AFTER_FAILURE_S = 10.0


class CentralBills:
    def __init__(self, config: HallConfig) -> None:
        self.settings = config.sync
        self.max_age = timedelta(hours=config.sync.bills_cache_max_age_h)
        self.http = central_client(config, timeout_s=config.sync.bills_timeout_s)
        path = sync_path(config, config.sync.bills_cache_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS bills (account TEXT PRIMARY KEY, data TEXT NOT NULL, "
            "as_of TEXT NOT NULL, fetched_at TEXT NOT NULL)"
        )
        self._lock = threading.Lock()
        self._quiet_until = 0.0
        self.central_ok: bool | None = None  # None until the first lookup

    def close(self) -> None:
        self.http.close()
        with self._lock:
            self._conn.close()

    def lookup(self, account: str, now: datetime) -> dict[str, Any]:
        if time.monotonic() >= self._quiet_until:
            try:
                r = self.http.get(f"{CENTRAL_PREFIX}/bills/{account}")
            except httpx.HTTPError as exc:
                self._central_failed(describe_error(exc))
            else:
                if r.status_code == 200:
                    self.central_ok = True
                    bill: dict[str, Any] = r.json()
                    self._store(account, bill, now)
                    return bill
                if r.status_code == 404:
                    self.central_ok = True
                    self._forget(account)
                    raise UnknownAccount(account)
                self._central_failed(f"central answered {r.status_code}")
        return self._cached(account, now)

    def _central_failed(self, why: str) -> None:
        if self.central_ok is not False:
            log.warning("bills: %s; serving cached bills", why)
        self.central_ok = False
        self._quiet_until = time.monotonic() + QUIET_AFTER_FAILURE_S

    def _store(self, account: str, bill: dict[str, Any], now: datetime) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO bills (account, data, as_of, fetched_at) "
                "VALUES (?, ?, ?, ?)",
                (account, json.dumps(bill, ensure_ascii=False), bill["as_of"], now.isoformat()),
            )
            self._conn.execute(
                "DELETE FROM bills WHERE fetched_at < ?", ((now - self.max_age).isoformat(),)
            )

    def _forget(self, account: str) -> None:
        with self._lock:
            self._conn.execute("DELETE FROM bills WHERE account = ?", (account,))

    def _cached(self, account: str, now: datetime) -> dict[str, Any]:
        with self._lock:
            row = self._conn.execute(
                "SELECT data, fetched_at FROM bills WHERE account = ?", (account,)
            ).fetchone()
        if row is None or datetime.fromisoformat(row[1]) < now - self.max_age:
            raise BillsUnavailable(account)
        bill: dict[str, Any] = json.loads(row[0])
        bill["cached"] = True  # as_of stays the time central's data was as of
        return bill

    def cached_accounts(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM bills").fetchone()[0])
