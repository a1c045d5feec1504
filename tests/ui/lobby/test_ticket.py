"""Taking a ticket at the lobby touchscreen, through the real hall daemon and printer."""

from __future__ import annotations

from drivers.sim.idcard import ADULT_CARD, ELDERLY_CARD


def personal(lobby, ticket_id):
    return lobby.manager("GET", f"/tickets/{ticket_id}").json()


def test_a_ticket_without_identification_prints_and_goes_home_by_itself(lobby):
    lobby.tap("tile_A")
    lobby.wait_screen("identify")
    lobby.tap("identify_skip")
    lobby.wait_screen("ticket")
    assert lobby.text("ticket_number") == "A001"
    assert lobby.text("ticket_ahead") == "您前面还有 0 人"
    assert lobby.text("ticket_counters") == "办理窗口：1、2号"
    (printed,) = lobby.sims.printer.wait_for_tickets(1, timeout_s=10)
    assert "A001" in printed.texts
    lobby.wait_until(lambda: lobby.window.ticket.state == "printed")
    assert lobby.text("print_status") == "请取走您的号票，留意叫号"
    assert not lobby.window.ticket.qr_panel.isVisible()
    lobby.advance(9)
    assert lobby.screen == "ticket" and lobby.text("ticket_countdown") == "1 秒后返回首页"
    lobby.advance(1)
    assert lobby.screen == "home"


def test_people_ahead_and_the_wait_come_from_the_daemon(lobby):
    for _ in range(3):
        lobby.api.issue("B")
    lobby.wait_until(lambda: lobby.text("tile_B_info") == "等候 3 人")
    lobby.tap("tile_B")
    lobby.wait_screen("identify")
    lobby.tap("identify_skip")
    lobby.wait_screen("ticket")
    assert lobby.text("ticket_number") == "B004"
    assert lobby.text("ticket_ahead") == "您前面还有 3 人"
    assert lobby.text("ticket_wait").startswith("预计约")


def test_a_ticket_with_the_id_card_is_identified_and_keeps_no_card_data(lobby):
    lobby.tap("tile_B")
    lobby.wait_screen("identify")
    lobby.present_card(ADULT_CARD)
    lobby.wait_screen("ticket")
    ticket = lobby.controller.flow.ticket
    seen = personal(lobby, ticket["id"])
    assert seen["identified"] is True and seen["name_masked"] == "张*"
    assert seen["id_masked"].startswith("4401") and "*" in seen["id_masked"]
    # The card's data went out with the ticket request and is not kept on the kiosk.
    assert not lobby.controller.flow.has_personal_data()


def test_a_ticket_with_the_account_number_typed_on_the_keypad(lobby):
    lobby.tap("tile_D")
    lobby.wait_screen("identify")
    lobby.tap("identify_account")
    lobby.wait_screen("account")
    lobby.keypad("account", "31000000079", ok=False)
    lobby.tap_in("account", "key_delete")
    assert lobby.text("account_display") == "3100 0000 07"
    lobby.tap_in("account", "key_ok")
    lobby.wait_screen("ticket")
    assert personal(lobby, lobby.controller.flow.ticket["id"])["account"] == "3100000007"


def test_an_elderly_card_offers_the_green_channel_by_itself(lobby):
    lobby.tap("tile_A")
    lobby.wait_screen("identify")
    lobby.present_card(ELDERLY_CARD)
    lobby.wait_screen("offer")
    assert lobby.text("offer_greeting") == "李**，您好"
    assert "70岁" in lobby.text("offer_text")
    lobby.tap("offer_accept")
    lobby.wait_screen("ticket")
    assert lobby.text("ticket_priority") == "绿色通道 · 优先叫号"
    assert personal(lobby, lobby.controller.flow.ticket["id"])["priority"] == "elderly"


def test_an_elderly_card_on_the_home_screen_leads_to_a_priority_ticket(lobby):
    lobby.present_card(ELDERLY_CARD)
    lobby.wait_screen("offer")
    lobby.tap("offer_accept")
    lobby.wait_screen("services")
    lobby.tap("green_tile_C")
    lobby.wait_screen("ticket")
    ticket = personal(lobby, lobby.controller.flow.ticket["id"])
    assert ticket["service"] == "C" and ticket["priority"] == "elderly" and ticket["identified"]


def test_the_green_channel_for_the_elderly_checks_the_card(lobby):
    lobby.tap("tile_green")
    lobby.wait_screen("green")
    lobby.tap("green_elderly")
    lobby.wait_screen("services")
    lobby.tap("green_tile_A")
    lobby.wait_screen("identify")
    # The age is checked on the card: no skipping, no account number.
    assert not lobby.button("identify_skip").isVisible()
    assert not lobby.button("identify_account").isVisible()
    lobby.present_card(ADULT_CARD)
    lobby.wait_screen("message")
    assert "年满70岁" in lobby.text("message_text")
    lobby.tap("message_action")  # 普通取号
    lobby.wait_screen("ticket")
    assert personal(lobby, lobby.controller.flow.ticket["id"])["priority"] is None


def test_out_of_paper_shows_the_ticket_with_its_qr_code_and_alerts_staff(lobby):
    lobby.sims.printer.set_paper("out")
    lobby.tap("tile_A")
    lobby.wait_screen("identify")
    lobby.tap("identify_skip")
    lobby.wait_screen("ticket")
    lobby.wait_until(lambda: lobby.window.ticket.state == "failed")
    assert "号票未能打印，请记住您的号码" in lobby.text("print_status")
    assert lobby.window.ticket.qr.isVisible()
    ticket = lobby.controller.flow.ticket
    assert lobby.window.ticket.qr.payload == f"gd-gz-tianhe-01/{ticket['id']}"
    # Staff see it: the failure is an event and the printer reports no paper.
    devices = {d["name"]: d for d in lobby.manager("GET", "/devices").json()}
    assert devices["printer"]["paper"] == "out"
    # More time to note the number before the screen goes home.
    lobby.advance(20)
    assert lobby.screen == "ticket"
    lobby.advance(11)
    assert lobby.screen == "home"


def test_a_second_tap_while_the_ticket_is_on_its_way_takes_no_second_ticket(lobby):
    lobby.tap("tile_A")
    lobby.wait_screen("identify")
    lobby.tap("identify_skip")
    lobby.controller.issue_ticket()  # a second finger, before the answer
    lobby.wait_screen("ticket")
    queue = lobby.api.call("GET", "/queue").json()
    assert next(s for s in queue["services"] if s["service"] == "A")["waiting"] == 1
