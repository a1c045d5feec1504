"""The hall with its devices: caller pads, window screens, evaluators, the printer, the
ID-card reader and the voice, each a byte-exact simulator on a real pseudo-terminal."""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from websockets.sync.client import connect

from drivers.hallbus.codec import EventKind, Score
from drivers.sim.idcard import ELDERLY_CARD
from kiosk.demo.simhall import SimulatedDevices
from tests.helpers.hall import DISPLAY, KIOSK, MANAGER, example_config, running_hall

PLAYER = Path(__file__).resolve().parents[2] / "helpers" / "record_player.py"


def wait_until(check: Callable[[], object], timeout_s: float = 5.0) -> object:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


@pytest.fixture
def devices(tmp_path):
    sims = SimulatedDevices(tmp_path / "dev", [1, 2, 3, 4]).start()
    yield sims
    sims.stop()


@pytest.fixture
def hall(tmp_path, devices):
    played = tmp_path / "played.txt"
    cfg = devices.configure(example_config(tmp_path / "data", voice=True))
    import dataclasses

    cfg = dataclasses.replace(
        cfg,
        voice=dataclasses.replace(cfg.voice, player=[sys.executable, str(PLAYER), str(played)]),
    )
    with running_hall(tmp_path / "data", config=cfg) as (app, api, clock):
        yield app, api, clock, played


def events_of(app, type_: str) -> list[dict]:
    conn = sqlite3.connect(app.config.data_path() / "hall.db")
    try:
        rows = conn.execute(
            "SELECT data FROM events WHERE type = ? ORDER BY seq", (type_,)
        ).fetchall()
    finally:
        conn.close()
    return [json.loads(r[0]) for r in rows]


def test_a_pad_key_calls_the_next_ticket_shows_it_and_says_it(hall, devices):
    _, api, _, played = hall
    t = api.issue("A")
    devices.press(1, EventKind.CALL_NEXT)
    wait_until(lambda: api.call("GET", f"/tickets/{t['id']}").json()["status"] == "called")
    wait_until(lambda: "A001" in devices.screen_text(1))
    assert devices.screen_text(1) == "请A001号到1号窗口"
    # The voice rendered the call and handed it to the player (a recording script here:
    # this machine has no sound card).
    wait_until(lambda: played.exists() and played.read_text().strip(), timeout_s=20)
    assert played.read_text().count("wav") >= 1


def test_pad_keys_reach_the_queue_exactly_once(hall, devices):
    _, api, _, _ = hall
    for _ in range(3):
        api.issue("A")
    devices.press(1, EventKind.CALL_NEXT)
    devices.press(1, EventKind.START)
    devices.press(1, EventKind.DONE)
    devices.press(1, EventKind.CALL_NEXT)
    devices.press(1, EventKind.NO_SHOW)
    wait_until(lambda: api.call("GET", "/tickets/20261123-A002").json()["status"] == "no_show")
    assert api.call("GET", "/tickets/20261123-A001").json()["status"] == "done"
    assert api.call("GET", "/tickets/20261123-A003").json()["status"] == "waiting"


def test_pause_key_shows_paused_on_the_window_screen(hall, devices):
    _, api, _, _ = hall
    devices.press(2, EventKind.PAUSE_TOGGLE)
    wait_until(lambda: devices.screen_text(2) == "暂停服务")
    counters = {c["counter"]: c["state"] for c in api.call("GET", "/queue").json()["counters"]}
    assert counters[2] == "paused"
    devices.press(2, EventKind.PAUSE_TOGGLE)
    wait_until(lambda: devices.screen_text(2) == "")


def test_transfer_key_sends_the_ticket_to_the_service_numbered_in_config_order(hall, devices):
    _, api, _, _ = hall
    t = api.issue("A")
    devices.press(1, EventKind.CALL_NEXT)
    wait_until(lambda: api.call("GET", f"/tickets/{t['id']}").json()["status"] == "called")
    devices.press(1, EventKind.TRANSFER, (1 << 8) | 2)  # to service #2: B
    wait_until(lambda: api.call("GET", f"/tickets/{t['id']}").json()["service"] == "B")


def test_evaluator_rates_the_ticket_it_was_asked_about(hall, devices):
    app, api, _, _ = hall
    t = api.issue("A")
    api.counter(1, "call-next")
    api.counter(1, "done")
    api.counter(1, "evaluate")
    wait_until(lambda: devices.evaluators[1].evaluating == "A001")
    devices.rate(1, Score.VERY_SATISFIED)
    wait_until(lambda: api.call("GET", f"/tickets/{t['id']}").json()["score"] == 1)
    assert events_of(app, "ticket.evaluated")[-1]["source"] == "evaluator"


def test_a_taken_ticket_prints_natively_and_the_outcome_is_an_event(hall, devices):
    app, api, _, _ = hall
    t = api.issue("B")
    (ticket,) = devices.printer.wait_for_tickets(1, timeout_s=10)
    assert "B001" in ticket.texts and "业扩报装" in ticket.texts
    assert ticket.qr_codes[0].payload == f"{app.config.hall.id}/{t['id']}"
    printed = wait_until(lambda: events_of(app, "ticket.printed"))
    assert printed[0]["ticket"] == t["id"] and 0 < printed[0]["bytes"] <= 600


def test_printer_out_of_paper_never_loses_the_ticket(hall, devices):
    app, api, _, _ = hall
    devices.printer.set_paper("out")
    t = api.issue("A")
    failed = wait_until(lambda: events_of(app, "ticket.print_failed"), timeout_s=10)
    assert failed[0]["ticket"] == t["id"] and "缺纸" in failed[0]["reason"]
    assert api.call("GET", f"/tickets/{t['id']}").json()["status"] == "waiting"


def test_id_card_reaches_only_the_lobby_kiosk(hall, devices):
    _, api, _, _ = hall
    url = api.base_url.replace("http", "ws") + "/api/v1/events?token="
    with connect(url + KIOSK) as kiosk_ws, connect(url + DISPLAY) as display_ws:
        assert json.loads(kiosk_ws.recv(timeout=5))["type"] == "hello"
        assert json.loads(display_ws.recv(timeout=5))["type"] == "hello"
        devices.idcard.present_card(ELDERLY_CARD)
        msg = json.loads(kiosk_ws.recv(timeout=10))
        assert msg["type"] == "id_card.read"
        assert msg["elderly"] is True and msg["name_masked"] == "李**"
        # The kiosk takes a green-channel ticket with it.
        t = api.issue(
            "A", priority="elderly", id_card={"id_number": msg["id_number"], "name": msg["name"]}
        )
        assert t["priority"] == "elderly"
        seen = [json.loads(display_ws.recv(timeout=5))["type"] for _ in range(2)]
    assert "id_card.read" not in seen and seen[0] == "ticket.issued"


def test_unplugged_printer_is_a_fault_and_comes_back_by_itself(hall, devices):
    app, api, _, _ = hall
    devices.printer_link.unplug()
    fault = wait_until(
        lambda: [e for e in events_of(app, "device.fault") if e["device"] == "printer"],
        timeout_s=15,
    )
    assert fault[0]["message"]
    states = {d["name"]: d for d in api.call("GET", "/devices", token=MANAGER).json()}
    assert states["printer"]["ok"] is False
    devices.printer_link.replug()
    wait_until(
        lambda: [e for e in events_of(app, "device.recovered") if e["device"] == "printer"],
        timeout_s=15,
    )
    api.issue("A")
    devices.printer.wait_for_tickets(1, timeout_s=10)


def test_devices_list_and_print_test(hall, devices):
    _, api, _, _ = hall
    names = {d["name"] for d in api.call("GET", "/devices", token=MANAGER).json()}
    assert {"printer", "idcard", "hallbus", "voice", "hallbus:1", "hallbus:11"} <= names
    r = api.call("POST", "/devices/printer/test", token=MANAGER)
    assert r.status_code == 200 and r.json()["printed"] is True
    assert "T000" in devices.printer.wait_for_tickets(1, timeout_s=10)[0].texts


def test_paper_near_end_still_prints_and_is_reported_until_the_roll_is_changed(hall, devices):
    app, api, _, _ = hall
    devices.printer.set_paper("near_end")
    api.issue("A")
    devices.printer.wait_for_tickets(1, timeout_s=10)
    fault = wait_until(
        lambda: [e for e in events_of(app, "device.fault") if e["device"] == "printer"],
        timeout_s=15,
    )
    assert fault[0]["message"].startswith("打印纸将尽，请及时更换纸卷")
    (printer,) = [
        d for d in api.call("GET", "/devices", token=MANAGER).json() if "printer" in d["name"]
    ]
    assert printer["name"] == "printer" and printer["ok"] is True  # it still prints
    assert (printer["level"], printer["state"], printer["text"]) == (
        "warn",
        "paper_near_end",
        "打印纸将尽",
    )
    devices.printer.set_paper("ok")
    api.issue("A")
    wait_until(
        lambda: [e for e in events_of(app, "device.recovered") if e["device"] == "printer"],
        timeout_s=15,
    )


def test_paper_out_is_one_printer_entry_that_says_so_in_the_callers_language(hall, devices):
    """Not a ✗ printer beside a ✓ paper roll: one device, one state."""
    _, api, _, _ = hall
    devices.printer.set_paper("out")
    api.issue("A")  # the printer finds out before printing

    def printer_entries(lang: str = "zh-CN") -> list[dict]:
        r = api.call("GET", "/devices", token=MANAGER, headers={"Accept-Language": lang})
        return [d for d in r.json() if "printer" in d["name"]]

    wait_until(lambda: printer_entries()[0]["state"] == "paper_out", timeout_s=15)
    (zh,) = printer_entries()
    assert (zh["ok"], zh["level"], zh["label"], zh["text"]) == (False, "fail", "打印机", "缺纸")
    assert zh["fix"] == "装入新纸卷" and zh["paper"] == "out"
    (en,) = printer_entries("en")
    assert (en["label"], en["text"], en["fix"]) == (
        "ticket printer",
        "paper out",
        "load a new roll",
    )


def test_caller_pads_show_who_waits_and_who_is_served_from_the_durable_queue(hall, devices):
    """The pads' own displays follow the queue (PAD_STATE frames, from the queue snapshot
    the hall hands out only once durable, taken off the publishing thread)."""
    _, api, _, _ = hall
    api.issue("A")
    api.issue("A")

    def pad(n: int) -> tuple[int, str] | None:
        shown = devices.pads[n].display
        return None if shown is None else (shown.waiting, shown.current)

    wait_until(lambda: pad(1) == (2, ""))
    devices.press(1, EventKind.CALL_NEXT)
    wait_until(lambda: pad(1) == (1, "A001"))
    assert pad(3) in (None, (0, ""))  # counter 3 serves B and C: nothing for it
