"""The lobby touchscreen's routes over real HTTP: settings, admin PIN with lockout, bills by
ID card, statements on the (simulated) ticket printer, voice guidance; and its [lobby] config."""

from __future__ import annotations

import dataclasses

import pytest

from drivers.sim.idcard import ADULT_CARD
from kiosk.config import ConfigError, LobbySettings, parse_config
from kiosk.demo.simhall import SimulatedDevices
from kiosk.hall.auth import hash_pin
from kiosk.hall.auth import verify_pin as check_pin
from tests.helpers.hall import DISPLAY, EXAMPLE, KIOSK, example_config, running_hall

PIN = "2468"


def with_pin(cfg, **lobby):
    return dataclasses.replace(
        cfg,
        lobby=LobbySettings(admin_pin_hash=hash_pin(PIN, iterations=1000), **lobby),
    )


@pytest.fixture
def hall(tmp_path):
    cfg = with_pin(example_config(tmp_path / "data"), admin_max_tries=5, admin_lockout_min=15)
    with running_hall(tmp_path / "data", config=cfg) as running:
        yield running


@pytest.fixture
def printer_hall(tmp_path):
    sims = SimulatedDevices(tmp_path / "dev", [1, 2, 3, 4]).start()
    try:
        cfg = sims.configure(example_config(tmp_path / "data"))
        with running_hall(tmp_path / "data", config=cfg) as (app, api, _clock):
            yield app, api, sims
    finally:
        sims.stop()


def test_settings_tell_the_touchscreen_everything_it_shows(hall):
    _, api, _ = hall
    s = api.call("GET", "/lobby").json()
    assert s["hall"]["name"] == "国网广州供电局天河营业厅" and s["hall"]["name_en"]
    assert s["idle_timeout_s"] == 60 and s["elderly_age"] == 70 and s["elderly_offer"] is True
    assert s["admin_enabled"] is True and s["printer"] is False
    assert "admin_pin_hash" not in s  # the hash never leaves the daemon
    assert api.call("GET", "/lobby", token=DISPLAY).status_code == 403


def test_the_right_pin_unlocks_and_five_wrong_ones_lock_the_panel_for_a_while(hall):
    _, api, clock = hall
    r = api.call("POST", "/lobby/admin/unlock", json={"pin": PIN})
    assert r.status_code == 200 and r.json() == {"unlocked": True}
    for left in (4, 3, 2, 1):
        r = api.call("POST", "/lobby/admin/unlock", json={"pin": "0000"})
        assert (
            r.status_code == 403 and r.json()["error"]["message"] == f"密码错误，还可以再试{left}次"
        )
    r = api.call("POST", "/lobby/admin/unlock", json={"pin": "0000"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "admin_locked"
    # Locked: even the right PIN is refused, in the language asked for.
    r = api.call(
        "POST", "/lobby/admin/unlock", json={"pin": PIN}, headers={"Accept-Language": "en"}
    )
    assert r.status_code == 409 and "locked" in r.json()["error"]["message"]
    clock.advance(15 * 60)
    assert api.call("POST", "/lobby/admin/unlock", json={"pin": PIN}).status_code == 200


def test_without_a_pin_the_panel_stays_closed(tmp_path):
    with running_hall(tmp_path / "data") as (_, api, _):
        r = api.call("POST", "/lobby/admin/unlock", json={"pin": "1234"})
        assert r.status_code == 404 and r.json()["error"]["code"] == "admin_disabled"


def test_an_id_card_finds_its_accounts_with_names_masked(hall):
    _, api, _ = hall
    r = api.call("POST", "/bills/lookup", json={"id_number": ADULT_CARD.id_number})
    accounts = r.json()["accounts"]
    assert 1 <= len(accounts) <= 3
    for a in accounts:
        assert a["name_masked"].endswith("*") and "*" in a["account_masked"]
        bill = api.call("GET", f"/bills/{a['account']}").json()
        assert bill["name_masked"] == a["name_masked"]
    # The same card finds the same accounts every time.
    again = api.call("POST", "/bills/lookup", json={"id_number": ADULT_CARD.id_number}).json()
    assert again["accounts"] == accounts


def test_a_misread_id_number_is_refused_clearly(hall):
    _, api, _ = hall
    bad = ADULT_CARD.id_number[:17] + ("0" if ADULT_CARD.id_number[17] != "0" else "1")
    r = api.call("POST", "/bills/lookup", json={"id_number": bad})
    assert r.status_code == 400 and r.json()["error"]["message"] == "身份证号码校验失败，请重新读卡"


def test_a_statement_prints_with_the_account_masked(printer_hall):
    _, api, sims = printer_hall
    r = api.call("POST", "/bills/3100000007/print")
    assert r.status_code == 200 and r.json()["printed"] is True
    (statement,) = sims.printer.wait_for_tickets(1, timeout_s=10)
    text = "\n".join(statement.texts)
    assert "电费账单" in text and "31****0007" in text and "3100000007" not in text
    assert "阶梯电价" in text


def test_a_statement_that_cannot_print_says_why(printer_hall):
    _, api, sims = printer_hall
    sims.printer.set_paper("out")
    r = api.call("POST", "/bills/3100000007/print")
    assert r.status_code == 200
    assert r.json()["printed"] is False and "缺纸" in r.json()["reason"]
    r = api.call("POST", "/bills/0000000000/print")
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_account"


def test_voice_guidance_is_harmless_when_the_voice_is_off(hall):
    _, api, _ = hall
    r = api.call("POST", "/voice/guidance", json={"key": "welcome"})
    assert r.status_code == 200 and r.json() == {"queued": False}
    r = api.call("POST", "/voice/guidance", json={"key": "no-such-phrase"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "unknown_guidance"
    r = api.call("POST", "/voice/guidance", json={})
    assert r.status_code == 400


def test_pin_hashes_are_salted_and_checked():
    a, b = hash_pin("123456", iterations=1000), hash_pin("123456", iterations=1000)
    assert a != b and check_pin("123456", a) and check_pin("123456", b)
    assert not check_pin("654321", a)
    with pytest.raises(ValueError):
        hash_pin("12a4")


def test_lobby_settings_are_validated_with_file_line_and_key():
    text = EXAMPLE.read_text(encoding="utf-8")
    cfg = parse_config(text, "hall.toml")
    assert cfg.lobby.idle_timeout_s == 60 and cfg.lobby.admin_max_tries == 5
    with pytest.raises(ConfigError) as exc:
        parse_config(text + '\n[lobby]\nadmin_pin_hash = "1234"\n', "hall.toml")
    assert exc.value.key == "lobby.admin_pin_hash" and exc.value.line is not None
    assert "kiosk config hash-pin" in str(exc.value)
    with pytest.raises(ConfigError) as exc:
        parse_config(text + '\n[lobby]\norientation = "sideways"\n', "hall.toml")
    assert exc.value.key == "lobby.orientation"
    ok = parse_config(
        text + f'\n[lobby]\nadmin_pin_hash = "{hash_pin(PIN, iterations=1000)}"\n', "hall.toml"
    )
    assert check_pin(PIN, ok.lobby.admin_pin_hash)


def test_a_kiosk_token_is_enough_and_nothing_else_is_needed(hall):
    _, api, _ = hall
    assert api.call("GET", "/lobby", token=KIOSK).status_code == 200
