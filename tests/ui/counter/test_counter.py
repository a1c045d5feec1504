"""The soft caller as counter staff use it, against the real hall daemon on loopback with the
hall bus simulators: what the staff member sees, what the customer's window screen shows,
what the hall's voice says and what the hall records."""

from __future__ import annotations

import json
import sqlite3

from drivers.hallbus.codec import Score
from tests.helpers.hall import counter_token
from tests.helpers.uihall import recording_player, ui_hall
from ui.counter.text import TimerLevel
from ui.counter.voice import PromptVoice
from ui.qt.core import Qt


def ticket(hall, tid: str) -> dict:
    r = hall.api.call("GET", f"/tickets/{tid}", token=counter_token(1))
    assert r.status_code == 200, r.text
    return r.json()


def stored(hall, type_: str) -> list[dict]:
    conn = sqlite3.connect(hall.config.data_path() / "hall.db")
    try:
        rows = conn.execute("SELECT data FROM events WHERE type = ? ORDER BY seq", (type_,))
        return [json.loads(r[0]) for r in rows.fetchall()]
    finally:
        conn.close()


def test_call_recall_start_and_done_from_the_keyboard_reach_screen_voice_and_hall(
    tmp_path, caller_factory
):
    with ui_hall(tmp_path, voice=True) as hall:
        c = caller_factory(hall, 1)
        t = hall.api.issue("A", account="3100000002")
        hall.clock.advance(95)
        c.login("1011")
        w = c.window
        assert w.staff_label.text() == "工号 1011 王芳"
        c.press(Qt.Key.Key_F1)
        c.shows(lambda: w.ticket_number.text() == "A001")
        assert w.ticket_status.text() == "已叫号，等客户到窗口"
        assert w.ticket_waited.text() == "已等候 01:35"
        assert w.ticket_customer.text() == "户号 31****0002"  # masked for the screen
        # The customer sees the call on the window screen and hears it.
        c.shows(lambda: hall.devices.screen_text(1) == "请A001号到1号窗口")
        c.qtbot.waitUntil(lambda: bool(hall.played_lines()), timeout=20000)

        c.press(Qt.Key.Key_F2)
        c.shows(lambda: w.ticket_status.text() == "已叫号（重呼1次）")
        c.shows(lambda: hall.devices.pads[1].screen.texts.count("请A001号到1号窗口") == 2)

        c.press(Qt.Key.Key_F4)
        c.shows(lambda: w.ticket_status.text() == "办理中")
        assert w.service_timer.text() == "办理计时 00:00 / 限时 05:00"
        hall.clock.advance(130)
        c.press(Qt.Key.Key_F5)
        c.shows(lambda: w.ticket_number.text() == "—")
        c.shows(lambda: "办结 1" in w.today_label.text())
        assert "平均办理 02:10" in w.today_label.text()
        done = ticket(hall, t["id"])
        assert done["status"] == "done" and done["first_staff"] == "1011"  # 首问负责制


def test_wrong_pins_lock_the_staff_number_for_five_minutes(hall, caller):
    w = caller.window
    caller.login("1011", "000000", expect_ok=False)
    caller.shows(lambda: w.login_message.text() == "工号或密码不正确，还可再试4次")
    for _ in range(4):
        caller.login("1011", "000000", expect_ok=False)
    caller.shows(lambda: "工号1011已锁定，请5分钟后再试" in w.login_message.text())
    caller.login("1011", "123456", expect_ok=False)  # the right PIN, but locked
    caller.shows(lambda: "已锁定" in w.login_message.text())
    assert w.pages.currentIndex() == 0 and caller.session.staff is None
    hall.clock.advance(301)
    caller.login("1011", "123456")
    assert w.staff_label.text() == "工号 1011 王芳"


def test_two_staff_cannot_share_a_counter_nor_one_be_at_two_counters(hall, caller_factory):
    first = caller_factory(hall, 1)
    second = caller_factory(hall, 1)  # another PC on counter 1
    elsewhere = caller_factory(hall, 2)
    first.login("1011")
    second.login("1012", expect_ok=False)
    second.shows(
        lambda: second.window.login_message.text() == "1号窗口已由工号1011登录，请该员工先退出"
    )
    second.shows(lambda: second.window.login_hint.text() == "本窗口当前登录：工号 1011 王芳")
    elsewhere.login("1011", expect_ok=False)
    elsewhere.shows(
        lambda: elsewhere.window.login_message.text() == "工号1011已在1号窗口登录，请先在该窗口退出"
    )
    assert second.window.pages.currentIndex() == 0
    assert elsewhere.window.pages.currentIndex() == 0
    # Logged out at counter 1, the colleague may take it.
    first.qtbot.mouseClick(first.window.logout_button, Qt.MouseButton.LeftButton)
    first.shows(lambda: first.window.pages.currentIndex() == 0)
    second.login("1012")
    assert second.window.staff_label.text() == "工号 1012 李娜"


def test_logout_waits_until_the_customer_at_the_counter_is_finished(hall, caller):
    hall.api.issue("A")
    caller.login()
    caller.press(Qt.Key.Key_F1)
    caller.shows(lambda: caller.window.ticket_number.text() == "A001")
    caller.qtbot.mouseClick(caller.window.logout_button, Qt.MouseButton.LeftButton)
    caller.shows(lambda: "A001还在本窗口" in caller.window.message_label.text())
    assert caller.window.pages.currentIndex() == 1


def test_a_no_show_can_be_put_back_in_the_queue_behind_those_waiting(hall, caller):
    w = caller.window
    first = hall.api.issue("A")
    hall.api.issue("A")
    caller.login()
    caller.press(Qt.Key.Key_F1)
    caller.shows(lambda: w.ticket_number.text() == "A001")
    caller.press(Qt.Key.Key_F3)
    caller.shows(lambda: w.no_show_list.count() == 1 and w.no_show_list.currentText() == "A001")
    assert ticket(hall, first["id"])["status"] == "no_show"
    caller.shows(lambda: w.ticket_number.text() == "—")
    # The customer comes back: staff put the ticket back in the queue (过号重新排队).
    caller.qtbot.mouseClick(w.reinstate_button, Qt.MouseButton.LeftButton)
    caller.shows(lambda: w.no_show_list.count() == 0)
    caller.shows(lambda: w.message_label.text() == "A001 已重新排队")
    back = ticket(hall, first["id"])
    assert back["status"] == "waiting" and back["ahead"] == 1
    caller.shows(lambda: w.waiting_label.text() == "等候本窗口 2 人：A002 A001")
    caller.press(Qt.Key.Key_F1)
    caller.shows(lambda: w.ticket_number.text() == "A002")


def test_transfer_to_a_service_keeps_the_original_issue_time(hall, caller_factory):
    a = hall.api.issue("A")
    hall.clock.advance(60)
    b = hall.api.issue("B")
    hall.clock.advance(240)
    c1 = caller_factory(hall, 1)
    c3 = caller_factory(hall, 3)
    c1.login("1011")
    c3.login("1031")
    c1.press(Qt.Key.Key_F1)
    c1.press(Qt.Key.Key_F4)
    c1.shows(lambda: c1.window.ticket_status.text() == "办理中")
    c1.press(Qt.Key.Key_F6)
    w = c1.window
    assert w.action_pages.currentIndex() == 1 and w.transfer_title.text() == "转移 A001 到："
    target = w.findChild(type(w.transfer_group.buttons()[0]), "transferTo_service_B")
    target.setChecked(True)
    w.transfer_reason.setCurrentText("需办理新装业务")
    c1.qtbot.mouseClick(w.transfer_confirm, Qt.MouseButton.LeftButton)
    c1.shows(lambda: w.message_label.text() == "A001 已转出")
    moved = ticket(hall, a["id"])
    assert moved["service"] == "B" and moved["status"] == "waiting"
    assert moved["issued_at"] == a["issued_at"] and moved["first_staff"] == "1011"
    # Its 09:00 issue time puts it before B001, taken a minute later.
    assert moved["ahead"] == 0 and ticket(hall, b["id"])["ahead"] == 1
    c3.shows(lambda: c3.window.waiting_label.text() == "等候本窗口 2 人：A001 B001")
    (event,) = stored(hall, "ticket.transferred")
    assert event["reason"] == "需办理新装业务" and event["to_service"] == "B"


def test_the_service_timer_turns_amber_at_80_percent_and_red_past_the_limit(hall, caller):
    w = caller.window
    hall.api.issue("A")  # 电费缴纳: 5 minutes
    caller.login()
    caller.press(Qt.Key.Key_F1)
    assert w.level is TimerLevel.NONE  # called, not yet serving
    caller.press(Qt.Key.Key_F4)
    caller.shows(lambda: w.level is TimerLevel.NORMAL)
    hall.clock.advance(239)
    caller.shows(lambda: w.service_timer.text() == "办理计时 03:59 / 限时 05:00")
    assert w.level is TimerLevel.NORMAL
    hall.clock.advance(1)
    caller.shows(lambda: w.level is TimerLevel.AMBER)
    assert w.service_timer.property("level") == "amber"
    hall.clock.advance(61)
    caller.shows(lambda: w.level is TimerLevel.RED)
    assert w.service_timer.text() == "办理计时 05:01 / 限时 05:00  已超时限"
    # The hall's own time-limit alert is recorded for the manager.
    caller.shows(lambda: bool(stored(hall, "ticket.overdue")))


def test_a_service_without_a_time_limit_never_turns_amber(hall, caller):
    hall.api.issue("D")  # 咨询查询: no limit
    caller.login()
    caller.press(Qt.Key.Key_F1)
    caller.press(Qt.Key.Key_F4)
    hall.clock.advance(3600)
    caller.shows(lambda: caller.window.service_timer.text() == "办理计时 1:00:00（不限时）")
    assert caller.window.level is TimerLevel.NORMAL


def test_the_counters_evaluator_rates_after_done(hall, caller):
    w = caller.window
    t = hall.api.issue("A")
    caller.login()
    caller.shows(lambda: bool(w.status and w.status["evaluator"]))
    caller.press(Qt.Key.Key_F1)
    caller.press(Qt.Key.Key_F5)  # 办结 asks for the rating
    caller.shows(lambda: hall.devices.evaluators[1].evaluating == "A001")
    caller.shows(lambda: w.evaluation_label.text() == "请客户在评价器上为 A001 评价")
    assert not caller.customer.asking  # the device asks, not the screen
    hall.devices.rate(1, Score.SATISFIED)
    caller.shows(lambda: w.evaluation_label.text() == "A001 客户评价：满意")
    assert ticket(hall, t["id"])["score"] == 2
    assert stored(hall, "ticket.evaluated")[-1]["source"] == "evaluator"


def test_without_an_evaluator_the_customer_rates_on_the_touch_prompt_with_voice(
    tmp_path, caller_factory
):
    played = tmp_path / "prompt-played.txt"
    voice = PromptVoice(player=recording_player(played), cache_dir=tmp_path / "prompt-cache")
    try:
        with ui_hall(tmp_path, hallbus=False) as hall:
            c = caller_factory(hall, 1, voice=voice)
            w = c.window
            t = hall.api.issue("A")
            c.login()
            c.press(Qt.Key.Key_F1)
            c.press(Qt.Key.Key_F5)
            c.shows(lambda: c.customer.asking)
            assert c.customer.ask_label.text() == "请您对本次服务进行评价"
            assert w.evaluation_label.text() == "请客户在屏幕上为 A001 评价"
            c.qtbot.waitUntil(lambda: played.exists() and bool(played.read_text()), timeout=20000)
            c.qtbot.mouseClick(c.customer.score_buttons[2], Qt.MouseButton.LeftButton)
            c.shows(lambda: w.evaluation_label.text() == "A001 客户评价：满意")
            assert c.customer.thanks_label.isVisible()
            assert ticket(hall, t["id"])["score"] == 2
            assert stored(hall, "ticket.evaluated")[-1]["source"] == "touch"
            # One score per ticket: asking again is refused with the reason.
            c.press(Qt.Key.Key_F8)
            c.shows(lambda: w.message_label.text() == "A001已经评价过")
    finally:
        voice.close()


def test_an_unanswered_touch_prompt_records_not_rated_never_a_score(tmp_path, caller_factory):
    with ui_hall(tmp_path, hallbus=False) as hall:
        c = caller_factory(hall, 1)
        t = hall.api.issue("A")
        c.login()
        c.press(Qt.Key.Key_F1)
        c.press(Qt.Key.Key_F4)
        c.press(Qt.Key.Key_F8)  # 请评价 while serving
        c.shows(lambda: c.customer.asking)
        c.shows(lambda: c.customer.countdown_label.text() == "30 秒后自动结束")
        hall.clock.advance(31)
        c.shows(lambda: c.window.evaluation_label.text() == "A001 客户评价：未评价")
        assert not c.customer.asking
        assert ticket(hall, t["id"])["score"] == 0
        assert stored(hall, "ticket.evaluated")[-1] == {
            "ticket": t["id"],
            "score": 0,
            "counter": 1,
            "source": "touch",
        }
