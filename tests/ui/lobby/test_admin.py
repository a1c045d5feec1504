"""The admin panel behind a long press and a PIN, with lockout; the kiosk lockdown."""

from __future__ import annotations

import re

from tests.helpers.lobby import ADMIN_PIN
from ui.qt.core import Qt
from ui.qt.test import QTest


def open_pin(lobby):
    lobby.long_press_corner(3.0)
    lobby.wait_screen("pin")


def test_a_short_press_in_the_corner_does_nothing(lobby):
    lobby.long_press_corner(2.0)
    lobby.window.tick()
    assert lobby.screen == "home"


def test_five_wrong_pins_lock_the_panel_and_the_right_one_opens_it_later(lobby):
    open_pin(lobby)
    for left in (4, 3, 2, 1):
        lobby.keypad("pin", "1111")
        lobby.wait_until(
            lambda left=left: lobby.text("pin_status") == f"密码错误，还可以再试{left}次"
        )
        assert lobby.text("pin_display") == " "  # the digits are not kept
    lobby.keypad("pin", "1111")
    lobby.wait_until(lambda: "已锁定" in lobby.text("pin_status"))
    lobby.keypad("pin", ADMIN_PIN)  # even the right PIN, while locked
    lobby.wait_until(lambda: "请15分钟后再试" in lobby.text("pin_status"))
    assert lobby.screen == "pin"
    lobby.hall_clock.advance(15 * 60)
    lobby.keypad("pin", ADMIN_PIN)
    lobby.wait_screen("admin")
    lobby.wait_until(lambda: "✓ 打印机　正常" in device_lines(lobby))
    assert lobby.text("admin_attention") == "所有设备正常"


def device_lines(lobby) -> list[str]:
    return lobby.window.admin.shown_lines()


def test_the_panel_shows_paper_out_as_one_printer_line_and_its_exit_quits(lobby, qtbot):
    """Not ✗ printer beside ✓ printer-paper: one line per device, one truth, in the words
    kiosk devices and kiosk doctor use; what to do under the lines."""
    lobby.stage("admin-paper-out")
    lobby.wait_until(lambda: "✗ 打印机　缺纸" in device_lines(lobby))
    lines = device_lines(lobby)
    assert [line for line in lines if "打印机" in line] == ["✗ 打印机　缺纸"]
    assert not [line for line in lines if "printer" in line or "hallbus" in line]
    assert "✓ 1号窗口 呼叫器/窗口屏 #1　正常" in lines
    assert lobby.text("admin_attention") == "✗ 打印机：装入新纸卷"
    with qtbot.waitSignal(lobby.window.exit_requested):
        lobby.tap("admin_exit")


def test_paper_near_end_is_one_warning_line_in_chinese_then_in_english(lobby):
    lobby.stage("admin-paper-near-end")
    # The panel asks the daemon for the devices; under load the answer may come a moment later.
    lobby.wait_until(
        lambda: (
            [line for line in device_lines(lobby) if "打印机" in line] == ["! 打印机　打印纸将尽"]
        )
    )
    assert lobby.text("admin_attention") == "! 打印机：请及时更换纸卷"
    lobby.tap("lang_toggle")  # the daemon's words come again, in English
    lobby.wait_until(lambda: "! ticket printer　paper near end" in device_lines(lobby))
    assert lobby.text("admin_attention") == "! ticket printer: change the roll soon"
    assert not [line for line in device_lines(lobby) if re.search(r"[\u3400-\u9fff]", line)]


def test_in_kiosk_mode_no_key_and_no_close_gets_out(lobby):
    w = lobby.window
    w.kiosk_mode = True
    w._exit_allowed = False
    QTest.keyClick(w, Qt.Key.Key_Escape)
    QTest.keyClick(w, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    assert w.close() is False and w.isVisible()
    w.allow_exit()
