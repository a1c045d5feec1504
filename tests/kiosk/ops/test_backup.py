"""``kiosk backup`` while the hall runs, ``kiosk restore`` with it stopped."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.helpers.hall import EXAMPLE, running_hall

ROOT = Path(__file__).resolve().parents[3]


def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def config_file(tmp_path: Path) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        'data_dir = "/var/lib/kiosk"', f'data_dir = "{tmp_path / "data"}"'
    )
    p = tmp_path / "hall.toml"
    p.write_text(text + "\n[voice]\nenabled = false\n", encoding="utf-8")
    return p


def test_backup_while_running_then_restore_with_the_daemon_stopped(tmp_path):
    config = config_file(tmp_path)
    with running_hall(tmp_path / "data") as (_, api, _):
        for _ in range(5):
            api.issue("A")
        r = kiosk("backup", "--config", str(config), "--to", str(tmp_path / "b1.db"))
        assert r.returncode == 0, r.stderr
        assert "5 events" in r.stdout and "integrity ok" in r.stdout
        api.issue("B")  # after the backup
        # The daemon owns the store: a restore is refused, nothing changed.
        r = kiosk("restore", str(tmp_path / "b1.db"), "--config", str(config))
        assert r.returncode == 1 and "stop it first" in r.stderr
        assert api.call("GET", "/tickets/20261123-B001").status_code == 200
    r = kiosk("restore", str(tmp_path / "b1.db"), "--config", str(config))
    assert r.returncode == 0, r.stderr
    assert "restored 5 events" in r.stdout and "before-restore" in r.stdout
    with running_hall(tmp_path / "data") as (_, api, _):
        assert api.call("GET", "/tickets/20261123-B001").status_code == 404
        assert api.issue("A")["number"] == "A006"
    kept = list((tmp_path / "data").glob("hall.db.before-restore-*"))
    conn = sqlite3.connect(kept[0])
    assert conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 6
    conn.close()


def test_a_damaged_or_foreign_file_is_refused_and_the_store_untouched(tmp_path):
    config = config_file(tmp_path)
    with running_hall(tmp_path / "data") as (_, api, _):
        api.issue("A")
    bad = tmp_path / "notes.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    other = tmp_path / "other.db"
    sqlite3.connect(other).close()
    for source in (bad, other, tmp_path / "missing.db"):
        r = kiosk("restore", str(source), "--config", str(config))
        assert r.returncode == 1 and "恢复失败" in r.stderr, source
    assert not list((tmp_path / "data").glob("hall.db.before-restore-*"))
    with running_hall(tmp_path / "data") as (_, api, _):
        assert api.call("GET", "/tickets/20261123-A001").status_code == 200


def test_backup_into_the_default_directory(tmp_path):
    config = config_file(tmp_path)
    r = kiosk("backup", "--config", str(config))
    assert r.returncode == 1 and "no store" in r.stderr
    with running_hall(tmp_path / "data") as (_, api, _):
        api.issue("A")
    r = kiosk("backup", "--config", str(config))
    assert r.returncode == 0, r.stderr
    files = list((tmp_path / "data" / "backup").glob("hall-*.db"))
    assert len(files) == 1 and files[0].stat().st_size > 0
