"""``kiosk ui`` as a program: against a real daemon, its PIN hashing, its errors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.helpers.hall import KIOSK, example_config, running_hall
from ui.lobby.app import target_from_config

ROOT = Path(__file__).resolve().parents[3]


def lobby_program(*args: str, tmp_path: Path, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    return subprocess.Popen(
        [sys.executable, "-m", "ui.lobby", *args],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kwargs,
    )


def test_the_program_shows_the_live_queue_and_stops_cleanly_on_sigterm(tmp_path):
    with running_hall(tmp_path / "data") as (app, _, _):
        proc = lobby_program(
            "--url",
            app.base_url,
            "--token",
            KIOSK,
            "--windowed",
            "--bench-first-frame",
            tmp_path=tmp_path,
        )
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "interactive"
        finally:
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=20)
        assert proc.returncode == 0, err


def test_without_a_daemon_address_it_says_what_to_give(tmp_path):
    proc = lobby_program(tmp_path=tmp_path)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 2 and "--config" in err and "--url" in err


def test_the_config_gives_the_daemons_address_and_the_readers_kiosk_token(tmp_path):
    cfg_path = tmp_path / "hall.toml"
    text = (Path(__file__).resolve().parents[3] / "kiosk/data/hall.example.toml").read_text()
    cfg_path.write_text(text.replace("/var/lib/kiosk", str(tmp_path)), encoding="utf-8")
    url, token = target_from_config(str(cfg_path))
    assert url == "http://127.0.0.1:8470" and token == KIOSK
    assert example_config(tmp_path).idcard.kiosk == "lobby-1"
