"""What the customer sees on every screen: nothing cut off, every button a fingertip wide,
English with no Chinese left in it, large type, the layouts of both orientations, contrast."""

from __future__ import annotations

import contextlib
import re

import pytest
from pytestqt.exceptions import TimeoutError as QtTimeout

from tests.helpers.lobby import STAGES, LobbyHarness, layout_problems
from ui.common.touch import min_target_px
from ui.lobby.theme import LARGE_TYPE_SCALE, TEXT_PAIRS

CJK = re.compile(r"[\u3400-\u9fff]")
# Data that is Chinese whatever the screen's language: masked names, addresses, the button
# that switches back to Chinese. (The admin panel's device lines are not: the daemon gives
# its words in the lobby's language.)
CHINESE_DATA = re.compile(r"^(bill_who|account_\d|offer_greeting|card_banner)$")


def settled_problems(lobby, qtbot) -> list[str]:
    target = min_target_px(lobby.window.screen())
    with contextlib.suppress(QtTimeout):  # layouts settle over a few event-loop turns
        qtbot.waitUntil(lambda: not layout_problems(lobby.window, target), timeout=2000)
    return layout_problems(lobby.window, target)


@pytest.mark.parametrize(
    ("size", "lang", "large"),
    [((1080, 1920), "zh_CN", True), ((1920, 1080), "en", True)],
    ids=["portrait-chinese-large", "landscape-english-large"],
)
def test_every_screen_fits_with_big_enough_buttons(tmp_path, qtbot, size, lang, large):
    """The two tightest looks: nothing is cut off or outside the window, every button is at
    least 15 mm on this screen, and in English nothing is left in Chinese."""
    lobby = LobbyHarness(tmp_path, qtbot.waitUntil, size=size)
    try:
        if lang == "en":
            lobby.tap("lang_toggle")
        if large:
            lobby.tap("large_toggle")
        for stage in STAGES:
            lobby.stage(stage)
            assert settled_problems(lobby, qtbot) == [], stage
            if lang == "en":
                for w in lobby.window.findChildren(type(lobby.window.find_label("clock"))):
                    if w.isVisibleTo(lobby.window) and not CHINESE_DATA.match(w.objectName()):
                        assert not CJK.search(w.text()), f"{stage}: {w.objectName()}: {w.text()}"
                buttons = [b for b in lobby.visible_buttons() if b.objectName() != "lang_toggle"]
                for b in buttons:
                    if not CHINESE_DATA.match(b.objectName()):
                        assert not CJK.search(b.text()), f"{stage}: {b.objectName()}: {b.text()}"
    finally:
        lobby.close()


def test_large_type_enlarges_the_text_of_the_screens(lobby):
    title = lobby.window.find_label("home_title")
    normal = title.font().pixelSize()
    tile = lobby.window.find_label("tile_A_info").font().pixelSize()
    lobby.tap("large_toggle")
    assert title.font().pixelSize() == round(normal * LARGE_TYPE_SCALE)
    assert lobby.window.find_label("tile_A_info").font().pixelSize() > tile
    lobby.tap("large_toggle")
    assert title.font().pixelSize() == normal


def test_portrait_and_landscape_have_their_own_layouts(lobby):
    grid = lobby.window.home.grid.grid

    def columns() -> int:
        return max(
            grid.getItemPosition(i)[1] + grid.getItemPosition(i)[3] for i in range(grid.count())
        )

    assert columns() == 2 and lobby.window.portrait
    lobby.window.resize(1920, 1080)
    assert columns() == 4 and not lobby.window.portrait


def test_text_colours_have_at_least_aaa_contrast():
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for name, (fg, bg) in TEXT_PAIRS.items():
        hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
        assert (hi + 0.05) / (lo + 0.05) >= 7.0, name


def test_the_header_says_the_halls_name_and_date_in_each_language(lobby):
    assert lobby.text("hall_name") == "国网广州供电局天河营业厅"
    assert lobby.text("clock") == "2026年11月23日 星期一  09:30"
    lobby.tap("lang_toggle")
    assert lobby.text("hall_name") == "Tianhe Business Hall, Guangzhou Power Supply"
    assert lobby.text("clock") == "2026-11-23  09:30"
    assert lobby.text("tile_B_title") == "B  New connection / capacity change"
    assert lobby.button("lang_toggle").text() == "中文"
