"""Every process ``kiosk demo`` starts ends with it: on SIGTERM, on Ctrl-C (SIGINT), and
even when it is killed outright (SIGKILL: the kernel's parent-death signal). Real processes:
the demo with its hall display, soft caller and lobby windows (Qt offscreen)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def children(pid: int) -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:
            continue
    return out


def descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for child in children(todo.pop()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    """Running (a zombie left to a PID 1 that does not reap counts as ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_for(check, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what} within {timeout_s} s")


WINDOWS = ("kiosk.cli display", "kiosk.cli counter", "ui.lobby")


@pytest.mark.parametrize(
    ("sig", "code"),
    [(signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGKILL, -9)],
    ids=["sigterm", "ctrl-c", "sigkill"],
)
def test_the_demos_windows_end_with_it(tmp_path, sig, code):
    env = {
        **os.environ,
        "DISPLAY": ":99",  # "there is a screen": the demo opens its windows…
        "QT_QPA_PLATFORM": "offscreen",  # …which Qt draws offscreen here
        "HOME": str(tmp_path),
    }
    args = ["demo", "--port", "0", "--speed", "60", "--data-dir", str(tmp_path / "demo")]
    with open(tmp_path / "demo.out", "w") as out:
        demo = subprocess.Popen(
            [sys.executable, "-m", "kiosk.cli", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env=env,
        )
    try:

        def windows_up() -> set[int]:
            kids = descendants(demo.pid)
            shown = {w for w in WINDOWS for k in kids if w in cmdline(k)}
            return kids if len(shown) == len(WINDOWS) else set()

        started = wait_for(windows_up, 60, "the three windows did not start")
        time.sleep(2)  # the windows are up and running their event loops
        started = descendants(demo.pid) | started
        demo.send_signal(sig)
        assert demo.wait(timeout=60) == code
        wait_for(
            lambda: not [p for p in started if alive(p)],
            20,
            "still running: " + "; ".join(cmdline(p)[:80] for p in started if alive(p)),
        )
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
        for p in descendants(demo.pid):
            os.kill(p, signal.SIGKILL)
    log = (tmp_path / "demo.out").read_text(encoding="utf-8", errors="replace")
    if sig != signal.SIGKILL:
        assert "日结 day closed" in log, log[-3000:]  # it stopped the way Ctrl-C does
