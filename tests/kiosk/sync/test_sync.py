"""The sync daemon against a real central on loopback, with a real hall store and daemon."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

from kiosk.central.demo_data import demo_accounts
from kiosk.central.server import CentralServer
from kiosk.clock import FakeClock
from kiosk.store import EventStore
from kiosk.sync import fragment
from kiosk.sync.daemon import SyncDaemon, sync_status
from kiosk.sync.outbox import BatchState, Outbox
from tests.helpers.hall import EXAMPLE, KIOSK, MANAGER, morning, running_hall
from tests.kiosk.central.support import (
    ADMIN_KEY,
    HALL,
    central_config,
    client,
    make_tls,
    running_central,
)
from tests.kiosk.sync.dayload import day_events, write_day
from tests.kiosk.sync.support import SYNC_TOKEN, hall_config_file, running_sync, wait_until

ROOT = Path(__file__).resolve().parents[3]
DAY = date(2026, 11, 23)


def central_events(server: CentralServer) -> list[dict]:
    assert server.store is not None
    out: list[dict] = []
    while True:
        page = server.store.events(HALL, after=out[-1]["seq"] if out else 0, limit=5000)
        if not page:
            return out
        out += page


def hall_events(store: EventStore) -> list[dict]:
    return [
        {"seq": s.seq, "type": s.event.TYPE, "at": s.event.at, "data": s.event.to_data()}
        for s in store.events()
    ]


def assert_same(server: CentralServer, store: EventStore) -> None:
    """Central holds exactly the hall's log: every event once, in order, the same content."""
    theirs = central_events(server)
    ours = hall_events(store)
    assert [e["seq"] for e in theirs] == [e["seq"] for e in ours]  # nothing lost or twice
    assert server.store is not None
    assert sorted(server.store.event_seqs(HALL)) == list(range(1, len(ours) + 1))
    assert [(e["type"], datetime.fromisoformat(e["at"]), e["data"]) for e in theirs] == [
        (e["type"], e["at"], e["data"]) for e in ours
    ]


def test_a_busy_day_arrives_exactly_once_while_the_hall_writes(tmp_path, database):
    """Given a hall writing its day in bursts while the sync daemon runs, when the day is
    over, central holds every event exactly once and the daemon reports no backlog."""
    with running_central(tmp_path / "central", database) as server:
        cfg = hall_config_file(tmp_path, server.base_url, bills="demo", pull_interval_s=3600.0)
        store = EventStore(cfg.data_path() / "hall.db")
        try:
            with running_sync(cfg):
                events = list(day_events(cfg.queue_rules(), DAY, 600))
                for i in range(0, len(events), 97):  # the day goes on while sync pushes
                    store.append(events[i : i + 97])
                last = store.last_seq()
                wait_until(lambda: sync_status(cfg)["acked_seq"] == last, message="all acked")
            assert_same(server, store)
            status = sync_status(cfg)
            assert status["backlog"] == 0 and status["last_success_at"]
            # No hall daemon runs here: handing over notices failed, pushing never did.
            assert (status["last_error"] or "the hall daemon").startswith("the hall daemon")
        finally:
            store.close()


def test_central_down_for_hours_then_back_loses_and_duplicates_nothing(tmp_path):
    """Given central goes down after the morning, when the afternoon's events pile up and
    central comes back hours later, everything arrives, nothing twice; `kiosk sync status`
    shows the backlog and the error meanwhile."""
    cdir = tmp_path / "central"
    cdir.mkdir()
    server = CentralServer(central_config(cdir, f"sqlite:///{cdir / 'central.db'}")).start()
    port = server.port
    cfg = hall_config_file(tmp_path, server.base_url, bills="demo", pull_interval_s=3600.0)
    store = EventStore(cfg.data_path() / "hall.db")
    events = list(day_events(cfg.queue_rules(), DAY, 800))
    noon = next(i for i, e in enumerate(events) if e.at.hour >= 12)
    morning_part, afternoon = events[:noon], events[noon:]
    try:
        with running_sync(cfg):
            store.append(morning_part)
            wait_until(lambda: sync_status(cfg)["acked_seq"] == len(morning_part))
            server.stop()  # central's machine room loses power at noon
            for i in range(0, len(afternoon), 200):
                store.append(afternoon[i : i + 200])
            wait_until(lambda: sync_status(cfg)["failures"] >= 3, message="retries")
            status = kiosk("sync", "status", "--config", cfg.source)
            assert status.returncode == 1, status.stdout
            assert f"{len(afternoon)} events" in status.stdout
            assert "central unreachable" in status.stdout
            assert afternoon[-1].at.hour >= 16  # hours of events waited in the hall
            server = CentralServer(
                central_config(cdir, f"sqlite:///{cdir / 'central.db'}"), port=port
            ).start()
            wait_until(lambda: sync_status(cfg)["acked_seq"] == len(events), message="caught up")
        assert_same(server, store)
        status = kiosk("sync", "status", "--config", cfg.source)
        assert status.returncode == 0, status.stdout
        assert "0 events" in status.stdout
    finally:
        server.stop()
        store.close()


def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_a_batch_left_in_flight_by_a_crash_is_sent_again_and_the_cursor_waits(tmp_path):
    """The outbox's state machine: the cursor moves only on central's answer; a batch in
    flight when the process died is ready again at the next start."""
    box = Outbox(tmp_path / "sync.db")
    batch = box.next_batch(hall_last_seq=1200, batch_size=500, now=morning())
    assert batch is not None and (batch.first_seq, batch.last_seq) == (1, 500)
    box.mark_in_flight(batch, morning())
    box.close()  # killed before central answered
    box = Outbox(tmp_path / "sync.db")
    assert box.recovered == 1 and box.acked_seq == 0
    again = box.next_batch(hall_last_seq=1300, batch_size=500, now=morning())
    assert again is not None and (again.id, again.first_seq, again.last_seq) == (batch.id, 1, 500)
    assert again.state is BatchState.READY
    box.acked(again, 500, morning())
    nxt = box.next_batch(hall_last_seq=1300, batch_size=500, now=morning())
    assert nxt is not None and (nxt.first_seq, nxt.last_seq) == (501, 1000)
    assert box.acked_seq == 500
    box.close()


def test_retries_back_off_exponentially_with_jitter_up_to_the_cap(tmp_path):
    import random

    cfg = hall_config_file(tmp_path, "http://127.0.0.1:9", backoff_max_s=60.0)
    with SyncDaemon(cfg, rng=random.Random(3)) as daemon:
        delays = [daemon.backoff(n) for n in range(1, 12)]
    steps = [min(60.0, 0.5 * 2**n) for n in range(1, 12)]
    assert all(s / 2 <= d <= s for d, s in zip(delays, steps, strict=True))
    assert len({round(d / s, 3) for d, s in zip(delays, steps, strict=True)}) > 5  # jittered
    assert max(delays) <= 60.0


PART = fragment.central_part(EXAMPLE.read_text(encoding="utf-8"))
NEW_SERVICE = """
[[services]]
code = "F"
name = "新能源充电桩报装"
name_en = "EV charger connection"
target_wait_min = 20
time_limit_min = 30
default_service_min = 15

[[counters]]
number = 5
services = ["F", "A"]
policy = "service-order"

[[tokens]]
token = "central-issued-display-0002"
role = "display"
name = "second-display"
"""


def test_config_from_central_reaches_the_hall_without_losing_waiting_tickets(tmp_path):
    """Given five customers waiting, when central adds a service and a counter, the hall
    applies it while running: all five still wait with their numbers, the new service takes
    tickets, the file on disk keeps the box's own settings, tokens follow central."""
    with running_central(tmp_path / "central") as server:
        cfg = hall_config_file(tmp_path, server.base_url, bills="demo")
        with running_hall(tmp_path, config=cfg) as (app, api, _):
            waiting = [api.issue(s)["number"] for s in "AABCE"]
            display = (
                '[[tokens]]\ntoken = "change-me-hall-display-0001"\nrole = "display"\n'
                'name = "hall-display"\n'
            )
            assert display in PART
            fragment_text = PART.replace(display, "") + (
                f'\n[[tokens]]\ntoken = "{SYNC_TOKEN}"\nrole = "sync"\nname = "sync-daemon"\n'
                + NEW_SERVICE
            )
            with client(server, ADMIN_KEY) as admin:
                r = admin.put(f"/central/v1/halls/{HALL}/config", json={"text": fragment_text})
                assert r.status_code == 200, r.text
            with running_sync(cfg, hall_base_url=app.base_url):
                wait_until(
                    lambda: sync_status(cfg)["config_digest"] == fragment.digest(fragment_text),
                    message="config applied",
                )
            queue = api.call("GET", "/queue", token=MANAGER).json()
            assert [s["service"] for s in queue["services"]] == list("ABCDEF")
            assert [c["counter"] for c in queue["counters"]] == [1, 2, 3, 4, 5]
            assert sum(s["waiting"] for s in queue["services"]) == 5
            for number in waiting:  # nobody waiting was dropped
                tid = f"20261123-{number}"
                assert api.call("GET", f"/tickets/{tid}").json()["status"] == "waiting"
            assert api.issue("F")["number"] == "F001"
            r = api.call("POST", "/counters/5/call-next", token=MANAGER)
            assert r.status_code == 200 and r.json()["number"] == "F001"
            # Tokens: central's new display token works, the one it dropped no longer does.
            assert api.call("GET", "/queue", token="central-issued-display-0002").status_code == 200
            assert api.call("GET", "/queue", token="change-me-hall-display-0001").status_code == 401
            assert app.store is not None
            kinds = [s.event for s in app.store.events() if s.event.TYPE == "hall.reconfigured"]
            assert [(e.source, e.digest) for e in kinds] == [
                ("central", fragment.digest(fragment_text))
            ]
        saved = Path(cfg.source).read_text(encoding="utf-8")
        assert 'code = "F"' in saved and f'data_dir = "{tmp_path / "data"}"' in saved
        assert "[sync]" in saved and saved.count("[[services]]") == 6
        assert Path(cfg.source + ".prev").exists()
        # A restart starts with what central sent.
        from kiosk.config import load_config

        restarted = load_config(cfg.source)
        assert [s.code for s in restarted.services] == list("ABCDEF")
        with running_hall(tmp_path, config=restarted) as (_, api2, _):
            for number in waiting:
                assert api2.call("GET", f"/tickets/20261123-{number}").json()["status"] == "waiting"


def test_the_hall_refuses_a_configuration_that_would_lock_the_sync_daemon_out(tmp_path):
    with running_central(tmp_path / "central") as server:
        cfg = hall_config_file(tmp_path, server.base_url, bills="demo")
        with running_hall(tmp_path, config=cfg) as (app, api, _):
            api.issue("A")
            before = Path(cfg.source).read_text(encoding="utf-8")
            r = api.call("PUT", "/admin/config", token=SYNC_TOKEN, json={"text": PART})
            assert r.status_code == 409 and r.json()["error"]["code"] == "would_lock_out"
            r = api.call(
                "PUT", "/admin/config", token=SYNC_TOKEN, json={"text": "[printer]\nurl = 'x'\n"}
            )
            assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_config"
            r = api.call("PUT", "/admin/config", token=KIOSK, json={"text": PART})
            assert r.status_code == 403
            assert Path(cfg.source).read_text(encoding="utf-8") == before
            assert api.call("GET", "/queue").json()["services"][0]["waiting"] == 1
            # Central has it, the hall refuses it: the daemon reports it and keeps running.
            with client(server, ADMIN_KEY) as admin:
                assert (
                    admin.put(f"/central/v1/halls/{HALL}/config", json={"text": PART}).status_code
                    == 200
                )
            with running_sync(cfg, hall_base_url=app.base_url):
                wait_until(
                    lambda: "refused central's configuration" in str(sync_status(cfg)["last_error"])
                )
            assert Path(cfg.source).read_text(encoding="utf-8") == before


def test_outage_notices_from_central_become_events_and_are_listed(tmp_path):
    with running_central(tmp_path / "central") as server:
        cfg = hall_config_file(tmp_path, server.base_url, bills="demo")
        with (
            running_hall(tmp_path, config=cfg) as (app, api, _),
            client(server, ADMIN_KEY) as admin,
        ):
            r = admin.put(
                "/central/v1/notices/tianhe-1125",
                json={
                    "title": "计划停电通知",
                    "body": "11月25日8:00-17:00，天河路1-99号停电检修。",
                    "area": "天河路1-99号",
                    "ends_at": "2099-01-01T00:00:00+08:00",
                    "halls": [HALL],
                },
            )
            assert r.status_code == 200
            with running_sync(cfg, hall_base_url=app.base_url):
                wait_until(lambda: api.call("GET", "/notices").json()["notices"])
                shown = api.call("GET", "/notices").json()["notices"]
                assert [(n["id"], n["title"], n["area"]) for n in shown] == [
                    ("tianhe-1125", "计划停电通知", "天河路1-99号")
                ]
                assert admin.delete("/central/v1/notices/tianhe-1125").status_code == 204
                wait_until(lambda: not api.call("GET", "/notices").json()["notices"])
            assert app.store is not None
            changes = [
                (s.event.notice, s.event.withdrawn)
                for s in app.store.events()
                if s.event.TYPE == "notice.changed"
            ]
            assert changes == [("tianhe-1125", False), ("tianhe-1125", True)]


def test_bill_lookup_works_from_cache_with_central_down_and_says_so(tmp_path):
    """Given a customer looked up their bill while central was up, when central is down,
    the kiosk still shows that bill, marked cached with the time it is as of; an account
    never seen gets a clear 'try later', not an error page."""
    clock = FakeClock(morning())
    with running_central(tmp_path / "central") as server:
        assert server.store is not None
        server.store.load_accounts(demo_accounts(morning(), 10), morning())
        cfg = hall_config_file(tmp_path, server.base_url, bills_timeout_s=1.0)
        with running_hall(tmp_path, clock=clock, config=cfg) as (_, api, _):
            online = api.call("GET", "/bills/3100000003")
            assert online.status_code == 200, online.text
            assert online.json()["cached"] is False
            assert api.call("GET", "/bills/3100000999").status_code == 404
            server.stop()
            clock.advance(3 * 3600)
            cached = api.call("GET", "/bills/3100000003")
            assert cached.status_code == 200
            body = cached.json()
            assert body["cached"] is True and body["as_of"] == online.json()["as_of"]
            assert {k: v for k, v in body.items() if k != "cached"} == {
                k: v for k, v in online.json().items() if k != "cached"
            }
            r = api.call("GET", "/bills/3100000004")
            assert r.status_code == 503 and r.json()["error"]["code"] == "bills_unavailable"
            assert r.json()["error"]["message"].startswith("暂时无法查询电费")
            r = api.call("GET", "/bills/3100000004", headers={"Accept-Language": "en"})
            assert r.json()["error"]["message"].startswith("Bills cannot be looked up")
            clock.advance(80 * 3600)  # past bills_cache_max_age_h: too old to show
            assert api.call("GET", "/bills/3100000003").status_code == 503


def test_the_daemon_verifies_centrals_certificate(tmp_path):
    ca, cert, key = make_tls(tmp_path)
    with running_central(tmp_path / "central", tls=(cert, key)) as server:
        for trust, expect_ok in (("", False), (str(ca), True)):
            box = tmp_path / ("trusting" if trust else "untrusting")
            box.mkdir()
            cfg = hall_config_file(box, server.base_url, bills="demo", ca_file=trust)
            store = EventStore(cfg.data_path() / "hall.db")
            store.append(list(day_events(cfg.queue_rules(), DAY, 5)))
            with SyncDaemon(cfg) as daemon:
                outcome = daemon.push_once()
            status = sync_status(cfg)
            store.close()
            assert outcome.ok is expect_ok
            if expect_ok:
                assert status["backlog"] == 0
            else:
                assert "TLS" in str(status["last_error"])


def test_a_new_box_asks_central_where_it_is_instead_of_resending_everything(tmp_path):
    with running_central(tmp_path / "central") as server:
        cfg = hall_config_file(tmp_path, server.base_url, bills="demo", batch_size=100)
        store = EventStore(cfg.data_path() / "hall.db")
        write_day(store, cfg.queue_rules(), DAY, 100)
        with SyncDaemon(cfg) as daemon:
            assert daemon.push_once().sent == store.last_seq()
        Path(cfg.data_path() / "sync.db").unlink()  # the sync state is lost
        for suffix in ("-wal", "-shm"):
            Path(cfg.data_path() / f"sync.db{suffix}").unlink(missing_ok=True)
        with SyncDaemon(cfg) as daemon:
            assert daemon.push_once().sent == 0
        assert sync_status(cfg)["acked_seq"] == store.last_seq()
        assert_same(server, store)
        store.close()
