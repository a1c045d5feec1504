"""The hall display as customers see it, following the real daemon's WebSocket."""

from __future__ import annotations

import socket

from tests.helpers.hall import MANAGER
from tests.helpers.uihall import ui_hall


def test_the_newest_call_is_shown_large_and_flashes_for_a_few_seconds(hall, display, qtbot):
    hall.api.issue("A")
    hall.api.issue("B")
    hall.api.counter(1, "call-next")
    qtbot.waitUntil(lambda: display.latest_number.text() == "A001", timeout=5000)
    assert display.latest_counter.text() == "到 1 号窗口"
    assert display.flashing and display.call_panel.property("flash") == "on"
    hall.clock.advance(2)
    hall.api.counter(3, "call-next")
    qtbot.waitUntil(lambda: display.latest_number.text() == "B001", timeout=5000)
    assert display.recent_labels[0].text() == "A001 → 1号窗口"
    hall.clock.advance(0.5)  # the flash blinks: half a second off
    qtbot.waitUntil(lambda: display.call_panel.property("flash") == "off", timeout=5000)
    assert display.flashing
    hall.clock.advance(0.5)
    qtbot.waitUntil(lambda: display.call_panel.property("flash") == "on", timeout=5000)
    hall.clock.advance(6)  # after the flash time it stays, steady
    qtbot.waitUntil(lambda: not display.flashing, timeout=5000)
    assert display.call_panel.property("flash") == "off"
    assert display.latest_number.text() == "B001"
    # A recall brings a call back to the top and it flashes again.
    hall.api.counter(1, "recall")
    qtbot.waitUntil(lambda: display.latest_number.text() == "A001", timeout=5000)
    assert display.flashing and display.recent_labels[0].text() == "B001 → 3号窗口"


def test_counters_services_waiting_and_the_time(hall, display, qtbot):
    for service in "AAD":
        hall.api.issue(service)
    hall.api.counter(2, "call-next")
    hall.api.counter(2, "start")
    cards = display.counter_cards
    qtbot.waitUntil(lambda: cards[1].serving.text() == "A001", timeout=5000)
    assert [c.name.text() for c in cards] == ["1号窗口", "2号窗口", "3号窗口", "4号窗口"]
    assert cards[0].services.text() == "电费缴纳 · 咨询查询"
    assert cards[1].state == "serving" and cards[0].serving.text() == "空闲"
    cells = {c.name.text(): c.waiting.text() for c in display.service_cells}
    # The hall's estimates: A 3 min / 2 open counters = 90 s, D 4 min / 3 counters = 80 s.
    assert cells["电费缴纳"] == "等候 1 人 · 约 2 分钟"
    assert cells["咨询查询"] == "等候 1 人 · 约 1 分钟"
    assert cells["业扩报装"] == "等候 0 人"
    assert display.time_label.text() == "09:00"
    assert display.date_label.text() == "2026年11月23日 星期一"
    hall.clock.advance(125)
    qtbot.waitUntil(lambda: display.time_label.text() == "09:02", timeout=5000)


def test_outage_notices_scroll_and_a_withdrawn_one_goes(hall, display, qtbot):
    assert "欢迎您" in display.ticker.text
    notice = {"id": "n1", "title": "11月25日8:00-12:00计划停电检修", "area": "天河路一带"}
    r = hall.api.call("PUT", "/notices", token=MANAGER, json={"notices": [notice]})
    assert r.status_code == 200, r.text
    qtbot.waitUntil(
        lambda: display.ticker.text == "停电公告：11月25日8:00-12:00计划停电检修（天河路一带）",
        timeout=5000,
    )
    hall.api.call("PUT", "/notices", token=MANAGER, json={"notices": []})
    qtbot.waitUntil(lambda: "欢迎您" in display.ticker.text, timeout=5000)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_lost_daemon_shows_on_screen_and_the_display_recovers_by_itself(
    tmp_path, display_factory, qtbot
):
    port = free_port()
    with ui_hall(tmp_path, hallbus=False, port=port) as first:
        clock = first.clock
        display = display_factory(first.url, clock)
        first.api.issue("A")
        first.api.counter(1, "call-next")
        qtbot.waitUntil(lambda: display.counter_cards[0].serving.text() == "A001", timeout=5000)
        assert not display.banner.isVisible()
    # The daemon is gone (restarted by systemd, say): the screen says so at once.
    qtbot.waitUntil(lambda: display.banner.isVisible(), timeout=5000)
    assert display.banner.text() == "与叫号系统的连接中断，正在重新连接…"
    with ui_hall(tmp_path, hallbus=False, port=port, clock=clock) as second:
        qtbot.waitUntil(lambda: not display.banner.isVisible(), timeout=10000)
        # It redrew from the new daemon's hello, and follows it again.
        second.api.issue("A")
        second.api.counter(2, "call-next")
        qtbot.waitUntil(lambda: display.counter_cards[1].serving.text() == "A002", timeout=5000)
        assert display.counter_cards[0].serving.text() == "A001"
        assert display.latest_number.text() == "A002"


def test_a_4k_screen_shows_the_same_picture_twice_as_large(hall, display_factory, qtbot):
    hall.api.issue("E")
    hall.api.counter(4, "call-next")
    hd = display_factory(hall.url, hall.clock, (1920, 1080))
    uhd = display_factory(hall.url, hall.clock, (3840, 2160))
    for w in (hd, uhd):
        qtbot.waitUntil(lambda w=w: w.latest_number.text() == "E001", timeout=5000)
    assert uhd.latest_number.font().pixelSize() == 2 * hd.latest_number.font().pixelSize()
    assert uhd.counter_cards[3].serving.font().pixelSize() == 2 * (
        hd.counter_cards[3].serving.font().pixelSize()
    )
    # Nothing is cut off: every label has at least the room its text needs.
    for w in (hd, uhd):
        for label in (w.latest_number, w.latest_counter, w.hall_label, w.time_label):
            assert label.width() >= label.sizeHint().width(), label.objectName()
