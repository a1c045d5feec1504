"""The shared HTTP client and event stream of the Qt UIs, against a real hall daemon."""

from __future__ import annotations

import pytest

from kiosk.hall.root import HallApp
from tests.helpers.hall import KIOSK, example_config, running_hall
from ui.common.client import ApiReply, HallClient
from ui.common.events import EventStream, events_url


@pytest.fixture
def hall(tmp_path):
    with running_hall(tmp_path / "data") as running:
        yield running


@pytest.fixture
def client(hall, qtbot):
    app, _, _ = hall
    c = HallClient(app.base_url, KIOSK)
    yield c
    c.close()


def call(qtbot, client, method, path, **kwargs) -> ApiReply:
    got: list[ApiReply] = []
    client.request(method, path, on_reply=got.append, **kwargs)
    qtbot.waitUntil(lambda: bool(got))
    return got[0]


def test_an_answer_arrives_in_the_gui_thread_with_its_body(qtbot, client):
    reply = call(qtbot, client, "POST", "/tickets", json={"service": "A"})
    assert reply.ok and reply.status == 201 and reply.body["number"] == "A001"


def test_errors_carry_the_apis_code_and_message_in_the_chosen_language(qtbot, client):
    reply = call(qtbot, client, "GET", "/bills/0000000000")
    assert reply.error_code == "unknown_account"
    assert reply.error_message == "未找到户号0000000000，请核对后重新输入"
    client.set_language("en")
    reply = call(qtbot, client, "GET", "/bills/0000000000")
    assert "0000000000" in reply.error_message and "未找到" not in reply.error_message


def test_an_unreachable_daemon_is_status_zero_not_an_exception(qtbot, hall):
    app, _, _ = hall
    url = app.base_url
    app.stop()
    c = HallClient(url, KIOSK)
    try:
        reply = call(qtbot, c, "GET", "/queue")
        assert reply.status == 0 and not reply.reached and reply.error_code == "unreachable"
    finally:
        c.close()


def test_dropped_calls_reach_nobody_but_kept_ones_do(qtbot, client):
    late: list[ApiReply] = []
    kept: list[ApiReply] = []
    client.request("POST", "/tickets", json={"service": "A"}, on_reply=late.append)
    client.request("GET", "/queue", on_reply=kept.append, keep=True)
    client.drop_pending()
    qtbot.waitUntil(lambda: client.dropped == 1 and bool(kept))
    assert late == [] and kept[0].ok
    # The call itself was made: the ticket exists; only its answer went nowhere.
    assert call(qtbot, client, "GET", "/tickets/20261123-A001").ok


def test_events_say_hello_then_follow_the_daemon_through_a_restart(qtbot, tmp_path):
    cfg = example_config(tmp_path / "data")
    app = HallApp(cfg, host="127.0.0.1", port=0).start()
    port = app.api.port
    stream = EventStream(app.base_url, KIOSK, backoff_s=(0.05, 0.2))
    messages: list[dict] = []
    stream.message_received.connect(messages.append)
    try:
        with qtbot.waitSignal(stream.message_received, timeout=5000):
            stream.start()
        assert messages[0]["type"] == "hello" and "queue" in messages[0]
        with qtbot.waitSignal(stream.connection_lost, timeout=5000):
            app.stop()
        app = HallApp(cfg, host="127.0.0.1", port=port)
        with qtbot.waitSignal(stream.connection_restored, timeout=10000):
            app.start()
        qtbot.waitUntil(lambda: messages[-1]["type"] == "hello")
    finally:
        stream.stop()
        app.stop()


def test_a_bad_token_is_a_lost_connection(qtbot, hall):
    app, _, _ = hall
    stream = EventStream(app.base_url, "not-the-right-token-at-all", backoff_s=(0.05, 0.1))
    try:
        with qtbot.waitSignal(stream.connection_lost, timeout=5000):
            stream.start()
    finally:
        stream.stop()


def test_the_events_url_carries_the_token_escaped():
    assert events_url("http://h:1/", "a b&c") == "ws://h:1/api/v1/events?token=a%20b%26c"
    assert events_url("https://h", "t").startswith("wss://h/api/v1/events")
