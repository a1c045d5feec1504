"""The lobby's screenshot script runs end to end (it is how docs/screenshots are made and
looked at): one screen, written where it is told, at the kiosk's size, nothing cut off."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ui.qt.gui import QImage

ROOT = Path(__file__).resolve().parents[3]


def test_the_script_grabs_the_home_screen_into_the_given_folder(tmp_path):
    out = tmp_path / "shots"
    r = subprocess.run(
        [
            sys.executable,
            str(ROOT / "ui" / "tools" / "screenshots_lobby.py"),
            *("--only", "home", "--look", "zh", "--orientation", "portrait", "--out", str(out)),
        ],
        cwd=tmp_path,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert "portrait/zh: 1 screenshots" in r.stdout
    assert "portrait/zh/home:" not in r.stdout  # no layout problem reported
    image = QImage(str(out / "portrait" / "zh" / "01-home.png"))
    assert (image.width(), image.height()) == (1080, 1920)
