"""The soft caller's routes and the manager's reports over real HTTP on loopback."""

from __future__ import annotations

import pytest

from tests.helpers.hall import DISPLAY, KIOSK, MANAGER, counter_token, running_hall


@pytest.fixture
def hall(tmp_path):
    with running_hall(tmp_path) as running:
        yield running


def login(api, counter: int, staff: str, pin: str = "123456", token: str | None = None):
    return api.call(
        "POST",
        f"/counters/{counter}/login",
        token=token or counter_token(counter),
        json={"staff": staff, "pin": pin},
    )


def status(api, counter: int = 1) -> dict:
    r = api.call("GET", f"/counters/{counter}/status", token=counter_token(counter))
    assert r.status_code == 200, r.text
    return r.json()


def test_login_records_the_staff_on_the_counters_calls(hall):
    _, api, _ = hall
    r = login(api, 1, "1011")
    assert r.status_code == 200 and r.json() == {
        "counter": 1,
        "staff": {"number": "1011", "name": "王芳"},
    }
    assert status(api)["staff"] == {"number": "1011", "name": "王芳"}
    t = api.issue("A")
    called = api.counter(1, "call-next").json()  # no staff in the request
    assert called["id"] == t["id"] and called["first_staff"] == "1011"
    assert login(api, 1, "1011").status_code == 200  # again (a restarted soft caller): fine


def test_wrong_pins_are_counted_and_lock_the_number(hall):
    _, api, clock = hall
    for left in (4, 3, 2, 1):
        r = login(api, 1, "1011", "999999")
        assert r.status_code == 403 and r.json()["error"] == {
            "code": "login_failed",
            "message": f"工号或密码不正确，还可再试{left}次",
        }
    r = login(api, 1, "1011", "999999")
    assert r.status_code == 429 and r.json()["error"]["code"] == "login_locked"
    assert login(api, 1, "1011").status_code == 429  # the right PIN does not unlock it
    assert status(api)["staff"] is None
    clock.advance(300)
    assert login(api, 1, "1011").status_code == 200
    # An unknown number gets the same answer as a wrong PIN: nothing to learn from it.
    r = login(api, 2, "9999", "123456")
    assert r.status_code == 403 and r.json()["error"]["code"] == "login_failed"


def test_login_refusals_say_why_and_change_nothing(hall):
    _, api, _ = hall
    assert login(api, 1, "1011").status_code == 200
    r = login(api, 1, "1012")
    assert r.status_code == 409 and r.json()["error"] == {
        "code": "staff_login_conflict",
        "message": "1号窗口已由工号1011登录，请该员工先退出",
    }
    r = login(api, 2, "1011")
    assert r.status_code == 409 and "已在1号窗口登录" in r.json()["error"]["message"]
    r = login(api, 2, "1021", token=counter_token(1))
    assert r.status_code == 403  # a counter's token is for its own counter only
    assert login(api, 9, "1021", token=MANAGER).status_code == 404
    r = api.call("POST", "/counters/2/login", token=counter_token(2), json={"staff": "1021"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_request"
    r = login(api, 1, "1012", token=KIOSK)
    assert r.status_code == 403
    assert status(api, 2)["staff"] is None and status(api, 1)["staff"]["number"] == "1011"
    r = api.call(
        "POST",
        "/counters/2/login",
        token=counter_token(2),
        json={"staff": "1012", "pin": "123456"},
        headers={"Accept-Language": "en"},
    )
    assert r.status_code == 200


def test_logout_waits_for_the_customer_unless_a_manager_forces_it(hall):
    _, api, _ = hall
    login(api, 1, "1011")
    api.issue("A")
    api.counter(1, "call-next")
    r = api.call("POST", "/counters/1/logout", token=counter_token(1))
    assert r.status_code == 409 and "A001还在本窗口" in r.json()["error"]["message"]
    r = api.call("POST", "/counters/1/logout", token=counter_token(1), json={"force": True})
    assert r.status_code == 403
    r = api.call("POST", "/counters/1/logout", token=MANAGER, json={"force": True})
    assert r.status_code == 200 and status(api)["staff"] is None


def test_status_has_what_the_soft_caller_shows(hall):
    _, api, clock = hall
    login(api, 1, "1011")
    t = api.issue("A", account="3100000002")
    api.issue("D")
    clock.advance(30)
    api.counter(1, "call-next")
    api.counter(1, "start")
    s = status(api)
    assert s["name"] == "1号窗口" and s["state"] == "busy" and s["evaluator"] is False
    assert [(x["code"], x["time_limit_s"]) for x in s["services"]] == [("A", 300), ("D", None)]
    assert s["current"]["id"] == t["id"] and s["current"]["account"] == "3100000002"
    assert s["current"]["started_at"] == clock.now().isoformat()
    assert s["time_limit_s"] == 300
    assert s["waiting"] == 1 and [x["number"] for x in s["next"]] == ["D001"]
    assert s["now"] == clock.now().isoformat()
    assert api.call("GET", "/counters/1/status", token=DISPLAY).status_code == 403


def test_touch_evaluation_records_a_score_or_not_rated_once(hall):
    _, api, _ = hall
    t1, t2 = api.issue("A"), api.issue("A")
    api.counter(1, "call-next")
    api.counter(1, "done")
    url = "/counters/1/evaluation"
    r = api.call("POST", url, token=counter_token(1), json={"ticket": t1["id"], "score": 5})
    assert r.status_code == 400
    r = api.call("POST", url, token=counter_token(2), json={"ticket": t1["id"], "score": 1})
    assert r.status_code == 403
    r = api.call(
        "POST",
        "/counters/2/evaluation",
        token=counter_token(2),
        json={"ticket": t1["id"], "score": 1},
    )
    assert r.status_code == 403 and r.json()["error"]["message"] == "A001不是在2号窗口办理的"
    r = api.call("POST", url, token=counter_token(1), json={"ticket": t2["id"], "score": 1})
    assert r.status_code == 403  # still waiting: not a ticket of this counter yet
    r = api.call("POST", url, token=counter_token(1), json={"ticket": t1["id"], "score": 0})
    assert r.status_code == 201 and r.json()["score"] == 0
    r = api.call("POST", url, token=counter_token(1), json={"ticket": t1["id"], "score": 1})
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_evaluated"


def test_todays_own_figures(hall):
    _, api, clock = hall
    login(api, 1, "1011")
    for _ in range(3):
        api.issue("A")
    for _ in range(2):
        api.counter(1, "call-next")
        api.counter(1, "start")
        clock.advance(100)
        api.counter(1, "done")
    api.counter(1, "call-next")
    api.counter(1, "no-show")
    r = api.call("GET", "/counters/1/today", token=counter_token(1))
    assert r.status_code == 200
    today = r.json()
    assert today["staff"] == {"number": "1011", "name": "王芳"}
    mine = today["mine"]
    assert (mine["tickets"], mine["done"], mine["no_show"], mine["mean_service_s"]) == (
        3,
        2,
        1,
        100,
    )


def test_the_daily_report_route_has_counters_staff_and_hours_and_the_month_route(hall):
    _, api, clock = hall
    login(api, 3, "1031")
    api.issue("B")
    clock.advance(600)
    api.counter(3, "call-next")
    api.counter(3, "start")
    clock.advance(1500)  # past 业扩报装's 20 minutes
    api.counter(3, "done")
    rep = api.call("GET", "/reports/daily?date=2026-11-23", token=MANAGER).json()
    assert rep["overdue"] == 1 and rep["hourly_arrivals"][9] == 1
    (c3,) = [c for c in rep["counters"] if c["counter"] == 3]
    assert (c3["done"], c3["mean_wait_s"], c3["mean_service_s"], c3["overdue"]) == (1, 600, 1500, 1)
    assert rep["staff"][0]["staff"] == "1031"
    month = api.call("GET", "/reports/month?month=2026-11", token=MANAGER).json()
    assert month["issued"] == 1 and len(month["days"]) == 30 and month["staff"][0]["name"] == "陈静"
    r = api.call("GET", "/reports/month?month=2026-13", token=MANAGER)
    assert r.status_code == 400 and r.json()["error"]["message"] == "月份格式应为 YYYY-MM"
    assert api.call("GET", "/reports/month", token=counter_token(1)).status_code == 403


def test_the_hall_summarises_closed_days_for_the_month_view(tmp_path):
    import sqlite3
    import time
    from datetime import date

    from kiosk.store import EventStore
    from tests.helpers.busyday import events_of, generate_day
    from tests.helpers.hall import example_config

    rules = example_config(tmp_path).queue_rules()
    store = EventStore(tmp_path / "hall.db")
    try:
        for day in (20, 21):
            store.append(events_of(rules, generate_day(rules, date(2026, 11, day), 150)))
    finally:
        store.close()
    cache = tmp_path / "hall-reports.db"

    def kept() -> set[str]:
        if not cache.exists():
            return set()
        with sqlite3.connect(cache) as conn:
            return {r[0] for r in conn.execute("SELECT day FROM days")}

    with running_hall(tmp_path) as (_, api, _):
        # At start, the closed days of the last quarter get their summary in the background.
        deadline = time.monotonic() + 20
        while kept() != {"2026-11-20", "2026-11-21"} and time.monotonic() < deadline:
            time.sleep(0.05)
        assert kept() == {"2026-11-20", "2026-11-21"}
        # And today's, at its daily close.
        api.issue("A")
        api.call("POST", "/admin/close-day", token=MANAGER)
        deadline = time.monotonic() + 20
        while "2026-11-23" not in kept() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "2026-11-23" in kept()
        month = api.call("GET", "/reports/month?month=2026-11", token=MANAGER).json()
        assert month["issued"] == 301 and month["open_days"] == 3
