"""Central at province scale: many halls pushing a busy day each at once, and the 90-day report.

For each hall count (``--halls 1,50,500``): a fresh database on a real PostgreSQL server
(Debian's binaries in a temporary directory, fsync on, started like the tests start theirs),
real central worker processes (``kiosk.central.cluster``, ``--workers``, default one per
core) on loopback, and that many halls, each a real sync daemon (its outbox, its reads of
the hall's store) with a busy day in its log (2,000 tickets, 11,787 events) that it has not
pushed yet: a day offline, then all of them at once. The largest count is the province
catching up after a day offline.

Printed per count: events/s (all events over the time from the first push to the last
acknowledgement), batch p50/p95 (request → central's answer, answered pushes), 429s (pushes
central asked to come back later, nothing stored), timeouts, ``stored_twice`` (pushes of
events central already held: answered with fewer stored than sent), and duplicates in the
database (must be 0). Then the 90-day report: one hall's 90 busy days pushed, their day
summaries copied to every hall of the largest count, central and PostgreSQL restarted, and
the first ``GET /central/v1/fleet/report`` for 90 days timed (cold), then warm.

The halls' own files (stores, outboxes) live on tmpfs: they stand for the halls' own disks,
not central's. PostgreSQL is given ``shared_buffers``/``max_wal_size`` for a server that
takes a province's day (``--pg-shared-buffers``, ``--pg-max-wal``).

``--central-src DIR`` runs central from another checkout (for instance the code before
issue 16, from ``git archive``) as one ``kiosk central`` process, to measure before/after
with the same halls.

Last line: one JSON object keyed by hall count:
``{"1": {"events_per_s", "batch_p50_ms", "batch_p95_ms", "stored_twice", …}, …}``, the
largest count's object also holding ``"report_90d": {"cold_s", "warm_s", "halls", …}``.

Usage: python bench/central_scale.py [--halls 1,50,500] [--tickets 2000] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import psycopg

from kiosk.central.cluster import CentralCluster
from kiosk.central.config import key_hash, parse_central_config
from kiosk.client import api_client
from kiosk.config import HallConfig, load_config
from kiosk.store import EventStore
from kiosk.sync.daemon import SyncDaemon
from tests.helpers.hall import EXAMPLE
from tests.kiosk.central.pg import PostgresServer
from tests.kiosk.sync.dayload import day_events, write_day

TZ = ZoneInfo("Asia/Shanghai")
ADMIN_KEY = "bench-admin-key-0123456789abcdef"
SYNC_TIMEOUT_S = 10.0  # the sync daemon's default request timeout


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else 0.0


def hall_id(i: int) -> str:
    return f"bench-hall-{i:04d}"


def hall_key(i: int) -> str:
    return f"bench-hall-key-{i:04d}-0123456789abcdef"


# ------------------------------------------------------------------- central


def central_toml(
    directory: Path,
    url: str,
    halls: int,
    workers: int,
    legacy: bool,
    hall_partitions: int = 8,
    concurrency: int = 4,
) -> Path:
    lines = [
        "[central]",
        'host = "127.0.0.1"',
        "port = 0",
        f'database = "{url}"',
        f'admin_key_sha256 = "{key_hash(ADMIN_KEY)}"',
    ]
    if not legacy:
        lines += [
            f"workers = {workers}",
            f"hall_partitions = {hall_partitions}",
            f"ingest_concurrency = {concurrency}",
        ]
    for i in range(1, halls + 1):
        lines += [
            "",
            "[[halls]]",
            f'id = "{hall_id(i)}"',
            f'key_sha256 = "{key_hash(hall_key(i))}"',
        ]
    path = directory / "central.toml"
    directory.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class Central:
    """This tree's central as worker processes, or another checkout's `kiosk central`."""

    def __init__(self, config: Path, src: Path | None, balance: str = "reuseport") -> None:
        self.config, self.src, self.balance = config, src, balance
        self.cluster: CentralCluster | None = None
        self.proc: subprocess.Popen[str] | None = None
        self.base_url = ""

    def start(self) -> Central:
        if self.src is None:
            cfg = parse_central_config(self.config.read_text(encoding="utf-8"), str(self.config))
            self.cluster = CentralCluster(cfg, balance=self.balance).start(timeout_s=120)
            self.base_url = self.cluster.base_url
            return self
        env = {**os.environ, "PYTHONPATH": str(self.src)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk.cli", "central", "--config", str(self.config)],
            cwd=self.src,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            if "central serving" in line:
                self.base_url = line.split("serving ")[1].split("/central/v1")[0]
                break
        else:
            raise RuntimeError("the other checkout's central did not start")
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()
        return self

    @property
    def pids(self) -> list[int]:
        if self.cluster is not None:
            return self.cluster.pids
        return [self.proc.pid] if self.proc is not None else []

    def stop(self) -> None:
        if self.cluster is not None:
            self.cluster.stop()
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


# --------------------------------------------------------------------- halls


def template_store(root: Path, day: date, tickets: int) -> tuple[Path, int]:
    """One hall's busy day, written once; every hall's store is a hard link to it."""
    path = root / "template" / "hall.db"
    path.parent.mkdir(parents=True)
    store = EventStore(path)
    last = write_day(store, load_config(EXAMPLE).queue_rules(), day, tickets)
    store.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path, last


def hall_configs(root: Path, template: Path, base_url: str, halls: int) -> list[HallConfig]:
    text = EXAMPLE.read_text(encoding="utf-8")
    out = []
    for i in range(1, halls + 1):
        d = root / hall_id(i)
        (d / "data").mkdir(parents=True)
        os.link(template, d / "data" / "hall.db")
        t = text.replace('id = "gd-gz-tianhe-01"', f'id = "{hall_id(i)}"', 1)
        t = t.replace('data_dir = "/var/lib/kiosk"', f'data_dir = "{d / "data"}"')
        t += (
            f'\n[voice]\nenabled = false\n\n[sync]\ncentral_url = "{base_url}"\n'
            f'hall_key = "{hall_key(i)}"\ntimeout_s = {SYNC_TIMEOUT_S}\n'
        )
        (d / "hall.toml").write_text(t, encoding="utf-8")
        out.append(load_config(d / "hall.toml"))
    return out


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of processes so far (0 for one that is gone)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def postgres_pids() -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    out.append(int(entry.name))
            except OSError:
                continue
    return out


class CpuSplit:
    """CPU used over a window by the halls (this process), central's workers, PostgreSQL."""

    def __init__(self, central_pids: list[int]) -> None:
        self.central_pids = central_pids
        self.at_start = self._now()

    def _now(self) -> dict[str, float]:
        usage = os.times()
        pg = postgres_pids()
        return {
            "halls": usage.user + usage.system,
            "central": cpu_seconds(self.central_pids),
            "postgres": cpu_seconds(pg),
            "_pg": float(len(pg)),
        }

    def used(self) -> dict[str, float]:
        end = self._now()
        return {k: round(end[k] - self.at_start[k], 1) for k in ("halls", "central", "postgres")}


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies_ms: list[float] = field(default_factory=list)
    busy: int = 0
    timeouts: int = 0
    stored_twice: int = 0
    other: int = 0


def run_hall(cfg: HallConfig, last: int, tally: Tally, start: threading.Event) -> None:
    """One hall's sync daemon, pushing until central holds its whole day."""
    acked = [0]
    sent_at: dict[int, float] = {}

    def on_request(request: httpx.Request) -> None:
        sent_at[id(request)] = time.perf_counter()

    def on_response(response: httpx.Response) -> None:
        took = (time.perf_counter() - sent_at.pop(id(response.request), 0.0)) * 1000
        if not response.request.url.path.endswith("/events"):
            return
        response.read()
        with tally.lock:
            if response.status_code == 200:
                body = response.json()
                tally.latencies_ms.append(took)
                if body["stored"] < body["acked_seq"] - acked[0]:
                    tally.stored_twice += 1
                acked[0] = body["acked_seq"]
            elif response.status_code == 429:
                tally.busy += 1
            else:
                tally.other += 1

    with SyncDaemon(cfg) as daemon:
        daemon.central.event_hooks = {"request": [on_request], "response": [on_response]}
        start.wait()
        push_until(daemon, last, tally)


def push_until(daemon: SyncDaemon, last: int, tally: Tally) -> None:
    """The daemon's own loop (kiosk.sync.daemon.SyncDaemon.run) without the pulls."""
    failures = 0
    while daemon.outbox.acked_seq < last:
        outcome = daemon.push_once()
        if outcome.ok:
            continue
        if outcome.retry_after_s is not None:
            time.sleep(outcome.retry_after_s * daemon.rng.uniform(1.0, 1.5))
            continue
        failures += 1
        if "in time" in (daemon.outbox.get("last_error") or ""):
            with tally.lock:
                tally.timeouts += 1
        time.sleep(daemon.backoff(failures))


def measure(
    root: Path,
    pg: PostgresServer,
    halls: int,
    template: Path,
    template_day: date,
    last: int,
    args: argparse.Namespace,
) -> dict[str, Any]:
    url = pg.new_database(f"scale{halls}")
    work = Path(tempfile.mkdtemp(prefix=f"halls-{halls}-", dir=root))
    config = central_toml(
        work,
        url,
        halls,
        args.workers,
        args.central_src is not None,
        args.hall_partitions,
        args.ingest_concurrency,
    )
    central = Central(config, args.central_src, args.balance).start()
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f"halls{halls}-", dir=template.parent.parent))
        try:
            configs = hall_configs(tmp, template, central.base_url, halls)
            tally = Tally()
            start = threading.Event()
            threads = [
                threading.Thread(target=run_hall, args=(c, last, tally, start), daemon=True)
                for c in configs
            ]
            for t in threads:
                t.start()
            time.sleep(0.5)  # every daemon open and waiting
            cpu = CpuSplit(central.pids)
            t0 = time.perf_counter()
            start.set()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - t0
            cpu_used = cpu.used()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    finally:
        central.stop()
    with psycopg.connect(url) as conn:
        total, distinct = conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT (hall, seq)) FROM events"
        ).fetchone()
    assert total == distinct == halls * last, (total, distinct, halls * last)
    live = live_rebuild(url, hall_id(1), template_day) if args.central_src is None else {}
    lat = tally.latencies_ms
    return {
        "events_per_s": round(halls * last / elapsed),
        "batch_p50_ms": round(statistics.median(lat), 1),
        "batch_p95_ms": round(pct(lat, 95), 1),
        "batch_max_ms": round(max(lat), 1),
        "stored_twice": tally.stored_twice,
        "busy_429": tally.busy,
        "timeouts": tally.timeouts,
        "other_errors": tally.other,
        "duplicates": total - distinct,
        "seconds": round(elapsed, 1),
        "pushes": len(lat),
        "cpu_s": cpu_used,
        "live_queue": live,
    }


def measure_count(
    root: Path,
    pg: PostgresServer,
    halls: int,
    template: Path,
    template_day: date,
    last: int,
    args: argparse.Namespace,
) -> dict[str, Any]:
    """A few halls push for a second or two, which the machine's other work can spoil:
    under 10 halls, the median of three runs (by events/s)."""
    if halls >= 10:
        return measure(root, pg, halls, template, template_day, last, args)
    runs = [measure(root, pg, halls, template, template_day, last, args) for _ in range(3)]
    runs.sort(key=lambda f: f["events_per_s"])
    return {**runs[1], "runs_events_per_s": [f["events_per_s"] for f in runs]}


# ---------------------------------------------------------------- live queue


def live_rebuild(url: str, hall: str, day: date) -> dict[str, float]:
    """What issue 15's phone pages would cost a worker that has no live queue for a hall
    yet: its day read from the store (one hash leaf of one month) and replayed through the
    pure queue rules; and the catch-up of the last 20 events for one that has."""
    from kiosk.central.store import CentralStore
    from kiosk.queue import Queue
    from kiosk.queue.events import Event

    rules = load_config(EXAMPLE).queue_rules()
    store = CentralStore(url, pool_size=1)
    try:
        cold = []
        for _ in range(3):
            t0 = time.perf_counter()
            q = Queue(rules)
            after = 0
            while True:
                page = store.events(hall, after=after, limit=5000, since=day)
                if not page:
                    break
                for e in page:
                    q.apply(Event.from_data(e["type"], datetime.fromisoformat(e["at"]), e["data"]))
                after = page[-1]["seq"]
            cold.append(time.perf_counter() - t0)
        # A warm worker: its queue is 20 events behind (a few seconds of a busy hall).
        q = Queue(rules)
        for e in store.events(hall, after=0, limit=after - 20, since=day):
            q.apply(Event.from_data(e["type"], datetime.fromisoformat(e["at"]), e["data"]))
        t0 = time.perf_counter()
        for e in store.events(hall, after=after - 20, limit=5000, since=day):
            q.apply(Event.from_data(e["type"], datetime.fromisoformat(e["at"]), e["data"]))
        catch_up = time.perf_counter() - t0
    finally:
        store.close()
    return {
        "rebuild_ms": round(min(cold) * 1000, 1),
        "catch_up_ms": round(catch_up * 1000, 2),
        "events": after,
    }


# -------------------------------------------------------------------- report


def ninety_days(
    pg: PostgresServer, root: Path, halls: int, today: date, tickets: int
) -> dict[str, Any]:
    """90 busy days of one hall pushed; their summaries copied to ``halls`` halls; the
    90-day report timed on fresh central and PostgreSQL processes."""
    url = pg.new_database("report")
    config = central_toml(root / "report", url, halls, 2, False)
    rules = load_config(EXAMPLE).queue_rules()
    one = list(day_events(rules, today, tickets))
    central = Central(config, None).start()
    try:
        seq = 0
        bodies = []
        for k in range(89, -1, -1):
            d = today - timedelta(days=k)
            shift = timedelta(days=-k)
            rows = []
            for e in one:
                seq += 1
                data = e.to_data()
                if "day" in data:
                    data["day"] = d.isoformat()
                ticket = e.ticket_id
                if ticket:
                    ticket = d.strftime("%Y%m%d") + ticket[8:]
                    if "ticket" in data:
                        data["ticket"] = ticket
                rows.append(
                    {
                        "seq": seq,
                        "type": e.TYPE,
                        "at": (e.at + shift).isoformat(),
                        "day": d.isoformat(),
                        "ticket": ticket,
                        "counter": e.counter_number,
                        "data": data,
                    }
                )
            bodies += [
                json.dumps({"hall": hall_id(1), "events": rows[i : i + 2000]}).encode()
                for i in range(0, len(rows), 2000)
            ]
        t0 = time.perf_counter()
        with api_client(central.base_url, hall_key(1), timeout_s=60) as http:
            for body in bodies:
                r = http.post(
                    f"/central/v1/halls/{hall_id(1)}/events",
                    content=body,
                    headers={"Content-Type": "application/json"},
                )
                assert r.status_code == 200, r.text
        pushed_s = time.perf_counter() - t0
    finally:
        central.stop()
    with psycopg.connect(url, autocommit=True) as conn:
        cols = [
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'hall_day' "
                "AND column_name NOT IN ('hall') ORDER BY ordinal_position"
            ).fetchall()
        ]
        names = ", ".join(cols)
        for i in range(2, halls + 1):
            conn.execute(
                f"INSERT INTO hall_day (hall, {names}) SELECT %s, {names} FROM hall_day "
                "WHERE hall = %s",
                (hall_id(i), hall_id(1)),
            )
        conn.execute("VACUUM ANALYZE hall_day")
        rows = conn.execute("SELECT COUNT(*) FROM hall_day").fetchone()[0]
    pg.restart()
    central = Central(config, None).start()
    try:
        params = {"from": (today - timedelta(days=89)).isoformat(), "to": today.isoformat()}
        with api_client(central.base_url, ADMIN_KEY, timeout_s=60) as http:
            t0 = time.perf_counter()
            r = http.get("/central/v1/fleet/report", params=params)
            cold = time.perf_counter() - t0
            assert r.status_code == 200, r.text
            report = r.json()
            warm = []
            for _ in range(5):
                t0 = time.perf_counter()
                http.get("/central/v1/fleet/report", params=params)
                warm.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            csv = http.get("/central/v1/fleet/export.csv", params=params)
            csv_s = time.perf_counter() - t0
    finally:
        central.stop()
    assert len(report["halls"]) == halls and len(report["days"]) == 90
    return {
        "cold_s": round(cold, 3),
        "warm_s": round(statistics.median(warm), 3),
        "csv_s": round(csv_s, 3),
        "csv_bytes": len(csv.content),
        "halls": halls,
        "days": 90,
        "summary_rows": rows,
        "events_pushed": seq,
        "push_events_per_s": round(seq / pushed_s),
        "tickets_in_report": report["total"]["tickets"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--halls", default="1,50,500")
    ap.add_argument("--tickets", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--central-src", type=Path, help="run central from this checkout instead")
    ap.add_argument("--balance", choices=["reuseport", "shared"], default="reuseport")
    ap.add_argument("--hall-partitions", type=int, default=8, help="hash leaves per month")
    ap.add_argument("--ingest-concurrency", type=int, default=4, help="pushes per worker at once")
    ap.add_argument("--pg-shared-buffers", default="512MB")
    ap.add_argument("--pg-max-wal", default="8GB")
    ap.add_argument("--no-report", action="store_true", help="skip the 90-day report")
    args = ap.parse_args()
    counts = [int(x) for x in args.halls.split(",")]
    root = Path(tempfile.mkdtemp(prefix="kiosk-bench-scale-"))
    print(
        f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores, central "
        f"{'from ' + str(args.central_src) if args.central_src else f'{args.workers} workers'}"
        f" ({args.balance}, {args.hall_partitions} hall partitions per month, "
        f"{args.ingest_concurrency} pushes per worker at once)",
        flush=True,
    )
    pg = PostgresServer(
        root / "pg",
        fsync=True,
        settings={"shared_buffers": args.pg_shared_buffers, "max_wal_size": args.pg_max_wal},
    ).start()
    figures: dict[str, Any] = {}
    shm = Path(tempfile.mkdtemp(prefix="kiosk-bench-halls-", dir="/dev/shm"))
    try:
        yesterday = datetime.now(TZ).date() - timedelta(days=1)
        template, last = template_store(shm, yesterday, args.tickets)
        print(f"a busy day: {args.tickets} tickets, {last} events per hall", flush=True)
        for n in counts:
            f = measure_count(root, pg, n, template, yesterday, last, args)
            figures[str(n)] = f
            print(
                f"{n:>4} halls at once ({n * last:,} events): {f['events_per_s']:,} events/s, "
                f"batch p50 {f['batch_p50_ms']:.0f} ms, p95 {f['batch_p95_ms']:.0f} ms "
                f"(max {f['batch_max_ms']:.0f}), 429s {f['busy_429']}, timeouts "
                f"{f['timeouts']}, stored twice {f['stored_twice']}, duplicates "
                f"{f['duplicates']}, {f['seconds']} s",
                flush=True,
            )
            if "runs_events_per_s" in f:
                print(f"      median of three runs: {f['runs_events_per_s']} events/s", flush=True)
            c = f["cpu_s"]
            print(
                f"      CPU seconds: central's workers {c['central']}, PostgreSQL "
                f"{c['postgres']}, the halls' sync daemons (this process) {c['halls']}",
                flush=True,
            )
            if f["live_queue"]:
                lq = f["live_queue"]
                print(
                    f"      a hall's live queue from the store: rebuilt from its day "
                    f"({lq['events']:,} events) in {lq['rebuild_ms']:.0f} ms, 20 new events "
                    f"read and applied in {lq['catch_up_ms']:.1f} ms",
                    flush=True,
                )
        if not args.no_report and args.central_src is None:
            r = ninety_days(pg, root, max(counts), datetime.now(TZ).date(), args.tickets)
            figures[str(max(counts))]["report_90d"] = r
            print(
                f"90-day fleet report, {r['halls']} halls ({r['summary_rows']:,} day rows): "
                f"cold {r['cold_s']:.2f} s, warm {r['warm_s']:.2f} s; CSV export "
                f"{r['csv_s']:.2f} s ({r['csv_bytes']:,} bytes); the 90 days of one hall "
                f"({r['events_pushed']:,} events) pushed at {r['push_events_per_s']:,} events/s",
                flush=True,
            )
    finally:
        pg.stop()
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(shm, ignore_errors=True)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
