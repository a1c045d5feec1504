"""Self-service bill lookup (电费查询) by account number and by ID card."""

from __future__ import annotations

from drivers.sim.idcard import ELDERLY_CARD


def open_by_account(lobby, account: str) -> None:
    lobby.tap("tile_bills")
    lobby.wait_screen("identify")
    lobby.tap("identify_account")
    lobby.wait_screen("account")
    lobby.keypad("account", account)


def test_a_bill_by_account_number_shows_arrears_usage_tariff_and_payments(lobby):
    open_by_account(lobby, "3100000001")
    lobby.wait_screen("bill")
    expected = lobby.api.call("GET", "/bills/3100000001").json()
    assert expected["balance"] < 0
    assert lobby.text("bill_balance_caption") == "欠费金额"
    assert lobby.text("bill_balance") == f"¥{-expected['balance']:,.2f}"
    assert lobby.text("bill_who") == f"户号 31****0001　户名 {expected['name_masked']}"
    assert lobby.text("bill_tariff_caption") == f"阶梯电价：第{expected['tariff']['tier']}档"
    assert len(lobby.window.bill.chart.months) == 12
    assert lobby.window.bill.chart.months[-1][1] == expected["history"][-1]["kwh"]
    assert lobby.text("bill_payments").count("¥") == min(4, len(expected["payments"]))
    assert lobby.text("bill_as_of").startswith("数据截至 2026-11-23")
    assert "缓存" not in lobby.text("bill_as_of")


def test_print_the_bill_and_pay_by_qr_code(lobby):
    open_by_account(lobby, "3100000002")
    lobby.wait_screen("bill")
    lobby.tap("bill_print")
    lobby.wait_until(lambda: lobby.text("bill_status") == "账单已打印，请取走")
    (statement,) = lobby.sims.printer.wait_for_tickets(1, timeout_s=10)
    assert "电费账单" in "\n".join(statement.texts)
    lobby.tap("bill_pay")
    lobby.wait_screen("pay")
    bill = lobby.controller.flow.bill
    assert lobby.window.pay.qr.payload == bill["pay_url"]
    lobby.tap("pay_back")
    lobby.wait_screen("bill")


def test_a_bill_that_cannot_print_says_why(lobby):
    lobby.sims.printer.set_paper("out")
    open_by_account(lobby, "3100000002")
    lobby.wait_screen("bill")
    lobby.tap("bill_print")
    lobby.wait_until(lambda: lobby.text("bill_status").startswith("账单未能打印"))
    assert "缺纸" in lobby.text("bill_status")


def test_a_bill_by_id_card_lists_the_accounts_with_names_masked(lobby):
    lobby.tap("tile_bills")
    lobby.wait_screen("identify")
    lobby.present_card(ELDERLY_CARD)
    lobby.wait_screen("accounts")
    found = lobby.api.call(
        "POST", "/bills/lookup", json={"id_number": ELDERLY_CARD.id_number}
    ).json()["accounts"]
    assert len(found) == 2
    second = lobby.button("account_1").text()
    assert found[1]["account_masked"] in second and found[1]["name_masked"] in second
    assert found[1]["account"] not in second
    lobby.tap("account_1")
    lobby.wait_screen("bill")
    assert lobby.controller.flow.bill["account"] == found[1]["account"]
    lobby.tap("bill_back")  # back to the list, not to the start
    lobby.wait_screen("accounts")


def test_a_wrong_account_number_says_so_and_offers_a_way_back(lobby):
    open_by_account(lobby, "3199999999")
    lobby.wait_screen("message")
    assert lobby.text("message_text") == "未找到户号3199999999，请核对后重新输入"
    lobby.tap("message_action")  # 重新输入
    lobby.wait_screen("account")
    assert lobby.window.account.digits == ""
    lobby.keypad("account", "12")
    lobby.wait_screen("message")
    assert lobby.text("message_text") == "户号格式不正确，请核对后重新输入"
    lobby.tap("message_home")
    lobby.wait_screen("home")
    assert not lobby.controller.flow.has_personal_data()


def test_a_bill_from_the_cache_says_so(lobby):
    bill = lobby.api.call("GET", "/bills/3100000005").json()
    bill["cached"] = True  # as the sync daemon answers when central is away
    lobby.window.bill.set_bill({**bill, "account_masked": "31****0005"})
    lobby.window.show_screen("bill")
    assert lobby.text("bill_as_of").endswith("（缓存数据，可能不是最新）")
    lobby.tap("lang_toggle")
    assert lobby.text("bill_as_of").endswith("(cached, may not be the latest)")
