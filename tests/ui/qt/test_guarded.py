"""``python -m ui.qt.guarded NAME COMMAND``, which the UI units start through: the command
runs (exec) where the reference guard takes; where it does not, nothing runs and the exit
status is 70, the one the units do not restart."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.ui.qt.test_immortals import UNGUARDED, needs_guard
from ui.qt import immortals

ROOT = Path(__file__).resolve().parents[3]


def guarded(tmp_path: Path, *cmd: str, unguarded: bool = False):
    path = [str(ROOT)]
    if unguarded:
        # A debug build of CPython cannot run here: its answer to the layout check is put
        # in place before anything else runs (the stand-in of tests/ui/qt/test_immortals.py).
        site = tmp_path / "site"
        site.mkdir(exist_ok=True)
        (site / "sitecustomize.py").write_text(UNGUARDED, encoding="utf-8")
        path.insert(0, str(site))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
    return subprocess.run(
        [sys.executable, "-m", "ui.qt.guarded", *cmd],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=env,
    )


def test_where_the_guard_takes_the_command_replaces_the_launcher(tmp_path):
    r = guarded(tmp_path, "ui", "sh", "-c", "touch ran; exit 3")
    assert r.returncode == 3, r.stderr  # the command's own status
    assert (tmp_path / "ran").exists()


@needs_guard
def test_where_it_does_not_nothing_runs_and_the_status_is_70(tmp_path):
    r = guarded(tmp_path, "display", "sh", "-c", "touch ran", unguarded=True)
    assert r.returncode == immortals.EXIT_UNGUARDED == 70
    assert "kiosk display: 拒绝启动" in r.stderr and "None holds" in r.stderr
    assert not (tmp_path / "ran").exists()
