"""Central at province scale: resent sequences, partitions, summaries, back-pressure, workers.

Real HTTP on loopback, a real PostgreSQL server (tests/kiosk/central/pg.py) and SQLite."""

from __future__ import annotations

import csv
import io
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

import psycopg
import pytest

from kiosk.central.cluster import CentralCluster
from kiosk.central.server import CentralServer
from kiosk.central.store import CentralStore
from kiosk.config import load_config
from kiosk.hall.reports import daily_report
from kiosk.queue import events as ev
from kiosk.store import EventStore
from kiosk.sync import fragment
from kiosk.sync.daemon import SyncDaemon, sync_status
from tests.helpers.hall import EXAMPLE
from tests.kiosk.central.support import (
    ADMIN_KEY,
    HALL,
    KEYS,
    OTHER_HALL,
    central_config,
    client,
    running_central,
)
from tests.kiosk.central.test_central import push, stored, wire
from tests.kiosk.sync.dayload import write_day
from tests.kiosk.sync.support import hall_config_file

DAY = date(2026, 11, 23)
CENTRAL_PART = fragment.central_part(EXAMPLE.read_text(encoding="utf-8"))


def on_day(events: list[dict], day: date, first: int = 1) -> list[dict]:
    """The same events moved to another business day, renumbered from ``first``."""
    out = []
    for i, e in enumerate(events):
        at = datetime.fromisoformat(e["at"]).replace(year=day.year, month=day.month, day=day.day)
        data = dict(e["data"])
        if "day" in data:
            data["day"] = day.isoformat()
        out.append(
            {**e, "seq": first + i, "at": at.isoformat(), "day": day.isoformat(), "data": data}
        )
    return out


# ----------------------------------------------------------- resent sequences


def test_a_resent_sequence_with_other_content_is_refused_and_reported(tmp_path, database):
    """Given central holding events 1-50 of a hall, when the hall resends 41-60 with event 45
    changed, then nothing of the batch is stored, the answer is 409 seq_conflict naming 45,
    and the refusal shows in the fleet report; the true events still go in afterwards."""
    events = wire(60)
    with running_central(tmp_path, database) as server, client(server, KEYS[HALL]) as http:
        assert push(http, events[:50]).json()["acked_seq"] == 50
        forged = [dict(e) for e in events[40:60]]
        forged[4] = {**forged[4], "data": {**forged[4]["data"], "counter": 9}}
        assert forged[4]["seq"] == 45
        r = push(http, forged)
        assert r.status_code == 409, r.text
        assert r.json()["error"]["code"] == "seq_conflict" and r.json()["error"]["seq"] == 45
        assert "45" in r.json()["error"]["message"]
        back = stored(server)
        assert [e["seq"] for e in back] == list(range(1, 51))  # 51-60 not stored
        assert back[44]["data"] == events[44]["data"]  # 45 unchanged
        with client(server, ADMIN_KEY) as admin:
            fleet = {h["hall"]: h for h in admin.get("/central/v1/fleet").json()["halls"]}
        assert fleet[HALL]["refusals"] == 1
        assert fleet[HALL]["last_refusal"]["code"] == "seq_conflict"
        # Another time is another event too; the true resend is taken.
        later = [dict(e) for e in events[40:60]]
        later[0]["at"] = (datetime.fromisoformat(later[0]["at"]) + timedelta(seconds=1)).isoformat()
        r = push(http, later)
        assert r.json()["error"]["code"] == "seq_conflict" and r.json()["error"]["seq"] == 41
        assert push(http, events[40:60]).json() == {"hall": HALL, "acked_seq": 60, "stored": 10}


def test_a_hall_whose_log_was_rewritten_sees_the_refusal_in_its_status(tmp_path, database):
    """Given a hall box whose store was replaced by another day's (same numbers, other
    events), when its sync daemon pushes from an older cursor, central refuses and the
    daemon's status says so."""
    with running_central(tmp_path / "central", database) as server:
        cfg = hall_config_file(tmp_path, server.base_url, bills="demo", batch_size=200)
        store = EventStore(cfg.data_path() / "hall.db")
        write_day(store, cfg.queue_rules(), DAY, 60, seed=1)
        store.close()
        with SyncDaemon(cfg) as daemon:
            assert daemon.push_once().ok
        (cfg.data_path() / "hall.db").unlink()
        (cfg.data_path() / "sync.db").unlink()
        store = EventStore(cfg.data_path() / "hall.db")
        write_day(store, cfg.queue_rules(), DAY, 80, seed=2)  # another day, same numbers
        store.close()
        with SyncDaemon(cfg) as daemon:
            daemon._cursor_checked = True  # the lost state is not asked for: resend all
            outcome = daemon.push_once()
        assert not outcome.ok and outcome.refused
        status = sync_status(cfg)
        assert "seq_conflict" in (status["last_error"] or "")
        assert status["pending_batch"]["state"] == "refused"


# ----------------------------------------------------------------- partitions


def test_partitions_are_created_ahead_and_a_month_detaches_keeping_its_figures(tmp_path, pg_server):
    """Given central opened on 2026-11-23, the months to 2027-01 exist, each split by hall;
    pushes into them create nothing; a far month is created on the spot; a detached month's
    events leave the table while its days stay in the fleet report."""
    url = pg_server.new_database()
    store = CentralStore(url, today=DAY)
    try:
        assert store.attached_months() == ["2026-11", "2026-12", "2027-01"]
        assert store.month_leaves("2026-12") == [f"events_y2026m12_h{i}" for i in range(8)]
    finally:
        store.close()
    noon = datetime(2026, 11, 23, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with (
        CentralServer(central_config(tmp_path, url), now=lambda: noon) as server,
        client(server, KEYS[HALL]) as http,
    ):
        assert server.store is not None
        server.store.months_created.clear()
        nov = wire(300)
        dec = on_day(wire(200), date(2026, 12, 1), first=301)
        assert push(http, nov + dec).json()["acked_seq"] == 500
        assert server.store.months_created == []  # no DDL while halls push
        with client(server, KEYS[OTHER_HALL]) as other:
            assert (
                push(other, on_day(wire(10), date(2027, 5, 2)), hall=OTHER_HALL).status_code == 200
            )
        assert server.store.months_created == ["2027-05"]
        # A hall's events of a month sit in one hash leaf.
        with psycopg.connect(url) as conn:
            leaves = conn.execute(
                "SELECT DISTINCT tableoid::regclass::text FROM events WHERE hall = %s "
                "AND day < '2026-12-01'",
                (HALL,),
            ).fetchall()
        assert len(leaves) == 1 and leaves[0][0].startswith("events_y2026m11_h")
        with client(server, ADMIN_KEY) as admin:
            parts = admin.get("/central/v1/partitions").json()
            assert parts["months"] == ["2026-11", "2026-12", "2027-01", "2027-05"]
            before = admin.get(
                "/central/v1/fleet/report", params={"from": "2026-11-01", "to": "2026-12-31"}
            ).json()
            assert server.store.detach_month("2026-11") == "events_y2026m11"
            after = admin.get(
                "/central/v1/fleet/report", params={"from": "2026-11-01", "to": "2026-12-31"}
            ).json()
            assert admin.get("/central/v1/partitions").json()["months"][0] == "2026-12"
        assert [e["seq"] for e in stored(server)] == list(range(301, 501))
        assert after == before and before["total"]["tickets"] > 0  # from the summaries
        with psycopg.connect(url) as conn:  # the table is still there, for archiving
            assert conn.execute("SELECT COUNT(*) FROM events_y2026m11").fetchone()[0] == 300


def test_detach_month_from_the_command_line(tmp_path, pg_server):
    import subprocess
    import sys

    url = pg_server.new_database()
    CentralStore(url, today=DAY).close()
    central_config(tmp_path, url)
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk.cli",
            "central",
            "detach-month",
            "2026-12",
            "--config",
            str(tmp_path / "central.toml"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert "events_y2026m12" in r.stdout and "pg_dump" in r.stdout
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk.cli",
            "central",
            "detach-month",
            "2026-12",
            "--config",
            str(tmp_path / "central.toml"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 1 and "not attached" in r.stderr


# ------------------------------------------------------------------ summaries


def test_the_fleet_figures_are_the_halls_own(tmp_path, database):
    """Given a hall's busy day pushed to central with the hall's configuration there, the
    fleet's figures for that day are the ones the hall's own report gives: tickets, waits
    and their target, service time, overtime, 满意率 (the same direction)."""
    rules = load_config(EXAMPLE).queue_rules()
    with running_central(tmp_path / "central", database) as server:
        with client(server, ADMIN_KEY) as admin:
            assert (
                admin.put(
                    f"/central/v1/halls/{HALL}/config", json={"text": CENTRAL_PART}
                ).status_code
                == 200
            )
        cfg = hall_config_file(tmp_path, server.base_url, bills="demo", batch_size=173)
        store = EventStore(cfg.data_path() / "hall.db")
        write_day(store, rules, DAY, 400)
        # A service past its time limit, with and without the alert.
        store.close()
        with SyncDaemon(cfg) as daemon:
            assert daemon.push_once().ok
        hall = daily_report(cfg.data_path() / "hall.db", rules, DAY)
        with client(server, ADMIN_KEY) as admin:
            mine = {
                h["hall"]: h
                for h in admin.get("/central/v1/fleet", params={"date": DAY.isoformat()}).json()[
                    "halls"
                ]
            }[HALL]
    for key in (
        "done",
        "no_show",
        "mean_wait_s",
        "within_target",
        "mean_service_s",
        "satisfaction",
        "rated",
        "not_rated",
    ):
        assert mine[key] == hall[key], key
    assert mine["tickets"] == hall["issued"] and mine["overtime"] == hall["overdue"]
    assert 0 < mine["satisfaction"] < 1 and 0 < mine["within_target"] < 1


@dataclass(frozen=True, kw_only=True)
class _Complaint(ev.Event):
    TYPE: ClassVar[str] = ""
    complaint: str


@pytest.fixture
def complaint_and_booking_events() -> Iterator[list[str]]:
    """Synthetic complaint.* and booking.* event types, as issues 14 and 15 will add them to
    kiosk/queue/events.py; removed after the test."""
    names = ["complaint.received", "complaint.answered", "booking.created", "booking.no_show"]
    added = []
    for name in names:
        if name not in ev.EVENT_TYPES:
            ev.EVENT_TYPES[name] = type(name.replace(".", "_"), (_Complaint,), {"TYPE": name})
            added.append(name)
    try:
        yield names
    finally:
        for name in added:
            del ev.EVENT_TYPES[name]


def test_complaints_and_bookings_are_counted_from_their_events(
    tmp_path, database, complaint_and_booking_events
):
    base = wire(20)
    at = base[-1]["at"]
    extra = [
        ("complaint.received", "c1"),
        ("complaint.received", "c2"),
        ("complaint.answered", "c1"),
        ("booking.created", "b1"),
        ("booking.created", "b2"),
        ("booking.created", "b3"),
        ("booking.no_show", "b2"),
    ]
    events = base + [
        {
            "seq": 21 + i,
            "type": t,
            "at": at,
            "day": DAY.isoformat(),
            "ticket": None,
            "counter": None,
            "data": {"complaint": ident},
        }
        for i, (t, ident) in enumerate(extra)
    ]
    with running_central(tmp_path, database) as server:
        with client(server, KEYS[HALL]) as http:
            assert push(http, events).json()["acked_seq"] == 27
        with client(server, ADMIN_KEY) as admin:
            day = {
                h["hall"]: h
                for h in admin.get("/central/v1/fleet", params={"date": DAY.isoformat()}).json()[
                    "halls"
                ]
            }
            report = admin.get(
                "/central/v1/fleet/report", params={"from": DAY.isoformat(), "to": DAY.isoformat()}
            ).json()
            text = admin.get(
                "/central/v1/fleet/export.csv",
                params={"from": DAY.isoformat(), "to": DAY.isoformat()},
            ).content.decode("utf-8-sig")
    for figures in (day[HALL], report["total"], report["days"][0]):
        assert figures["complaints"] == {"answered": 1, "received": 2}
        assert figures["bookings"] == 3 and figures["booking_no_shows"] == 1
    assert day[OTHER_HALL]["complaints"] == {} and day[OTHER_HALL]["bookings"] == 0
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["投诉数"] == "3" and row["预约数"] == "3" and row["预约爽约数"] == "1"


def test_the_csv_export_opens_in_excel_and_the_period_report_adds_up(tmp_path, database):
    """Three days of two halls: the CSV (UTF-8 with a byte-order mark, Chinese headers) has a
    line per hall and day; the period report's totals are the sums of its days."""
    days = [date(2026, 11, 21), date(2026, 11, 22), date(2026, 11, 23)]
    with running_central(tmp_path, database) as server:
        for hall in (HALL, OTHER_HALL):
            with client(server, KEYS[hall]) as http:
                seq = 1
                for d in days:
                    batch = on_day(wire(250 if hall == HALL else 120), d, first=seq)
                    assert push(http, batch, hall=hall).status_code == 200
                    seq += len(batch)
        with client(server, ADMIN_KEY) as admin:
            r = admin.get(
                "/central/v1/fleet/export.csv", params={"from": "2026-11-21", "to": "2026-11-23"}
            )
            report = admin.get(
                "/central/v1/fleet/report", params={"from": "2026-11-21", "to": "2026-11-23"}
            ).json()
            bad = admin.get(
                "/central/v1/fleet/report", params={"from": "2026-11-23", "to": "2026-11-21"}
            )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")  # Excel takes it as UTF-8
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [(x["营业厅编号"], x["日期"]) for x in rows] == [
        (h, d.isoformat()) for h in sorted((HALL, OTHER_HALL)) for d in days
    ]
    assert rows[0]["营业厅"] == f"{HALL} 营业厅"
    assert all(0 <= float(x["满意率"]) <= 1 for x in rows)
    assert sum(int(x["取号数"]) for x in rows) == report["total"]["tickets"]
    assert sum(d["tickets"] for d in report["days"]) == report["total"]["tickets"]
    assert sum(h["tickets"] for h in report["halls"]) == report["total"]["tickets"]
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_request"


# ------------------------------------------------------------- hall isolation

# Every route, and who may use it: the test fails when a route is added without a line here.
ROUTES = {
    ("GET", "/central/v1/health"): "anyone",
    ("GET", "/central/v1/fleet"): "admin",
    ("GET", "/central/v1/fleet/report"): "admin",
    ("GET", "/central/v1/fleet/export.csv"): "admin",
    ("GET", "/central/v1/partitions"): "admin",
    ("GET", "/central/v1/halls/{hall}/days"): "own-or-admin",
    ("POST", "/central/v1/halls/{hall}/events"): "own",
    ("GET", "/central/v1/halls/{hall}/cursor"): "own",
    ("GET", "/central/v1/halls/{hall}/events"): "admin",
    ("GET", "/central/v1/halls/{hall}/config"): "own-or-admin",
    ("PUT", "/central/v1/halls/{hall}/config"): "admin",
    ("GET", "/central/v1/halls/{hall}/notices"): "own-or-admin",
    ("PUT", "/central/v1/notices/{notice_id}"): "admin",
    ("DELETE", "/central/v1/notices/{notice_id}"): "admin",
    ("GET", "/central/v1/bills/{account}"): "any-hall",
}


def test_every_route_keeps_the_halls_apart(tmp_path, database):
    """Given two halls, for every route of the OpenAPI document: another hall's key never
    reads or writes this hall's data, a hall key never does an operator's work, no key gets
    nothing; and nothing was written by the refused calls."""
    with running_central(tmp_path, database) as server:
        with client(server, None) as anon:
            doc = anon.get("/openapi.json").json()
        routes = {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}
        assert routes == set(ROUTES)
        bodies = {
            "/events": {"hall": HALL, "events": wire(3)},
            "/config": {"text": CENTRAL_PART},
            "/notices/": {"title": "x"},
        }
        for (method, path), who in ROUTES.items():
            url = (
                path.replace("{hall}", HALL)
                .replace("{notice_id}", "n1")
                .replace("{account}", "3100000001")
            )
            body = next((b for k, b in bodies.items() if k in path), None)
            for key, allowed in (
                (KEYS[OTHER_HALL], who in ("anyone", "any-hall")),
                (None, who == "anyone"),
                ("not-a-key-of-anyone-0123", who == "anyone"),
                (KEYS[HALL], who in ("anyone", "any-hall", "own", "own-or-admin")),
            ):
                with client(server, key) as http:
                    r = (
                        http.request(method, url, json=body)
                        if method in ("POST", "PUT")
                        else http.request(method, url)
                    )
                refused = r.status_code in (401, 403)
                assert refused != allowed, (method, path, key, r.status_code, r.text[:200])
        with client(server, ADMIN_KEY) as admin:
            # Only the hall's own push went in: its 3 events, nothing in the other hall.
            mine = admin.get(f"/central/v1/halls/{HALL}/events").json()
            assert [e["seq"] for e in mine] == [1, 2, 3]
            assert admin.get(f"/central/v1/halls/{OTHER_HALL}/events").json() == []
            assert (
                admin.get(f"/central/v1/halls/{HALL}/config").status_code == 404
            )  # hall keys could not set it
            assert admin.get(f"/central/v1/halls/{OTHER_HALL}/days").json()["days"] == []


# ------------------------------------------------------------- back-pressure


def hold_hall_row(url: str, hall: str) -> psycopg.Connection:
    """Lock a hall's row in hall_state as a long push would; ``rollback()`` releases it."""
    conn = psycopg.connect(url)
    conn.execute(
        "INSERT INTO hall_state (hall, last_seq, events) VALUES (%s, 0, 0) ON CONFLICT DO NOTHING",
        (hall,),
    )
    conn.commit()
    conn.execute("SELECT 1 FROM hall_state WHERE hall = %s FOR UPDATE", (hall,))
    return conn


def test_a_busy_worker_answers_429_with_retry_after_and_the_daemon_waits_it_out(
    tmp_path, pg_server
):
    """Given a worker that stores one push at a time and lets none wait, while one push is
    being stored, another hall's push is answered 429 with Retry-After at once and nothing
    of it is stored; its sync daemon records no failure and keeps the batch ready; once
    central is free the batch goes in, once."""
    url = pg_server.new_database()
    settings = {"ingest_concurrency": 1, "ingest_queue": 0}
    with running_central(tmp_path / "central", url, settings=settings) as server:
        held = hold_hall_row(url, OTHER_HALL)
        first: dict = {}

        def slow_push() -> None:
            with client(server, KEYS[OTHER_HALL], timeout_s=30) as other:
                first["r"] = push(other, wire(5), hall=OTHER_HALL)

        t = threading.Thread(target=slow_push)
        t.start()
        try:
            gate = server._api.app.state.ctx.gate if server._api else None
            deadline = time.monotonic() + 10
            while gate is not None and gate.active == 0:
                assert time.monotonic() < deadline
                time.sleep(0.01)
            cfg = hall_config_file(tmp_path, server.base_url, bills="demo")
            store = EventStore(cfg.data_path() / "hall.db")
            last = write_day(store, cfg.queue_rules(), DAY, 40)
            store.close()
            with client(server, KEYS[HALL]) as http:
                t0 = time.monotonic()
                r = push(http, wire(5))
                assert time.monotonic() - t0 < 2  # answered at once, not after the held push
            assert r.status_code == 429 and r.json()["error"]["code"] == "busy"
            assert int(r.headers["retry-after"]) >= 1 and r.json()["error"]["retry_after_s"] >= 1
            with SyncDaemon(cfg) as daemon:
                outcome = daemon.push_once()
                assert not outcome.ok and outcome.retry_after_s is not None
                assert outcome.retry_after_s >= 1 and daemon.busy_answers == 1
                status = sync_status(cfg)
                assert status["failures"] == 0 and status["last_error"] is None
                assert status["pending_batch"]["state"] == "ready"
                assert server.store is not None and server.store.acked_seq(HALL) == 0
                held.rollback()  # the push in progress ends
                t.join(timeout=20)
                assert first["r"].status_code == 200
                assert daemon.push_once().ok
        finally:
            held.close()
            t.join(timeout=20)
        assert sorted(server.store.event_seqs(HALL)) == list(range(1, last + 1))
        with client(server, None) as anon:
            assert anon.get("/central/v1/health").json()["busy_refusals"] == 2


def test_a_timed_out_push_shrinks_the_batches_and_nothing_is_stored_twice(tmp_path, pg_server):
    """Given central slower than the daemon's timeout (the hall's row held), the push times
    out, the daemon quarters its batches; once central answers, every event is held once."""
    url = pg_server.new_database()
    with running_central(tmp_path / "central", url) as server:
        cfg = hall_config_file(
            tmp_path, server.base_url, bills="demo", timeout_s=0.5, batch_size=400
        )
        store = EventStore(cfg.data_path() / "hall.db")
        last = write_day(store, cfg.queue_rules(), DAY, 120)
        store.close()
        assert last > 400
        held = hold_hall_row(url, HALL)
        try:
            with SyncDaemon(cfg) as daemon:
                outcome = daemon.push_once()
                assert not outcome.ok and daemon.batch_size == 100
                assert "did not answer in time" in (sync_status(cfg)["last_error"] or "")
                held.rollback()  # central goes on: the first push is stored now
                deadline = time.monotonic() + 20
                while server.store is not None and server.store.acked_seq(HALL) == 0:
                    assert time.monotonic() < deadline
                    time.sleep(0.05)
                while not daemon.push_once().ok:
                    assert time.monotonic() < deadline
                    time.sleep(0.2)
        finally:
            held.close()
        assert server.store is not None
        seqs = server.store.event_seqs(HALL)
        assert sorted(seqs) == list(range(1, last + 1))  # once each


# -------------------------------------------------------------------- workers


def test_workers_share_one_port_and_a_dead_worker_is_replaced(tmp_path, database):
    """Given central as two worker processes, connections are answered by both; when one
    dies, the supervisor starts another and pushes go on."""
    cfg = central_config(tmp_path, database, settings={"workers": 2})
    with CentralCluster(cfg) as cluster:
        assert len(cluster.pids) == 2
        seen: set[int] = set()
        deadline = time.monotonic() + 20
        while len(seen) < 2:
            assert time.monotonic() < deadline, seen
            with client(cluster, None) as http:  # a new connection each time
                seen.add(http.get("/central/v1/health").json()["worker"])
        assert seen == set(cluster.pids)
        victim = cluster.pids[0]
        os.kill(victim, signal.SIGKILL)
        while cluster.restarts == 0 or len(cluster.pids) < 2:
            assert time.monotonic() < deadline + 20
            time.sleep(0.1)
        assert victim not in cluster.pids
        with client(cluster, KEYS[HALL]) as http:
            for i in range(0, 300, 100):
                r = push(http, wire(100, first=i + 1))
                assert r.status_code == 200, r.text
        with client(cluster, ADMIN_KEY) as admin:
            got = admin.get(f"/central/v1/halls/{HALL}/events", params={"limit": 1000}).json()
        assert [e["seq"] for e in got] == list(range(1, 301))


# ---------------------------------------------------------------- schema 1 → 2

V1_EVENTS = {
    "sqlite": [
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE hall_state (hall TEXT PRIMARY KEY, last_seq INTEGER NOT NULL, "
        "events INTEGER NOT NULL, last_push_at TEXT)",
        "CREATE TABLE events (hall TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, "
        "at TEXT NOT NULL, day TEXT NOT NULL, ticket TEXT, counter INTEGER, data TEXT NOT NULL, "
        "received_at TEXT NOT NULL, PRIMARY KEY (hall, seq))",
        "CREATE INDEX events_day ON events (day, hall)",
    ],
    "postgresql": [
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE hall_state (hall TEXT PRIMARY KEY, last_seq BIGINT NOT NULL, "
        "events BIGINT NOT NULL, last_push_at TIMESTAMPTZ)",
        "CREATE TABLE events (hall TEXT NOT NULL, seq BIGINT NOT NULL, type TEXT NOT NULL, "
        "at TIMESTAMPTZ NOT NULL, day DATE NOT NULL, ticket TEXT, counter INTEGER, "
        "data JSONB NOT NULL, received_at TIMESTAMPTZ NOT NULL, "
        "PRIMARY KEY (hall, seq, day)) PARTITION BY RANGE (day)",
        "CREATE TABLE events_default PARTITION OF events DEFAULT",
        "CREATE TABLE events_y2026m11 PARTITION OF events "
        "FOR VALUES FROM ('2026-11-01') TO ('2026-12-01')",
        "CREATE INDEX events_day ON events (day, hall)",
    ],
}


def test_a_schema_1_database_is_upgraded_with_its_figures(tmp_path, database):
    """Given a central database of schema 1 holding a hall's events (on PostgreSQL some in
    the old default partition), when this central opens it, the events are all there, the
    default partition is gone, the day figures are computed from the stored events, and
    pushes go on from the hall's cursor."""
    import json
    import sqlite3

    events = wire(300)
    dec = on_day(wire(100), date(2026, 12, 2), first=301)
    rows = [
        (
            HALL,
            e["seq"],
            e["type"],
            e["at"],
            e["day"],
            e["ticket"],
            e["counter"],
            json.dumps(e["data"]),
            e["at"],
        )
        for e in events + dec
    ]
    if database.startswith("sqlite"):
        conn: object = sqlite3.connect(database[len("sqlite:///") :])
        mark, backend = "?", "sqlite"
    else:
        conn = psycopg.connect(database, autocommit=True)
        mark, backend = "%s", "postgresql"
    for stmt in V1_EVENTS[backend]:
        conn.execute(stmt)  # type: ignore[attr-defined]
    conn.execute("INSERT INTO meta VALUES ('schema', '1')")  # type: ignore[attr-defined]
    conn.execute(f"INSERT INTO hall_state VALUES ({mark}, 400, 400, NULL)", (HALL,))  # type: ignore[attr-defined]
    cur = conn.cursor()  # type: ignore[attr-defined]
    cur.executemany(f"INSERT INTO events VALUES ({', '.join([mark] * 9)})", rows)
    if backend == "sqlite":
        conn.commit()  # type: ignore[attr-defined]
    conn.close()  # type: ignore[attr-defined]
    with running_central(tmp_path, database) as server, client(server, ADMIN_KEY) as admin:
        assert [e["seq"] for e in stored(server)] == list(range(1, 401))
        day = admin.get(
            "/central/v1/halls/" + HALL + "/days", params={"from": "2026-11-23", "to": "2026-12-02"}
        ).json()
        assert [d["date"] for d in day["days"]] == ["2026-11-23", "2026-12-02"]
        assert day["days"][0]["tickets"] == sum(e["type"] == "ticket.issued" for e in events)
        assert day["days"][1]["tickets"] == sum(e["type"] == "ticket.issued" for e in dec)
        if backend == "postgresql":
            months = admin.get("/central/v1/partitions").json()["months"]
            assert "2026-11" in months and "2026-12" in months
            assert server.store is not None and server.store.month_leaves(
                "2026-12"
            )  # split by hall
            with psycopg.connect(database) as pg:
                assert pg.execute("SELECT to_regclass('events_default')").fetchone()[0] is None
        with client(server, KEYS[HALL]) as http:
            more = on_day(wire(20), date(2026, 12, 2), first=401)
            assert push(http, more).json()["acked_seq"] == 420


def test_the_scale_settings_are_checked_with_their_key_and_line(tmp_path):
    from kiosk.central.config import parse_central_config
    from kiosk.config import ConfigError

    central_config(tmp_path, "sqlite:///c.db", settings={"workers": 3, "ingest_max_wait_s": 1.5})
    text = (tmp_path / "central.toml").read_text(encoding="utf-8")
    cfg = parse_central_config(text, "c.toml")
    assert cfg.central.workers == 3 and cfg.central.ingest_max_wait_s == 1.5
    assert cfg.central.hall_partitions == 8 and cfg.central.ingest_concurrency == 4
    for bad, key in (
        ("workers = 3", "central.workers"),
        ("ingest_max_wait_s = 1.5", "central.ingest_max_wait_s"),
    ):
        spoiled = text.replace(bad, bad.split(" = ")[0] + " = -1")
        with pytest.raises(ConfigError) as exc:
            parse_central_config(spoiled, "c.toml")
        assert exc.value.key == key and exc.value.line is not None
    with pytest.raises(ConfigError, match="hall_partitions"):
        parse_central_config(
            text.replace("workers = 3", "workers = 3\nhall_partitions = 0"), "c.toml"
        )
