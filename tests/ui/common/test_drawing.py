"""QR codes drawn module by module, touch-target sizes, the CJK font, idle time."""

from __future__ import annotations

import qrcode

from ui.common.fonts import FAMILY, ui_font
from ui.common.idle import IdleWatch
from ui.common.qr import QUIET_ZONE, qr_image, qr_matrix
from ui.common.touch import FALLBACK_DPI, MIN_TARGET_MM, mm_to_px, plausible_dpi
from ui.qt.gui import QColor, QFontInfo


def test_the_drawn_qr_code_has_exactly_the_modules_of_its_payload(qapp):
    payload = "gd-gz-tianhe-01/20261123-A001"
    reference = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    reference.add_data(payload)
    reference.make(fit=True)
    matrix = qr_matrix(payload)
    assert matrix == [list(r) for r in reference.get_matrix()]
    module = 6
    image = qr_image(payload, module_px=module)
    n = len(matrix)
    assert image.width() == image.height() == module * (n + 2 * QUIET_ZONE)
    for y in range(n):
        for x in range(n):
            px = QColor(image.pixel((QUIET_ZONE + x) * module + 3, (QUIET_ZONE + y) * module + 3))
            assert (px.lightness() < 128) == matrix[y][x]
    assert QColor(image.pixel(1, 1)).lightness() == 255  # the quiet zone is white


def test_fifteen_millimetres_in_pixels_follow_the_physical_dpi():
    assert mm_to_px(MIN_TARGET_MM, 96) == 57
    assert mm_to_px(MIN_TARGET_MM, 160) == 95
    # Virtual outputs report nonsense; then 96 dpi is assumed.
    assert plausible_dpi(0) == plausible_dpi(4000) == FALLBACK_DPI
    assert plausible_dpi(70) == 70


def test_the_ui_font_is_the_simplified_chinese_face(qapp):
    assert QFontInfo(ui_font(40)).family() == FAMILY


def test_idle_time_is_counted_on_the_given_clock_and_reset_by_a_touch(qapp):
    now = [100.0]
    watch = IdleWatch(60, lambda: now[0])
    fired: list[bool] = []
    watch.timed_out.connect(lambda: fired.append(True))
    now[0] += 59
    assert not watch.check()
    watch.touch()
    now[0] += 59
    assert not watch.check() and fired == []
    now[0] += 1
    assert watch.check() and fired == [True]
    assert not watch.check()  # once per idle spell
