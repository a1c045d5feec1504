"""A time written without an offset is the hall's wall-clock time, everywhere: the demo's
"明日8:00" is 08:00 in Guangzhou whatever the machine's zone, central reads an operator's
"2026-11-25T08:00" in its halls' zone, and so does a hall handed one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from kiosk.central.demo import DemoSync
from kiosk.demo.run import demo_config_text
from tests.helpers.hall import MANAGER, TZ, morning, running_hall
from tests.kiosk.central.support import ADMIN_KEY, HALL, KEYS, client, running_central


def test_the_demo_outage_notice_is_at_8_in_the_halls_zone_on_a_utc_machine(tmp_path):
    # The demo starts with the machine's time (central's clock is the real one, so the
    # notice must be current): on a machine in UTC, tomorrow 8:00 was stored as
    # 08:00+00:00, 16:00 in the hall.
    machine_now = datetime.now(UTC)
    tomorrow = (machine_now.astimezone(TZ) + timedelta(days=1)).date()
    sync = DemoSync(tmp_path, machine_now)
    sync.start(demo_config_text(tmp_path, 0))
    try:
        assert sync.server is not None
        with httpx.Client(
            base_url=sync.server.base_url,
            headers={"Authorization": f"Bearer {sync.hall_key}"},
        ) as http:
            r = http.get(f"/central/v1/halls/{sync.hall_id}/notices")
        assert r.status_code == 200, r.text
        (outage,) = [n for n in r.json()["notices"] if n["id"] == "demo-outage-1"]
        assert "明日8:00至17:00" in outage["body"]
        assert outage["starts_at"] == f"{tomorrow}T08:00:00+08:00"
        assert outage["ends_at"] == f"{tomorrow}T17:00:00+08:00"
    finally:
        sync.stop()


def test_central_reads_a_notice_time_without_an_offset_in_its_halls_zone(tmp_path, database):
    with running_central(tmp_path, database) as server, client(server, ADMIN_KEY) as admin:
        r = admin.put(
            "/central/v1/notices/local-1",
            json={
                "title": "计划停电通知",
                "starts_at": "2026-11-25T08:00",
                "ends_at": "2099-11-25T17:00",
                "halls": [HALL],
            },
        )
        assert r.status_code == 200, r.text
        assert r.json()["starts_at"] == "2026-11-25T08:00:00+08:00"
        admin.put(
            "/central/v1/notices/ended-1",
            json={"title": "已结束的停电", "ends_at": "2020-01-01T00:00"},
        )
        with client(server, KEYS[HALL]) as hall:
            shown = hall.get(f"/central/v1/halls/{HALL}/notices").json()["notices"]
        assert [n["id"] for n in shown] == ["local-1"]
        starts = datetime.fromisoformat(shown[0]["starts_at"])
        assert starts == datetime(2026, 11, 25, 8, 0, tzinfo=TZ)
        r = admin.put("/central/v1/notices/bad", json={"title": "t", "ends_at": "8点"})
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_request"


def test_a_hall_reads_a_notice_time_without_an_offset_in_its_own_zone(tmp_path):
    with running_hall(tmp_path / "data") as (_, api, clock):
        clock.set(morning(10, 30))  # 10:30 in Guangzhou
        body = {
            "notices": [
                {"id": "on", "title": "今日停电", "starts_at": "2026-11-23T08:00"},
                # Ended at 10:00 in the hall (02:00 UTC): not shown at 10:30. Read as UTC
                # (or not compared at all) it would still be showing until 18:00.
                {"id": "over", "title": "已结束", "ends_at": "2026-11-23T10:00"},
            ]
        }
        r = api.call("PUT", "/notices", token=MANAGER, json=body)
        assert r.status_code == 200, r.text
        shown = api.call("GET", "/notices").json()["notices"]
        assert [(n["id"], n["starts_at"]) for n in shown] == [("on", "2026-11-23T08:00:00+08:00")]
        bad = {"notices": [{"id": "x", "title": "t", "ends_at": "明天"}]}
        r = api.call("PUT", "/notices", token=MANAGER, json=bad)
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_request"
        assert [n["id"] for n in api.call("GET", "/notices").json()["notices"]] == ["on"]
