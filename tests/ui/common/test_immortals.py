"""A UI that runs for days survives PySide6 6.12's lost references to None."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

HEAVY_DAY = textwrap.dedent(
    """
    import ui.common  # the guard comes with the shared package
    from PySide6.QtWidgets import QApplication, QLabel
    app = QApplication([])
    label = QLabel()
    for i in range(400_000):  # a busy day of queue updates on the lobby's tiles
        label.setText(str(i % 7))
    print("still alive", flush=True)
    """
)


def test_hundreds_of_thousands_of_void_qt_calls_do_not_abort_the_ui(tmp_path):
    r = subprocess.run(
        [sys.executable, "-c", HEAVY_DAY],
        cwd=ROOT,
        env={"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert "still alive" in r.stdout
