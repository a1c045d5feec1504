"""Voice guidance (语音引导) and outage notices (停电公告) on the lobby screen."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.helpers.lobby import LobbyHarness

PLAYER = Path(__file__).resolve().parents[2] / "helpers" / "record_player.py"


def played(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def test_voice_guidance_reads_each_screens_instruction_through_the_halls_voice(tmp_path, qtbot):
    log = tmp_path / "played.txt"
    lobby = LobbyHarness(
        tmp_path, qtbot.waitUntil, voice_player=[sys.executable, str(PLAYER), str(log)]
    )
    try:
        lobby.tap("voice_toggle")  # the home screen's instruction: 欢迎光临，请选择您要办理的业务
        qtbot.waitUntil(lambda: len(played(log)) >= 1, timeout=30_000)
        lobby.tap("tile_A")  # 请将身份证放在读卡区
        qtbot.waitUntil(lambda: len(played(log)) >= 2, timeout=30_000)
        lobby.tap("voice_toggle")  # off: the next screens are silent
        lobby.tap("identify_back")
        lobby.wait_screen("home")
        assert len(played(log)) == 2
    finally:
        lobby.close()


def test_outage_notices_scroll_on_the_home_screen_while_there_are_any(lobby):
    assert not lobby.window.home.notices.isVisible()
    lobby.set_notices(("n-7", "11月25日 天河路计划停电"))
    lobby.wait_until(lambda: lobby.window.home.notices.isVisible())
    assert lobby.window.home.notices.text == "停电公告：11月25日 天河路计划停电"
    assert lobby.window.home.notices.moving
    lobby.set_notices()  # withdrawn
    lobby.wait_until(lambda: not lobby.window.home.notices.isVisible())
