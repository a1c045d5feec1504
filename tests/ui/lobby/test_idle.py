"""Sixty seconds untouched: home, and nothing of the last customer left."""

from __future__ import annotations

from drivers.sim.idcard import ADULT_CARD
from ui.qt.core import QPoint, Qt
from ui.qt.test import QTest


def test_idle_goes_home_and_clears_every_personal_datum(lobby):
    lobby.tap("lang_toggle")  # the customer reads English, in large type
    lobby.tap("large_toggle")
    lobby.tap("tile_bills")
    lobby.wait_screen("identify")
    lobby.tap("identify_account")
    lobby.keypad("account", "3100000003")
    lobby.wait_screen("bill")
    assert "31****0003" in lobby.text("bill_who")
    lobby.advance(59)
    assert lobby.screen == "bill"
    lobby.advance(1)
    assert lobby.screen == "home"
    flow = lobby.controller.flow
    assert not flow.has_personal_data() and flow.purpose == ""
    everything = "\n".join(
        w.text() for w in lobby.window.findChildren(type(lobby.window.find_label("bill_who")))
    )
    assert "0003" not in everything and lobby.window.bill.chart.months == []
    assert lobby.window.account.digits == ""
    # The next customer finds the default look: Chinese, normal type.
    assert lobby.window.lang == "zh_CN" and not lobby.window.large_type
    assert lobby.text("home_title") == "请选择您要办理的业务"


def test_a_card_read_on_the_home_screen_is_forgotten_when_idle(lobby):
    lobby.present_card(ADULT_CARD)
    lobby.wait_until(lambda: lobby.window.home.banner_box.isVisible())
    assert "张*" in lobby.text("card_banner")
    lobby.advance(60)
    assert not lobby.window.home.banner_box.isVisible()
    assert lobby.controller.flow.id_card is None


def test_a_touch_starts_the_minute_again(lobby):
    lobby.tap("tile_A")
    lobby.wait_screen("identify")
    lobby.advance(50)
    QTest.mouseClick(
        lobby.window.identify.illustration, Qt.MouseButton.LeftButton, pos=QPoint(3, 3)
    )
    lobby.advance(50)
    assert lobby.screen == "identify"
    lobby.advance(10)
    assert lobby.screen == "home"
