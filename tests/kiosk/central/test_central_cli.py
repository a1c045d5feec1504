"""`kiosk central` as an operator runs it (real subprocesses)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import httpx

from kiosk.central.config import key_hash
from kiosk.central.store import CentralStore
from kiosk.sync import fragment
from tests.helpers.hall import EXAMPLE
from tests.kiosk.central.support import HALL, KEYS, central_config

ROOT = Path(__file__).resolve().parents[3]


def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_new_key_prints_a_key_and_the_hash_central_keeps():
    r = kiosk("central", "new-key")
    assert r.returncode == 0
    lines = dict(line.split(maxsplit=1) for line in r.stdout.splitlines()[:2])
    assert len(lines["key"]) >= 32 and lines["key_sha256"] == key_hash(lines["key"])


def test_set_config_cuts_a_whole_hall_file_to_centrals_sections(tmp_path):
    central_config(tmp_path, "sqlite:///central.db")
    r = kiosk(
        "central", "set-config", HALL, str(EXAMPLE), "--config", str(tmp_path / "central.toml")
    )
    assert r.returncode == 0, r.stderr
    store = CentralStore(f"sqlite:///{tmp_path / 'central.db'}")
    try:
        cfg = store.hall_config(HALL)
    finally:
        store.close()
    assert cfg is not None and "[hall]" not in cfg["text"] and "[[services]]" in cfg["text"]
    assert cfg["digest"] == fragment.digest(cfg["text"])
    r = kiosk(
        "central", "set-config", "nobody", str(EXAMPLE), "--config", str(tmp_path / "central.toml")
    )
    assert r.returncode == 1 and "is not in" in r.stderr


def test_central_serves_until_sigterm_and_reports_bad_config_with_its_line(tmp_path):
    central_config(tmp_path, "sqlite:///central.db")
    server = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "central", "--config", str(tmp_path / "central.toml")],
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert server.stderr is not None
        line = ""
        for line in server.stderr:
            if "central serving" in line:
                break
        base = line.split("serving ")[1].split("/central/v1")[0]
        r = httpx.get(
            f"{base}/central/v1/halls/{HALL}/cursor",
            headers={"Authorization": f"Bearer {KEYS[HALL]}"},
        )
        assert r.status_code == 200 and r.json()["acked_seq"] == 0
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=15)
        assert server.stderr is not None
        server.stderr.close()
    assert server.returncode == 0
    bad = tmp_path / "central.toml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("port = 0", 'port = "x"'))
    r = kiosk("central", "--config", str(bad))
    assert r.returncode == 2 and f"{bad}:3: central.port" in r.stderr
