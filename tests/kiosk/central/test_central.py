"""Central over real HTTP on loopback, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from datetime import date, datetime

import httpx
import pytest

from kiosk.central.store import CentralStore
from kiosk.config import ConfigError
from kiosk.sync import fragment
from tests.helpers.hall import EXAMPLE, morning
from tests.kiosk.central.support import (
    ADMIN_KEY,
    HALL,
    KEYS,
    OTHER_HALL,
    central_config,
    client,
    make_tls,
    running_central,
)
from tests.kiosk.sync.dayload import day_events

DAY = date(2026, 11, 23)


def wire(n: int, first: int = 1, tickets: int = 400) -> list[dict]:
    """``n`` events of a real day as a hall sends them, numbered from ``first``."""
    from kiosk.config import load_config

    rules = load_config(EXAMPLE).queue_rules()
    out = []
    for i, e in enumerate(day_events(rules, DAY, tickets)):
        if i + 1 < first:
            continue
        if len(out) == n:
            break
        out.append(
            {
                "seq": i + 1,
                "type": e.TYPE,
                "at": e.at.isoformat(),
                "day": DAY.isoformat(),
                "ticket": e.ticket_id,
                "counter": e.counter_number,
                "data": e.to_data(),
            }
        )
    return out


def push(http: httpx.Client, events: list[dict], hall: str = HALL, claimed: str | None = None):
    return http.post(
        f"/central/v1/halls/{hall}/events", json={"hall": claimed or hall, "events": events}
    )


def stored(server, hall: str = HALL) -> list[dict]:
    with client(server, ADMIN_KEY) as admin:
        r = admin.get(f"/central/v1/halls/{hall}/events", params={"limit": 10000})
        assert r.status_code == 200, r.text
        return r.json()


def test_a_batch_sent_twice_is_stored_once(tmp_path, database):
    events = wire(120)
    with running_central(tmp_path, database) as server, client(server, KEYS[HALL]) as http:
        first = push(http, events[:80])
        assert first.status_code == 200, first.text
        assert first.json() == {"hall": HALL, "acked_seq": 80, "stored": 80}
        again = push(http, events[:80])  # the answer was lost; the hall sends it again
        assert again.json() == {"hall": HALL, "acked_seq": 80, "stored": 0}
        overlap = push(http, events[60:120])  # resent from an older cursor
        assert overlap.json() == {"hall": HALL, "acked_seq": 120, "stored": 40}
        back = stored(server)
        assert [e["seq"] for e in back] == list(range(1, 121))
        assert [(e["type"], e["data"]) for e in back] == [(e["type"], e["data"]) for e in events]
        assert [datetime.fromisoformat(e["at"]) for e in back] == [
            datetime.fromisoformat(e["at"]) for e in events
        ]
        assert server.store is not None and sorted(server.store.event_seqs(HALL)) == list(
            range(1, 121)
        )


def test_a_batch_after_a_gap_is_refused_and_says_what_central_holds(tmp_path, database):
    events = wire(30)
    with running_central(tmp_path, database) as server, client(server, KEYS[HALL]) as http:
        assert push(http, events[:10]).status_code == 200
        r = push(http, events[20:30])
        assert r.status_code == 409
        assert r.json()["error"]["code"] == "gap" and r.json()["error"]["acked_seq"] == 10
        assert len(stored(server)) == 10
        assert http.get(f"/central/v1/halls/{HALL}/cursor").json()["acked_seq"] == 10


@pytest.mark.parametrize(
    ("spoil", "status", "code"),
    [
        (lambda ev: [ev[0], ev[1], ev[3]], 400, "bad_order"),
        (lambda ev: [ev[1], ev[0], ev[2]], 400, "bad_order"),
        (lambda ev: [*ev[:2], {**ev[2], "type": "ticket.teleported"}], 400, "unknown_type"),
        (lambda ev: [*ev[:2], {**ev[2], "data": {}}], 400, "bad_event"),
        (lambda ev: [*ev[:2], {**ev[2], "at": "2026-11-23T09:00:00"}], 400, "bad_event"),
        (lambda ev: [*ev[:2], {**ev[2], "seq": "x"}], 400, "invalid_request"),
    ],
    ids=["gap-inside", "reversed", "unknown-type", "missing-fields", "no-offset", "malformed"],
)
def test_a_bad_batch_is_refused_whole_and_reported(tmp_path, spoil, status, code):
    events = wire(4)
    with running_central(tmp_path) as server, client(server, KEYS[HALL]) as http:
        r = push(http, spoil(events))
        assert r.status_code == status, r.text
        assert r.json()["error"]["code"] == code
        assert stored(server) == []  # nothing half-applied: not even the good first events
        with client(server, ADMIN_KEY) as admin:
            fleet = {h["hall"]: h for h in admin.get("/central/v1/fleet").json()["halls"]}
        assert fleet[HALL]["refusals"] == 1 and fleet[HALL]["last_refusal"]["code"] == code
        assert fleet[HALL]["last_seq"] == 0
        # The hall can still push good events afterwards.
        assert push(http, events).json()["acked_seq"] == 4


def test_a_hall_cannot_write_or_read_as_another_hall(tmp_path, database):
    events = wire(5)
    with running_central(tmp_path, database) as server:
        with client(server, KEYS[OTHER_HALL]) as other:
            r = push(other, events, hall=HALL)  # its own key, someone else's hall
            assert r.status_code == 403 and r.json()["error"]["code"] == "forged_hall"
            r = push(other, events, hall=OTHER_HALL, claimed=HALL)  # forged inside the body
            assert r.status_code == 403 and r.json()["error"]["code"] == "forged_hall"
            assert other.get(f"/central/v1/halls/{HALL}/config").status_code == 403
            assert other.get(f"/central/v1/halls/{HALL}/notices").status_code == 403
            assert other.get(f"/central/v1/halls/{HALL}/cursor").status_code == 403
        with client(server, "not-a-key-of-anyone-at-all") as stranger:
            r = push(stranger, events)
            assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
        with client(server, KEYS[HALL]) as hall:
            assert hall.get("/central/v1/fleet").status_code == 403  # operators only
        assert stored(server, HALL) == [] and stored(server, OTHER_HALL) == []
        with client(server, ADMIN_KEY) as admin:
            fleet = {h["hall"]: h for h in admin.get("/central/v1/fleet").json()["halls"]}
        assert fleet[OTHER_HALL]["refusals"] == 2  # recorded against the hall that tried
        assert fleet[HALL]["refusals"] == 0


def test_errors_are_chinese_first_and_english_on_request(tmp_path):
    with running_central(tmp_path) as server, client(server, "nobody-key-0123456789") as http:
        r = http.get(f"/central/v1/halls/{HALL}/cursor")
        assert r.json()["error"]["message"] == "访问密钥无效"
        r = http.get(f"/central/v1/halls/{HALL}/cursor", headers={"Accept-Language": "en"})
        assert r.json()["error"]["message"] == "The access key is not valid"


CENTRAL_PART = fragment.central_part(EXAMPLE.read_text(encoding="utf-8"))


def test_a_halls_configuration_is_checked_at_central_and_served_to_that_hall(tmp_path, database):
    with running_central(tmp_path, database) as server, client(server, ADMIN_KEY) as admin:
        with client(server, KEYS[HALL]) as hall:
            r = hall.get(f"/central/v1/halls/{HALL}/config")
            assert r.status_code == 404 and r.json()["error"]["code"] == "no_config"
            assert (
                hall.put(f"/central/v1/halls/{HALL}/config", json={"text": "x"}).status_code == 403
            )
        bad = CENTRAL_PART.replace('services = ["B", "C"]', 'services = ["B", "X"]')
        r = admin.put(f"/central/v1/halls/{HALL}/config", json={"text": bad})
        assert r.status_code == 400 and "unknown service 'X'" in r.json()["error"]["message"]
        r = admin.put(
            f"/central/v1/halls/{HALL}/config", json={"text": "[voice]\nenabled = true\n"}
        )
        assert r.status_code == 400 and "voice" in r.json()["error"]["message"]
        r = admin.put(f"/central/v1/halls/{HALL}/config", json={"text": CENTRAL_PART})
        assert r.status_code == 200 and r.json()["digest"] == fragment.digest(CENTRAL_PART)
        with client(server, KEYS[HALL]) as hall:
            got = hall.get(f"/central/v1/halls/{HALL}/config").json()
        assert got["text"] == CENTRAL_PART and got["digest"] == fragment.digest(CENTRAL_PART)


def test_notices_reach_the_halls_they_are_for_until_withdrawn_or_ended(tmp_path, database):
    with running_central(tmp_path, database) as server, client(server, ADMIN_KEY) as admin:
        r = admin.put(
            "/central/v1/notices/2026-1123-01",
            json={
                "title": "计划停电通知",
                "body": "因线路检修，11月25日8:00-17:00停电。",
                "area": "天河路1-99号",
                "starts_at": "2026-11-25T08:00:00+08:00",
                "ends_at": "2099-11-25T17:00:00+08:00",
                "halls": [HALL],
            },
        )
        assert r.status_code == 200, r.text
        admin.put(
            "/central/v1/notices/all-1",
            json={"title": "电费缴纳渠道调整", "halls": ["*"]},
        )
        admin.put(
            "/central/v1/notices/old-1",
            json={"title": "已结束的停电", "ends_at": "2020-01-01T00:00:00+08:00"},
        )
        with client(server, KEYS[HALL]) as a, client(server, KEYS[OTHER_HALL]) as b:
            mine = a.get(f"/central/v1/halls/{HALL}/notices").json()
            theirs = b.get(f"/central/v1/halls/{OTHER_HALL}/notices").json()
            assert sorted(n["id"] for n in mine["notices"]) == ["2026-1123-01", "all-1"]
            assert [n["id"] for n in theirs["notices"]] == ["all-1"]
            assert admin.delete("/central/v1/notices/2026-1123-01").status_code == 204
            after = a.get(f"/central/v1/halls/{HALL}/notices").json()
            assert [n["id"] for n in after["notices"]] == ["all-1"]
            assert after["digest"] != mine["digest"]
        r = admin.put("/central/v1/notices/x", json={"title": "t", "starts_at": "tomorrow"})
        assert r.status_code == 400


def test_bills_come_from_the_accounts_table_with_24_months(tmp_path, database):
    from kiosk.central.demo_data import demo_accounts

    now = morning()
    with running_central(tmp_path, database) as server:
        assert server.store is not None
        server.store.load_accounts(demo_accounts(now, 20), now)
        with client(server, KEYS[HALL]) as http:
            r = http.get("/central/v1/bills/3100000007")
            assert r.status_code == 200, r.text
            bill = r.json()
            assert bill["account"] == "3100000007" and bill["cached"] is False
            assert "*" in bill["name_masked"] and "**号" in bill["address_masked"]
            assert len(bill["history"]) == 12 and bill["month"] == "2026-10"
            assert bill["tariff"]["tier"] in (1, 2, 3) and len(bill["payments"]) == 5
            assert datetime.fromisoformat(bill["as_of"]) == now
            assert http.get("/central/v1/bills/3100000999").status_code == 404
            assert http.get("/central/v1/bills/31000x").status_code == 400
        with client(server, "nobody-key-0123456789") as stranger:
            assert stranger.get("/central/v1/bills/3100000007").status_code == 401
        readings = server.store._read(
            "SELECT COUNT(*) FROM readings WHERE account = ?", ("3100000007",)
        )
        assert readings[0][0] == 24


def test_the_fleet_report_covers_every_hall(tmp_path, database):
    events = wire(600)
    with running_central(tmp_path, database) as server:
        with client(server, KEYS[HALL]) as http:
            assert push(http, events).status_code == 200
        with client(server, ADMIN_KEY) as admin:
            r = admin.get("/central/v1/fleet", params={"date": DAY.isoformat()})
        assert r.status_code == 200, r.text
        halls = {h["hall"]: h for h in r.json()["halls"]}
        assert set(halls) == {HALL, OTHER_HALL}  # a hall that never pushed is listed too
        mine = halls[HALL]
        assert mine["last_seq"] == 600 and mine["events"] == 600
        assert mine["issued"] == sum(e["type"] == "ticket.issued" for e in events)
        assert mine["done"] == sum(e["type"] == "ticket.done" for e in events)
        scores = [e["data"]["score"] for e in events if e["type"] == "ticket.evaluated"]
        rated = [s for s in scores if s]
        # The hall's 满意率: the share of 1 非常满意 and 2 满意 among the rated, not a mean score.
        assert mine["satisfaction"] == round(sum(s in (1, 2) for s in rated) / len(rated), 3)
        assert mine["rated"] == len(rated)
        assert halls[OTHER_HALL]["last_push_at"] is None


def test_the_api_is_documented_in_openapi(tmp_path):
    with running_central(tmp_path) as server, client(server, None) as http:
        doc = http.get("/openapi.json").json()
        assert http.get("/central/v1/health").json()["database"] == "sqlite"
    paths = set(doc["paths"])
    for p in (
        "/central/v1/halls/{hall}/events",
        "/central/v1/halls/{hall}/config",
        "/central/v1/halls/{hall}/notices",
        "/central/v1/bills/{account}",
        "/central/v1/fleet",
    ):
        assert p in paths
    assert "EventBatchIn" in doc["components"]["schemas"]


def test_tls_with_the_configured_certificate_is_verified_against_the_ca(tmp_path):
    ca, cert, key = make_tls(tmp_path)
    with running_central(tmp_path, tls=(cert, key)) as server:
        assert server.base_url.startswith("https://127.0.0.1:")
        with client(server, KEYS[HALL], verify=str(ca)) as http:
            assert http.get(f"/central/v1/halls/{HALL}/cursor").status_code == 200
        with client(server, KEYS[HALL]) as untrusting, pytest.raises(httpx.ConnectError) as exc:
            untrusting.get(f"/central/v1/halls/{HALL}/cursor")
        assert "CERTIFICATE_VERIFY_FAILED" in str(exc.value)


def test_central_config_errors_name_the_key_and_line(tmp_path):
    cfg = central_config(tmp_path, "sqlite:///c.db")
    text = (tmp_path / "central.toml").read_text(encoding="utf-8")
    assert cfg.database_url() == f"sqlite:///{tmp_path / 'c.db'}"
    from kiosk.central.config import parse_central_config

    with pytest.raises(ConfigError) as exc:
        parse_central_config(text.replace('\nkey_sha256 = "', '\nkey_sha256 = "zz', 1), "c.toml")
    assert exc.value.key == "halls[0].key_sha256" and exc.value.line == 10
    with pytest.raises(ConfigError, match=r"central\.database"):
        parse_central_config(text.replace("sqlite:///c.db", "mysql://x"), "c.toml")
    twice = text.replace(OTHER_HALL, HALL)
    with pytest.raises(ConfigError, match="listed twice"):
        parse_central_config(twice, "c.toml")


def test_a_newer_database_schema_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    CentralStore(url).close()
    import sqlite3

    conn = sqlite3.connect(tmp_path / "c.db")
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    conn.commit()
    conn.close()
    from kiosk.central.store import StoreError

    with pytest.raises(StoreError, match="newer than this program"):
        CentralStore(url)
