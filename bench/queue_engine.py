"""Queue engine and LAN API speed, with durable commits (fsync on every commit).

Prints:
- the disk's floor (bare fsync'd SQLite commits per second);
- durable issue → call → start → done cycles per second, in process (budget ≥ 1,000/s);
- the pure rules alone (no store), for comparison;
- the time to rebuild the queue from a day's log at start-up;
- p50/p95 of POST /api/v1/tickets and POST .../call-next over loopback HTTP, one client
  (budget p95 ≤ 20 ms);
- concurrency against a real daemon (``kiosk hall`` as a subprocess): tickets/s at 1, 8 and 32
  concurrent keep-alive clients, p95 at 32, and events per fsync with 4 counters working at
  once (issue, call-next, start, done loops), fsyncs counted by an LD_PRELOAD shim
  (bench/fsync_shim.c, compiled here with gcc) that can also slow every fsync down by
  ``--fsync-delay-ms`` to emulate a kiosk box's eMMC.

The in-process figures (disk floor, cycles, rebuild, one-client API) run on this machine's
disk as it is; only the daemon gets the shim's delay.

The last line is one JSON object: fsync_delay_ms, c1_tps, c8_tps, c32_tps, c32_p95_ms,
events_per_fsync_4_counters.

Usage: python bench/queue_engine.py [--cycles N] [--requests N] [--fsync-delay-ms MS]
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import mmap
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.client import api_client
from kiosk.clock import FakeClock
from kiosk.hall.service import Hall
from kiosk.queue import Queue
from kiosk.store import EventStore
from tests.helpers.hall import (
    EXAMPLE,
    KIOSK,
    Api,
    counter_token,
    example_config,
    morning,
    running_hall,
)

ROOT = Path(__file__).resolve().parents[1]
HALL_COMMAND = [sys.executable, "-m", "kiosk.cli", "hall"]


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


# ------------------------------------------------ a real daemon, concurrent clients


def build_shim(workdir: Path) -> Path:
    """Compile bench/fsync_shim.c (gcc; Debian's gcc and libc6-dev, see ./dev)."""
    out = workdir / "fsync_shim.so"
    subprocess.run(
        ["gcc", "-O2", "-shared", "-fPIC", "-o", str(out), str(ROOT / "bench" / "fsync_shim.c")],
        check=True,
        capture_output=True,
        text=True,
    )
    return out


class Daemon:
    """``kiosk hall`` as its own process with the shim preloaded, on a fresh data directory:
    the server gets its own process (and GIL), the clients run in this one."""

    def __init__(self, workdir: Path, shim: Path, delay_ms: float) -> None:
        self.dir = workdir
        self.dir.mkdir(parents=True)
        text = EXAMPLE.read_text(encoding="utf-8").replace(
            'data_dir = "/var/lib/kiosk"', f'data_dir = "{self.dir / "data"}"'
        )
        config = self.dir / "hall.toml"
        config.write_text(text + "\n[voice]\nenabled = false\n", encoding="utf-8")
        counter = self.dir / "fsyncs"
        counter.write_bytes(b"\0" * 8)
        env = {
            **os.environ,
            "LD_PRELOAD": str(shim),
            "FSYNC_SHIM_COUNTER": str(counter),
            "FSYNC_SHIM_DELAY_US": str(round(delay_ms * 1000)),
            "PYTHONPATH": str(ROOT),
        }
        self.proc = subprocess.Popen(
            [*HALL_COMMAND, "--config", str(config), "--host", "127.0.0.1", "--port", "0"],
            env=env,
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stderr is not None
        self.log: list[str] = []
        self.base_url = ""
        for line in self.proc.stderr:
            self.log.append(line)
            found = re.search(r"serving (http://\S+)/api/v1", line)
            if found:
                self.base_url = found.group(1)
                break
        if not self.base_url:
            raise RuntimeError("the hall daemon did not start:\n" + "".join(self.log[-20:]))
        threading.Thread(target=self._drain, daemon=True).start()
        with counter.open("r+b") as f:
            self._fsyncs = mmap.mmap(f.fileno(), 8)

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.log.append(line)

    def fsyncs(self) -> int:
        return int.from_bytes(self._fsyncs[:8], sys.byteorder)

    def cpu_s(self) -> float:
        """The daemon's user + system CPU time so far."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def last_seq(self) -> int:
        with api_client(self.base_url) as http:
            return int(http.get("/api/v1/health").json()["last_seq"])

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._fsyncs.close()


@contextmanager
def daemon(workdir: Path, shim: Path, delay_ms: float) -> Iterator[Daemon]:
    d = Daemon(workdir, shim, delay_ms)
    try:
        yield d
    finally:
        d.stop()


@dataclass
class Phase:
    requests: int
    seconds: float
    latencies_ms: list[float]
    client_cpu_s: float
    server_cpu_s: float
    events: int
    fsyncs: int

    @property
    def tps(self) -> float:
        return self.requests / self.seconds


def run_clients(
    d: Daemon,
    clients: int,
    per_client: int,
    work: Callable[[int, Any, list[float]], int],
    warm_up: Callable[[int, Any], None],
) -> Phase:
    """``clients`` threads, each with its own keep-alive connection, all released at once;
    ``work(i, http, latencies)`` does one client's requests and returns how many."""
    ready = threading.Barrier(clients + 1)
    go = threading.Event()
    latencies: list[list[float]] = [[] for _ in range(clients)]
    done = [0] * clients
    errors: list[BaseException] = []

    def client(i: int) -> None:
        try:
            with api_client(d.base_url) as http:
                warm_up(i, http)
                ready.wait()
                go.wait()
                done[i] = work(i, http, latencies[i])
        except BaseException as exc:  # reported below, not swallowed
            errors.append(exc)
            ready.abort()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    with contextlib.suppress(threading.BrokenBarrierError):
        ready.wait()  # broken when a client failed: reported after the joins
    seq0, fs0, srv0, cli0 = d.last_seq(), d.fsyncs(), d.cpu_s(), time.process_time()
    t0 = time.perf_counter()
    go.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    cli1, srv1, fs1 = time.process_time(), d.cpu_s(), d.fsyncs()
    if errors:
        raise RuntimeError(f"a client failed: {errors[0]!r}\n" + "".join(d.log[-20:]))
    return Phase(
        requests=sum(done),
        seconds=elapsed,
        latencies_ms=[x for lat in latencies for x in lat],
        client_cpu_s=cli1 - cli0,
        server_cpu_s=srv1 - srv0,
        events=d.last_seq() - seq0,
        fsyncs=fs1 - fs0,
    )


SERVICES = "ABCDE"


def issue_phase(d: Daemon, clients: int, total: int) -> Phase:
    """Closed loop: each client issues a ticket, waits for the 201, issues the next."""
    per_client = total // clients
    services = itertools.cycle(SERVICES)
    headers = {"Authorization": f"Bearer {KIOSK}"}

    def issue(http: Any, lat: list[float] | None = None) -> None:
        body = {"service": next(services)}
        t0 = time.perf_counter()
        r = http.post("/api/v1/tickets", json=body, headers=headers)
        if lat is not None:
            lat.append((time.perf_counter() - t0) * 1000)
        if r.status_code != 201:
            raise RuntimeError(f"{r.status_code} {r.text}")

    def warm_up(i: int, http: Any) -> None:
        for _ in range(3):
            issue(http)

    def work(i: int, http: Any, lat: list[float]) -> int:
        for _ in range(per_client):
            issue(http, lat)
        return per_client

    return run_clients(d, clients, per_client, work, warm_up)


def counters_phase(d: Daemon, cycles: int) -> Phase:
    """Four counters at once, each in a loop: issue a ticket for a service it serves,
    call-next, start, done (4 requests, 4 events a cycle when it called someone)."""
    served = {1: "A", 2: "D", 3: "B", 4: "E"}

    def post(http: Any, path: str, token: str, lat: list[float], **kw: Any) -> int:
        t0 = time.perf_counter()
        r = http.post(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"}, **kw)
        lat.append((time.perf_counter() - t0) * 1000)
        if r.status_code not in (200, 201, 204):
            raise RuntimeError(f"{path}: {r.status_code} {r.text}")
        return int(r.status_code)

    def warm_up(i: int, http: Any) -> None:
        post(http, "/tickets", KIOSK, [], json={"service": served[i + 1]})

    def work(i: int, http: Any, lat: list[float]) -> int:
        n = i + 1
        token = counter_token(n)
        requests = 0
        for _ in range(cycles):
            post(http, "/tickets", KIOSK, lat, json={"service": served[n]})
            requests += 2
            if post(http, f"/counters/{n}/call-next", token, lat) == 204:
                continue  # another counter took it
            post(http, f"/counters/{n}/start", token, lat)
            post(http, f"/counters/{n}/done", token, lat)
            requests += 2
        return requests

    return run_clients(d, 4, cycles, work, warm_up)


def describe(name: str, ph: Phase) -> str:
    cores = ph.seconds
    return (
        f"{name}: {ph.tps:,.0f} requests/s, p50 {statistics.median(ph.latencies_ms):.1f} ms, "
        f"p95 {pct(ph.latencies_ms, 95):.1f} ms ({ph.requests} requests in {ph.seconds:.2f} s; "
        f"{ph.events} events in {ph.fsyncs} fsyncs = {ph.events / max(ph.fsyncs, 1):.2f} "
        f"events/fsync; CPU: daemon {ph.server_cpu_s / cores:.0%}, "
        f"clients {ph.client_cpu_s / cores:.0%} of one core)"
    )


def bench_daemon(delay_ms: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shim = build_shim(work)
        print(
            f"hall daemon as a subprocess (kiosk hall, {delay_ms:g} ms added to every fsync); "
            "clients: threads of this process, one keep-alive httpx connection each "
            "(kiosk.client.api_client); a fresh store per phase"
        )
        figures: dict[str, float] = {"fsync_delay_ms": delay_ms}
        # 5 services x 999 numbers a day: each phase stays below 4,995 tickets.
        for clients, total in ((1, 1000), (8, 3200), (32, 3840)):
            with daemon(work / f"c{clients}", shim, delay_ms) as d:
                ph = issue_phase(d, clients, total)
            print(describe(f"POST /api/v1/tickets, {clients} concurrent clients", ph))
            figures[f"c{clients}_tps"] = round(ph.tps, 1)
            if clients == 32:
                figures["c32_p95_ms"] = round(pct(ph.latencies_ms, 95), 2)
        with daemon(work / "counters", shim, delay_ms) as d:
            ph = counters_phase(d, 250)
        print(describe("4 counters at once (issue, call-next, start, done)", ph))
        figures["events_per_fsync_4_counters"] = round(ph.events / max(ph.fsyncs, 1), 2)
        print(
            f"throughput at 8 clients / at 1 client: {figures['c8_tps'] / figures['c1_tps']:.2f}x"
        )
        return figures


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--cycles", type=int, default=3000)
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument(
        "--fsync-delay-ms",
        type=float,
        default=0.0,
        help="added to every fsync of the hall daemon (2 emulates a slow eMMC)",
    )
    ap.add_argument(
        "--only-daemon", action="store_true", help="only the concurrent figures (the JSON line)"
    )
    args = ap.parse_args()
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"python {sys.version.split()[0]}, store on {tempfile.gettempdir()}, load average {load}")
    if not args.only_daemon:
        bench_raw_fsync()
        bench_engine(args.cycles)
        for workers in (2, 4):
            bench_concurrent(args.cycles, workers)
        bench_api(args.requests)
    figures = bench_daemon(args.fsync_delay_ms)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
