"""One press on the soft caller, seen everywhere in the hall: the staff's window, the
customer's window screen on the hall bus and the main hall display."""

from __future__ import annotations

from tests.helpers.hall import DISPLAY
from ui.display.window import DisplayWindow
from ui.qt.core import Qt


def test_a_paused_counter_is_shown_paused_everywhere_and_resumes(hall, caller, qtbot):
    display = DisplayWindow(hall.url, DISPLAY, clock=hall.clock, tick_ms=50)
    qtbot.addWidget(display)
    display.resize(1920, 1080)
    display.show()
    display.start()
    try:
        qtbot.waitUntil(lambda: display.online, timeout=5000)
        caller.login()
        w = caller.window
        caller.press(Qt.Key.Key_F7)
        caller.shows(lambda: w.state_badge.text() == "暂停服务")
        assert w.buttons["pauseButton"].text() == "恢复\nF7"
        assert not w.buttons["callNextButton"].isEnabled()
        caller.shows(lambda: hall.devices.screen_text(1) == "暂停服务")
        card = display.counter_cards[0]
        qtbot.waitUntil(lambda: card.serving.text() == "暂停服务", timeout=5000)
        assert card.property("state") == "paused"
        assert caller.customer.serving_label.text() == "暂停服务"
        hall.api.issue("A")
        caller.press(Qt.Key.Key_F7)
        caller.shows(lambda: w.state_badge.text() == "空闲")
        caller.shows(lambda: hall.devices.screen_text(1) == "")
        qtbot.waitUntil(lambda: card.serving.text() == "空闲", timeout=5000)
        caller.press(Qt.Key.Key_F1)
        qtbot.waitUntil(lambda: display.latest_number.text() == "A001", timeout=5000)
        assert display.latest_counter.text() == "到 1 号窗口"
    finally:
        display.close()
