"""The LAN API contract over real HTTP on loopback (uvicorn, real SQLite)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.helpers.hall import DISPLAY, KIOSK, MANAGER, counter_token, running_hall

VALID_ID_75 = "11010519491231002X"  # born 1949-12-31: 76 on the test day
VALID_ID_YOUNG = "110105199001010010"


@pytest.fixture
def hall(tmp_path):
    with running_hall(tmp_path) as running:
        yield running


def state(api):
    return api.call("GET", "/queue").json()


def test_health_needs_no_token_and_everything_else_does(hall):
    _, api, _ = hall
    r = api.call("GET", "/health", token=None)
    assert r.status_code == 200 and r.json()["status"] == "ok"
    r = api.call("GET", "/queue", token=None)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    r = api.call("GET", "/queue", token="not-a-token-at-all")
    assert r.status_code == 401 and r.json()["error"]["message"] == "访问令牌无效"


def test_roles_limit_what_a_token_may_do(hall):
    _, api, _ = hall
    before = state(api)
    r = api.call("POST", "/tickets", token=DISPLAY, json={"service": "A"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    r = api.call("POST", "/counters/1/call-next", token=counter_token(2))
    assert r.status_code == 403 and "2号窗口" in r.json()["error"]["message"]
    r = api.call("POST", "/counters/1/call-next", token=KIOSK)
    assert r.status_code == 403
    r = api.call("GET", "/reports/daily", token=KIOSK)
    assert r.status_code == 403
    assert state(api) == before


def test_issue_returns_the_ticket_with_position_and_estimate(hall):
    _, api, clock = hall
    first = api.issue("A")
    assert first["number"] == "A001" and first["status"] == "waiting"
    assert first["ahead"] == 0 and first["estimated_wait_s"] == 0
    assert first["counters"] == [1, 2] and first["service_name"] == "电费缴纳"
    assert datetime.fromisoformat(first["issued_at"]) == clock.now()
    for _ in range(3):
        api.issue("A")
    fifth = api.issue("A")
    assert fifth["number"] == "A005" and fifth["ahead"] == 4
    assert fifth["estimated_wait_s"] == 4 * 180 // 2  # 2 open counters, 3 min default
    got = api.call("GET", f"/tickets/{first['id']}").json()
    assert got["ahead"] == 0 and got["number"] == "A001"


def test_bad_requests_are_refused_with_a_clear_error_and_change_nothing(hall):
    _, api, _ = hall
    api.issue("A")
    before = state(api)
    bad = [
        ("POST", "/tickets", {"json": {"service": "Z"}}, 404, "unknown_service"),
        ("POST", "/tickets", {"json": {"service": "AA"}}, 400, "invalid_request"),
        ("POST", "/tickets", {"json": {}}, 400, "invalid_request"),
        ("POST", "/tickets", {"json": {"service": "A", "priority": "vip"}}, 400, "invalid_request"),
        ("POST", "/tickets", {"json": {"service": "A", "extra": 1}}, 400, "invalid_request"),
        (
            "POST",
            "/tickets",
            {"content": b"{not json", "headers": {"content-type": "application/json"}},
            400,
            "invalid_request",
        ),
        ("POST", "/tickets", {"json": {"service": "A", "account": "12ab"}}, 400, "invalid_request"),
        (
            "POST",
            "/tickets",
            {"json": {"service": "A", "id_card": {"id_number": "110105194912310021"}}},
            400,
            "invalid_request",
        ),
        ("GET", "/tickets/20261123-Z999", {}, 404, "unknown_ticket"),
        ("GET", "/no/such/route", {}, 404, "not_found"),
        ("GET", "/reports/daily?date=23-11-2026", {"token": MANAGER}, 400, "invalid_request"),
    ]
    for method, path, kwargs, status, code in bad:
        r = api.call(method, path, **kwargs)
        assert r.status_code == status, (path, r.text)
        body = r.json()
        assert body["error"]["code"] == code and body["error"]["message"], (path, body)
    assert state(api) == before
    assert api.issue("A")["number"] == "A002"  # no number was consumed by a refusal


def test_errors_speak_the_callers_language(hall):
    _, api, _ = hall
    r = api.counter(1, "done", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert r.status_code == 409
    assert r.json()["error"] == {
        "code": "no_current_ticket",
        "message": "Counter 1 has no ticket called",
    }
    r = api.counter(1, "done")
    assert r.json()["error"]["message"] == "1号窗口当前没有叫号"


def test_counter_flow_call_recall_start_done(hall):
    _, api, clock = hall
    t = api.issue("A")
    r = api.counter(1, "call-next", json={"staff": "1001"})
    assert r.status_code == 200 and r.json()["id"] == t["id"] and r.json()["status"] == "called"
    r = api.counter(1, "recall")
    assert r.status_code == 200 and r.json()["ticket"]["recalls"] == 1
    clock.advance(30)
    r = api.counter(1, "start")
    assert r.json()["ticket"]["status"] == "serving" and r.json()["counter"]["state"] == "busy"
    clock.advance(120)
    r = api.counter(1, "done")
    assert r.json()["ticket"]["status"] == "done" and r.json()["counter"]["state"] == "idle"
    assert api.counter(1, "call-next").status_code == 204


def test_no_show_and_reinstate(hall):
    _, api, _ = hall
    t = api.issue("A")
    other = api.issue("A")
    api.counter(1, "call-next")
    r = api.counter(1, "no-show")
    assert r.json()["ticket"]["status"] == "no_show"
    r = api.call("POST", f"/tickets/{t['id']}/reinstate", token=counter_token(1))
    assert r.status_code == 200 and r.json()["status"] == "waiting" and r.json()["ahead"] == 1
    assert api.counter(1, "call-next").json()["id"] == other["id"]
    r = api.call("POST", f"/tickets/{other['id']}/reinstate", token=counter_token(1))
    assert r.status_code == 409 and r.json()["error"]["code"] == "wrong_ticket_state"


def test_transfer_keeps_issue_time_and_first_ask_staff(hall):
    _, api, clock = hall
    t = api.issue("A")
    clock.advance(300)
    later_b = api.issue("B")
    api.counter(1, "call-next", json={"staff": "1001"})
    api.counter(1, "start")
    r = api.counter(1, "transfer", json={"service": "B", "reason": "需办理增容"})
    assert r.status_code == 200
    moved = r.json()["ticket"]
    assert (
        moved["service"] == "B" and moved["issued_at"] == t["issued_at"] and moved["transfers"] == 1
    )
    called = api.counter(3, "call-next", json={"staff": "3001"}).json()
    assert called["id"] == t["id"] and called["first_staff"] == "1001"
    assert api.counter(3, "call-next").json()["id"] == later_b["id"]
    r = api.counter(3, "transfer", json={"service": "B", "counter": 2})
    assert r.status_code == 400
    r = api.counter(3, "transfer", json={"service": "Q"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_service"


def test_pause_refuses_call_next_and_shows_in_the_queue(hall):
    _, api, _ = hall
    api.issue("A")
    assert api.counter(2, "pause").status_code == 200
    r = api.counter(2, "call-next")
    assert r.status_code == 409 and r.json()["error"]["code"] == "counter_paused"
    counters = {c["counter"]: c for c in state(api)["counters"]}
    assert counters[2]["state"] == "paused"
    assert {s["service"]: s["open_counters"] for s in state(api)["services"]}["A"] == 1
    api.counter(2, "resume")
    assert api.counter(2, "call-next").status_code == 200


def test_evaluation_once_per_ticket(hall):
    _, api, _ = hall
    t = api.issue("A")
    api.counter(1, "call-next")
    api.counter(1, "start")
    api.counter(1, "done")
    assert api.counter(1, "evaluate").status_code == 200
    r = api.call(
        "POST", "/evaluations", token=counter_token(1), json={"ticket": t["id"], "score": 1}
    )
    assert r.status_code == 201 and r.json()["score"] == 1
    r = api.call(
        "POST", "/evaluations", token=counter_token(1), json={"ticket": t["id"], "score": 2}
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_evaluated"
    r = api.call(
        "POST", "/evaluations", token=counter_token(1), json={"ticket": t["id"], "score": 7}
    )
    assert r.status_code == 400


def test_green_channel_from_the_id_card_and_personal_data_handling(hall):
    app, api, _ = hall
    plain = api.issue("A")
    old = api.issue(
        "A",
        priority="elderly",
        id_card={"id_number": VALID_ID_75, "name": "张三丰"},
        account="3100000001",
    )
    assert old["ahead"] == 0 and old["identified"] is True
    assert api.call("GET", f"/tickets/{plain['id']}").json()["ahead"] == 1
    r = api.call(
        "POST",
        "/tickets",
        json={"service": "A", "priority": "elderly", "id_card": {"id_number": VALID_ID_YOUNG}},
    )
    assert r.status_code == 400 and "70" in r.json()["error"]["message"]
    # Staff see masked data; the kiosk and displays do not; the log holds none of it.
    staff_view = api.call("GET", f"/tickets/{old['id']}", token=counter_token(1)).json()
    assert staff_view["id_masked"] == "1101**********002X" and staff_view["name_masked"] == "张**"
    assert staff_view["account"] == "3100000001"
    display_view = api.call("GET", f"/tickets/{old['id']}", token=DISPLAY).json()
    assert display_view.get("id_masked") is None and display_view.get("account") is None
    conn = sqlite3.connect(app.config.data_path() / "hall.db")
    log = " ".join(r[0] for r in conn.execute("SELECT data FROM events"))
    conn.close()
    assert VALID_ID_75 not in log and "张三丰" not in log and "3100000001" not in log


def test_bills_lookup(hall):
    _, api, _ = hall
    r = api.call("GET", "/bills/3100000001")
    assert r.status_code == 200
    bill = r.json()
    assert len(bill["history"]) == 12 and bill["tariff"]["tier"] in (1, 2, 3)
    assert bill["name_masked"].endswith("*") and bill["cached"] is False
    r = api.call("GET", "/bills/3199999999")
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_account"
    r = api.call("GET", "/bills/12345")
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_account"
    assert api.call("GET", "/bills/3100000001", token=DISPLAY).status_code == 403


def test_daily_report_counts_the_day(hall):
    _, api, clock = hall
    for s in "AAB":
        api.issue(s)
    clock.advance(120)
    api.counter(1, "call-next")
    api.counter(1, "start")
    clock.advance(60)
    api.counter(1, "done")
    api.counter(1, "call-next")
    api.counter(1, "no-show")
    rep = api.call("GET", "/reports/daily?date=2026-11-23", token=MANAGER).json()
    assert (rep["issued"], rep["done"], rep["no_show"]) == (3, 1, 1)
    a = rep["services"][0]
    assert a["service"] == "A" and a["mean_wait_s"] == 150  # waited 120 s and 180 s
    assert a["mean_service_s"] == 60


def test_close_day_expires_stops_numbering_and_purges(hall):
    _, api, _ = hall
    t = api.issue("A", account="3100000002")
    api.issue("B")
    r = api.call("POST", "/admin/close-day", token=MANAGER)
    assert r.status_code == 200 and r.json() == {
        "day": "2026-11-23",
        "expired": 2,
        "purged": 1,
        "full": True,
    }
    # The queue dropped the closed day; the ticket still answers, from the log, expired and
    # with its personal data purged (issue 18; it was a 404).
    closed = api.call("GET", f"/tickets/{t['id']}", token=counter_token(1))
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["account"]) == ("expired", None)
    r = api.call("POST", "/tickets", json={"service": "A"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "day_closed"
    assert state(api)["closed"] is True


def test_openapi_documents_every_route_of_the_contract(hall):
    _, api, _ = hall
    doc = api.http.get("/openapi.json").json()
    paths = doc["paths"]
    for p in [
        "/api/v1/tickets",
        "/api/v1/tickets/{ticket_id}",
        "/api/v1/queue",
        "/api/v1/counters/{counter}/call-next",
        "/api/v1/counters/{counter}/transfer",
        "/api/v1/evaluations",
        "/api/v1/bills/{account}",
        "/api/v1/reports/daily",
        "/api/v1/health",
    ]:
        assert p in paths, p
    for action in ("recall", "start", "done", "no-show", "pause", "resume", "evaluate"):
        assert f"/api/v1/counters/{{counter}}/{action}" in paths
    assert "201" in paths["/api/v1/tickets"]["post"]["responses"]
    assert "ErrorOut" in doc["components"]["schemas"]


def ws_url(api, token):
    return api.base_url.replace("http", "ws") + f"/api/v1/events?token={token}"


def test_websocket_pushes_events_as_they_happen(hall):
    _, api, _ = hall
    with connect(ws_url(api, DISPLAY), open_timeout=5) as ws:
        hello = json.loads(ws.recv(timeout=5))
        assert hello["type"] == "hello" and len(hello["queue"]["counters"]) == 4
        t = api.issue("A", id_card={"id_number": VALID_ID_75})
        api.counter(1, "call-next")
        got = [json.loads(ws.recv(timeout=5)) for _ in range(4)]
    types = [m["type"] for m in got]
    assert types == ["ticket.issued", "queue.changed", "ticket.called", "queue.changed"]
    issued, called = got[0], got[2]
    assert issued["number"] == t["number"] and "id_hash" not in issued
    assert called["counter"] == 1 and called["number"] == "A001" and called["seq"] > issued["seq"]
    assert got[3]["counters"][0]["current"]["number"] == "A001"


def test_websocket_refuses_a_bad_token(hall):
    _, api, _ = hall
    with (
        pytest.raises((InvalidStatus, Exception)) as exc,
        connect(ws_url(api, "wrong-token-wrong-token"), open_timeout=5) as ws,
    ):
        ws.recv(timeout=5)
    assert "4401" in str(exc.value) or "403" in str(exc.value)


def test_state_survives_a_daemon_restart(tmp_path):
    with running_hall(tmp_path) as (_, api, clock):
        t = api.issue("A")
        api.issue("A")
        api.counter(1, "call-next")
    with running_hall(tmp_path, clock=clock) as (_, api, _):
        assert api.call("GET", f"/tickets/{t['id']}").json()["status"] == "called"
        assert api.issue("A")["number"] == "A003"
