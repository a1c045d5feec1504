"""Queue engine and LAN API speed, with durable commits (fsync on every commit).

Prints:
- durable issue → call → start → done cycles per second, in process (budget ≥ 1,000/s);
- the pure rules alone (no store), for comparison;
- p50/p95 of POST /api/v1/tickets and POST .../call-next over loopback HTTP (budget p95 ≤ 20 ms);
- the time to rebuild the queue from a day's log at start-up.

Usage: python bench/queue_engine.py [--cycles N] [--requests N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.clock import FakeClock
from kiosk.hall.service import Hall
from kiosk.queue import Queue
from kiosk.store import EventStore
from tests.helpers.hall import Api, counter_token, example_config, morning, running_hall


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def bench_raw_fsync(n: int = 2000) -> float:
    """The disk's floor: bare SQLite commits per second, WAL + synchronous=FULL."""
    import sqlite3

    with tempfile.TemporaryDirectory() as d:
        conn = sqlite3.connect(Path(d) / "raw.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("CREATE TABLE t (x)")
        t0 = time.perf_counter()
        for i in range(n):
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO t VALUES (?)", (i,))
            conn.execute("COMMIT")
        rate = n / (time.perf_counter() - t0)
        conn.close()
    print(
        f"disk floor: {rate:,.0f} bare fsync'd SQLite commits/s "
        f"(a 4-commit cycle cannot beat {rate / 4:,.0f}/s, a 3-commit one {rate / 3:,.0f}/s)"
    )
    return rate


def bench_engine(cycles: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        cfg = example_config(Path(d))
        clock = FakeClock(morning())
        store = EventStore(Path(d) / "hall.db")
        hall = Hall(cfg, store, clock)
        services = "ABCDE"
        counter_for = {"A": 1, "B": 3, "C": 3, "D": 1, "E": 4}
        t0 = time.perf_counter()
        for i in range(cycles):
            s = services[i % 5]
            c = counter_for[s]
            hall.issue_ticket(s)
            hall.call_next(c)
            hall.counter_action(c, "start")
            hall.counter_action(c, "done")
            if i % 900 == 899:  # keep within 999 numbers per service per day
                hall.close_day()
                clock.advance(86400)
        elapsed = time.perf_counter() - t0
        events = store.last_seq()
        print(
            f"durable cycles (issue+call+start+done, fsync each): {cycles / elapsed:,.0f} cycles/s "
            f"({events / elapsed:,.0f} events/s, {cycles} cycles in {elapsed:.2f} s)"
        )
        t0 = time.perf_counter()
        for i in range(cycles):
            s = services[i % 5]
            c = counter_for[s]
            hall.issue_ticket(s)
            hall.call_next(c)
            hall.counter_action(c, "done")
            if i % 900 == 899:
                hall.close_day()
                clock.advance(86400)
        elapsed = time.perf_counter() - t0
        print(
            f"durable cycles (issue+call+done, DESIGN.md's definition): {cycles / elapsed:,.0f} cycles/s"
        )
        events = store.last_seq()
        t0 = time.perf_counter()
        Hall(cfg, store, clock)
        print(
            f"rebuild of the live queue at start-up from a {events:,}-event store: "
            f"{(time.perf_counter() - t0) * 1000:.0f} ms"
        )
        store.close()

        q = Queue(cfg.queue_rules())
        now = morning()
        t0 = time.perf_counter()
        n = min(cycles, 900)
        for i in range(n):
            s = services[i % 5]
            c = counter_for[s]
            q.apply_all(q.issue(s, now))
            q.apply_all(q.call_next(c, now))
            q.apply_all(q.start(c, now))
            q.apply_all(q.done(c, now))
        elapsed = time.perf_counter() - t0
        print(f"pure rules, no store: {n / elapsed:,.0f} cycles/s")


def bench_concurrent(cycles: int, workers: int) -> None:
    """``workers`` counters working at once (each with its own service, so none takes
    another's ticket): group commit lets them share fsyncs."""
    import dataclasses
    import threading

    from kiosk.config import CounterSettings

    with tempfile.TemporaryDirectory() as d:
        cfg = example_config(Path(d))
        codes = [sv.code for sv in cfg.services][:workers]
        cfg = dataclasses.replace(
            cfg, counters=[CounterSettings(number=i + 1, services=[c]) for i, c in enumerate(codes)]
        )
        clock = FakeClock(morning())
        store = EventStore(Path(d) / "hall.db")
        hall = Hall(cfg, store, clock)
        per_worker = cycles // workers
        commits = 0

        def count_commits(item: object) -> None:
            nonlocal commits
            commits += getattr(item, "type", "") == "queue.changed"

        hall.bus.subscribe(count_commits)

        def work(n: int, service: str) -> None:
            for i in range(per_worker):
                if i % 900 == 899:
                    return  # within 999 numbers per service per day
                hall.issue_ticket(service)
                hall.call_next(n)
                hall.counter_action(n, "start")
                hall.counter_action(n, "done")

        threads = [threading.Thread(target=work, args=(i + 1, c)) for i, c in enumerate(codes)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        done = min(per_worker, 899) * workers
        events = store.last_seq()
        print(
            f"durable cycles with {workers} counters at once (group commit): "
            f"{done / elapsed:,.0f} cycles/s ({events / elapsed:,.0f} events/s, "
            f"{events / max(commits, 1):.1f} events per fsync)"
        )
        store.close()


def bench_api(requests: int) -> None:
    with tempfile.TemporaryDirectory() as d, running_hall(Path(d)) as (app, api, clock):
        issue_ms: list[float] = []
        call_ms: list[float] = []
        warm = Api(app.base_url)
        for _ in range(20):
            warm.issue("D")
        for i in range(requests):
            clock.advance(1)
            t0 = time.perf_counter()
            r = api.call("POST", "/tickets", json={"service": "A" if i % 2 else "E"})
            issue_ms.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 201, r.text
            counter = 1 if i % 2 else 4
            t0 = time.perf_counter()
            r = api.call("POST", f"/counters/{counter}/call-next", token=counter_token(counter))
            call_ms.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, r.text
            if i % 400 == 399:
                api.call("POST", "/admin/close-day", token="change-me-manager-00000001")
                clock.advance(86400)
        warm.close()
        for name, ms in (
            ("POST /api/v1/tickets", issue_ms),
            ("POST /api/v1/counters/N/call-next", call_ms),
        ):
            print(
                f"{name}: p50 {statistics.median(ms):.2f} ms, p95 {pct(ms, 95):.2f} ms, "
                f"max {max(ms):.2f} ms over {len(ms)} requests (loopback, keep-alive)"
            )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--cycles", type=int, default=3000)
    ap.add_argument("--requests", type=int, default=1000)
    args = ap.parse_args()
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"python {sys.version.split()[0]}, store on {tempfile.gettempdir()}, load average {load}")
    bench_raw_fsync()
    bench_engine(args.cycles)
    for workers in (2, 4):
        bench_concurrent(args.cycles, workers)
    bench_api(args.requests)


if __name__ == "__main__":
    main()
