"""``kiosk doctor`` on the box's clock (is it synchronised? a box without an RTC battery
boots in 1970) and on the Qt UIs' reference guard (without it they refuse to start)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.ops.timesync import clock_state, run_command
from tests.helpers.hall import EXAMPLE
from tests.ui.qt.test_immortals import UNGUARDED, needs_guard

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def config(tmp_path) -> Path:
    """A hall with no devices and no voice: only the box's own checks take time."""
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        'data_dir = "/var/lib/kiosk"', f'data_dir = "{tmp_path / "data"}"'
    )
    p = tmp_path / "hall.toml"
    p.write_text(text + "\n[voice]\nenabled = false\n", encoding="utf-8")
    return p


def doctor(config: Path, *prefix: str, env: dict[str, str] | None = None):
    return subprocess.run(
        [*prefix, sys.executable, "-m", "kiosk.cli", "doctor", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


def line(out: str, name: str) -> tuple[str, str]:
    lines = out.splitlines()
    i = next(i for i, x in enumerate(lines) if x[2:].startswith(name))
    fix = lines[i + 1] if i + 1 < len(lines) and lines[i + 1].startswith("    → ") else ""
    return lines[i], fix


@pytest.mark.skipif(not shutil.which("faketime"), reason="./dev installs faketime")
def test_a_box_whose_clock_says_1970_is_a_cross_with_how_to_set_it(config):
    # libfaketime: the whole doctor process (and what it runs) sees 1970, as on a box with
    # a dead RTC battery; monotonic time is left alone.
    r = doctor(config, "faketime", "1970-01-01 08:00:00", env={"DONT_FAKE_MONOTONIC": "1"})
    clock, fix = line(r.stdout, "时钟同步 clock")
    assert clock.startswith("✗ 时钟同步 clock: it reads 1970-01-01 08:00"), r.stdout
    assert "before 2026-01-01" in clock
    assert "sudo timedatectl set-ntp true" in fix and "set-time" in fix
    assert r.returncode == 1


def stand_ins(tmp_path: Path, **scripts: tuple[int, str]) -> dict[str, str]:
    """Commands this container cannot run for real (no systemd as PID 1, no chrony): small
    scripts that answer as they do on a kiosk box, first on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, (code, out) in scripts.items():
        script = bin_dir / name
        script.write_text(f"#!/bin/sh\nprintf '%s\\n' '{out}'\nexit {code}\n", encoding="utf-8")
        script.chmod(0o755)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def test_ntp_on_but_not_synchronised_is_a_cross_through_the_command(tmp_path, config):
    env = stand_ins(tmp_path, timedatectl=(0, "NTP=yes\nNTPSynchronized=no"))
    r = doctor(config, env=env)
    clock, fix = line(r.stdout, "时钟同步 clock")
    assert clock.startswith("✗ 时钟同步 clock: not synchronised yet"), r.stdout
    assert "timesyncd.conf" in fix and r.returncode == 1


@pytest.mark.parametrize(
    ("answer", "level", "words", "fix"),
    [
        ("NTP=yes\nNTPSynchronized=yes", "ok", "synchronised (timedatectl: NTP)", ""),
        ("NTP=no\nNTPSynchronized=no", "fail", "no time synchronisation", "set-ntp true"),
    ],
)
def test_what_timedatectl_says(tmp_path, monkeypatch, answer, level, words, fix):
    monkeypatch.setenv("PATH", stand_ins(tmp_path, timedatectl=(0, answer))["PATH"])
    got = clock_state(NOW, run_command, flag=tmp_path / "no-flag")
    assert got[0] == level and words in got[1] and fix in got[2]


def test_chrony_not_synchronised_is_a_cross(tmp_path, monkeypatch):
    env = stand_ins(
        tmp_path,
        timedatectl=(1, "System has not been booted with systemd as init system (PID 1)."),
        chronyc=(0, "Reference ID    : 00000000 ()\nLeap status     : Not synchronised"),
    )
    monkeypatch.setenv("PATH", env["PATH"])
    level, what, fix = clock_state(NOW, run_command, flag=tmp_path / "no-flag")
    assert (level, what.split(";")[0]) == ("fail", "not synchronised (chrony: Not synchronised)")
    assert "chronyc sources" in fix


def test_timesyncd_flag_or_nothing_at_all(tmp_path, monkeypatch):
    env = stand_ins(tmp_path, timedatectl=(1, "Failed to connect to bus"), chronyc=(127, ""))
    monkeypatch.setenv("PATH", env["PATH"])
    flag = tmp_path / "synchronized"
    level, what, _ = clock_state(NOW, run_command, flag=flag)
    assert level == "warn" and what.startswith("cannot tell") and "2026-11-23 09:00" in what
    flag.touch()
    assert clock_state(NOW, run_command, flag=flag)[:2] == (
        "ok",
        "synchronised (systemd-timesyncd); it reads 2026-11-23 09:00 UTC",
    )


def test_the_reference_guard_is_in_place_here(config):
    r = doctor(config)
    guard, _ = line(r.stdout, "界面引用保护 Qt UI reference guard")
    assert guard.startswith("✓ 界面引用保护 Qt UI reference guard: "), r.stdout


@needs_guard
def test_a_guard_that_did_not_take_is_a_cross_with_what_to_do(tmp_path, config):
    # A debug build of CPython cannot run here: the stand-in of test_immortals.py, put in
    # place at interpreter start-up for the interpreter doctor asks.
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(UNGUARDED, encoding="utf-8")
    r = doctor(config, env={"PYTHONPATH": f"{site}{os.pathsep}{ROOT}"})
    guard, fix = line(r.stdout, "界面引用保护 Qt UI reference guard")
    assert guard.startswith("✗ 界面引用保护 Qt UI reference guard: not in place"), r.stdout
    assert "exit status 70" in guard and "None holds" in guard
    assert "release build of CPython 3.11" in fix and r.returncode == 1
