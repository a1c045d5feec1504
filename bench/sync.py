"""Sync figures: a busy day pushed over loopback, central's ingest rate, bill look-ups.

Prints:
- a busy day (2,000 tickets, ~12,000 events) pushed by the sync daemon from a real hall store
  to a real central over loopback, in seconds (budget ≤ 5 s), on SQLite and on PostgreSQL;
- central's ingest rate in events/s (batches of 500 posted back to back), on both;
- a bill look-up through the hall daemon's API, p50/p95, online (central answers) and from
  the cache (central stopped).

PostgreSQL runs from Debian's binaries in a temporary directory with fsync on, like
production. Usage: python bench/sync.py [--tickets N] [--lookups N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.central.demo_data import demo_accounts
from kiosk.central.server import CentralServer
from kiosk.client import api_client
from kiosk.clock import FakeClock
from kiosk.hall.root import HallApp
from kiosk.store import EventStore
from kiosk.sync.daemon import SyncDaemon
from tests.kiosk.central.pg import PostgresServer, PostgresUnavailable
from tests.kiosk.central.support import HALL, KEYS, OTHER_HALL, central_config
from tests.kiosk.sync.dayload import write_day
from tests.kiosk.sync.support import hall_config_file

DAY = date(2026, 11, 23)
TZ = ZoneInfo("Asia/Shanghai")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def busy_day(work: Path, database: str, tickets: int) -> tuple[int, float]:
    """Seconds for the sync daemon to push the whole day, from its first request."""
    with CentralServer(central_config(work / "central", database)) as server:
        cfg = hall_config_file(work, server.base_url, bills="demo", pull_interval_s=3600.0)
        store = EventStore(cfg.data_path() / "hall.db")
        last = write_day(store, cfg.queue_rules(), DAY, tickets)
        store.close()
        with SyncDaemon(cfg) as daemon:
            t0 = time.perf_counter()
            outcome = daemon.push_once()
            elapsed = time.perf_counter() - t0
        assert outcome.ok and outcome.sent == last, outcome
        assert server.store is not None and server.store.acked_seq(HALL) == last
        return last, elapsed


def ingest_rate(work: Path, database: str, tickets: int) -> float:
    """Events/s central stores, batches of 500 posted back to back by one hall."""
    with CentralServer(central_config(work / "central", database)) as server:
        cfg = hall_config_file(work, server.base_url, bills="demo")
        store = EventStore(cfg.data_path() / "hall.db")
        write_day(store, cfg.queue_rules(), DAY, tickets)
        rows = [
            {
                "seq": s.seq,
                "type": s.event.TYPE,
                "at": s.event.at.isoformat(),
                "day": DAY.isoformat(),
                "ticket": s.event.ticket_id,
                "counter": s.event.counter_number,
                "data": s.event.to_data(),
            }
            for s in store.events()
        ]
        store.close()
        bodies = [
            json.dumps({"hall": OTHER_HALL, "events": rows[i : i + 500]}).encode()
            for i in range(0, len(rows), 500)
        ]
        with api_client(server.base_url, KEYS[OTHER_HALL]) as http:
            t0 = time.perf_counter()
            for body in bodies:
                r = http.post(
                    f"/central/v1/halls/{OTHER_HALL}/events",
                    content=body,
                    headers={"Content-Type": "application/json"},
                )
                assert r.status_code == 200, r.text
            elapsed = time.perf_counter() - t0
        return len(rows) / elapsed


def bills(work: Path, lookups: int) -> tuple[list[float], list[float]]:
    now = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
    server = CentralServer(central_config(work / "central", f"sqlite:///{work / 'c.db'}")).start()
    try:
        assert server.store is not None
        server.store.load_accounts(demo_accounts(now, 200), now)
        cfg = hall_config_file(work, server.base_url, bills="sync")
        app = HallApp(cfg, clock=FakeClock(now), host="127.0.0.1", port=0).start()
        try:
            accounts = [str(3100000001 + i % 200) for i in range(lookups)]
            online: list[float] = []
            cached: list[float] = []
            with api_client(app.base_url, "change-me-lobby-kiosk-0001") as http:
                for acc in accounts:
                    t0 = time.perf_counter()
                    r = http.get(f"/api/v1/bills/{acc}")
                    online.append((time.perf_counter() - t0) * 1000)
                    assert r.status_code == 200 and not r.json()["cached"], r.text
                server.stop()
                for acc in accounts:
                    t0 = time.perf_counter()
                    r = http.get(f"/api/v1/bills/{acc}")
                    cached.append((time.perf_counter() - t0) * 1000)
                    assert r.status_code == 200 and r.json()["cached"], r.text
        finally:
            app.stop()
    finally:
        server.stop()
    return online, cached


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tickets", type=int, default=2000)
    ap.add_argument("--lookups", type=int, default=400)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="kiosk-bench-sync-"))
    pg: PostgresServer | None = None
    try:
        backends = {"SQLite": lambda name: f"sqlite:///{root / name / 'central.db'}"}
        try:
            pg = PostgresServer(root / "pg", fsync=True).start()
            server = pg
            backends["PostgreSQL"] = lambda name: server.new_database("bench")
        except PostgresUnavailable as exc:
            print(f"PostgreSQL: not measured ({str(exc).splitlines()[0]})")
        for label, url in backends.items():
            work = root / f"day-{label}"
            (work / "central").mkdir(parents=True)
            events, seconds = busy_day(work, url(f"day-{label}"), args.tickets)
            print(
                f"busy day, central on {label}: {args.tickets} tickets, {events} events pushed "
                f"in {seconds:.2f} s over loopback ({events / seconds:,.0f} events/s; "
                f"budget ≤ 5 s)"
            )
        for label, url in backends.items():
            work = root / f"ingest-{label}"
            (work / "central").mkdir(parents=True)
            rate = ingest_rate(work, url(f"ingest-{label}"), args.tickets)
            print(f"central ingest on {label}: {rate:,.0f} events/s (batches of 500)")
        work = root / "bills"
        (work / "central").mkdir(parents=True)
        online, cached = bills(work, args.lookups)
        for label, values in (
            ("online (central answers)", online),
            ("from cache (central down)", cached),
        ):
            print(
                f"bill lookup {label}: p50 {statistics.median(values):.1f} ms, "
                f"p95 {pct(values, 95):.1f} ms over {len(values)}"
            )
    finally:
        if pg is not None:
            pg.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
