"""``kiosk install`` into a temporary root (DESTDIR style): what lands where, idempotence,
upgrades keeping config and data, uninstall removing exactly what was installed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_install_puts_every_file_in_place_with_the_prefix_filled_in(tmp_path):
    r = kiosk("install", "--destdir", str(tmp_path), "--no-venv")
    assert r.returncode == 0, r.stderr
    expected = [
        "etc/systemd/system/kiosk-hall.service",
        "etc/systemd/system/kiosk-sync.service",
        "etc/systemd/system/kiosk-ui.service",
        "etc/systemd/system/kiosk-display.service",
        "usr/lib/sysusers.d/kiosk.conf",
        "usr/lib/tmpfiles.d/kiosk.conf",
        "etc/udev/rules.d/99-kiosk.rules",
        "etc/kiosk/hall.toml",
        "opt/hall-kiosk/share/doc/hall-kiosk/deploy.md",
    ]
    for path in expected:
        assert (tmp_path / path).is_file(), path
    hall = (tmp_path / "etc/systemd/system/kiosk-hall.service").read_text()
    assert "ExecStart=/opt/hall-kiosk/venv/bin/kiosk hall --config /etc/kiosk/hall.toml" in hall
    assert "User=kiosk" in hall
    sysusers = (tmp_path / "usr/lib/sysusers.d/kiosk.conf").read_text()
    assert sysusers.startswith("#") and "u kiosk" in sysusers
    # The config installed is the example, valid as it is.
    assert kiosk("config", "check", str(tmp_path / "etc/kiosk/hall.toml")).returncode == 0
    manifest = json.loads(
        (tmp_path / "opt/hall-kiosk/share/hall-kiosk/installed-files.json").read_text()
    )
    assert "/etc/kiosk/hall.toml" not in manifest  # config is not the installer's to remove
    assert "/etc/systemd/system/kiosk-hall.service" in manifest
    assert not (tmp_path / "run").exists()  # nothing live was touched


def test_reinstall_is_idempotent_and_an_upgrade_keeps_config_and_data(tmp_path):
    assert kiosk("install", "--destdir", str(tmp_path), "--no-venv").returncode == 0
    config = tmp_path / "etc/kiosk/hall.toml"
    config.write_text(config.read_text().replace("国网广州供电局天河营业厅", "我们的营业厅"))
    store = tmp_path / "var/lib/kiosk/hall.db"
    store.write_bytes(b"the hall's data")
    r = kiosk("install", "--destdir", str(tmp_path), "--no-venv")
    assert r.returncode == 0
    assert "unchanged /etc/systemd/system/kiosk-hall.service" in r.stdout
    assert "kept /etc/kiosk/hall.toml" in r.stdout
    assert "我们的营业厅" in config.read_text()
    assert store.read_bytes() == b"the hall's data"


def test_uninstall_removes_what_was_installed_and_keeps_config_and_data(tmp_path):
    kiosk("install", "--destdir", str(tmp_path), "--no-venv")
    (tmp_path / "var/lib/kiosk/hall.db").write_bytes(b"data")
    r = kiosk("uninstall", "--destdir", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "etc/systemd/system/kiosk-hall.service").exists()
    assert not (tmp_path / "etc/udev/rules.d/99-kiosk.rules").exists()
    assert (tmp_path / "etc/kiosk/hall.toml").exists() and (
        tmp_path / "var/lib/kiosk/hall.db"
    ).exists()
    r = kiosk("uninstall", "--destdir", str(tmp_path), "--purge")
    assert "nothing to remove" in r.stdout
    kiosk("install", "--destdir", str(tmp_path), "--no-venv")
    r = kiosk("uninstall", "--destdir", str(tmp_path), "--purge")
    assert not (tmp_path / "etc/kiosk").exists() and not (tmp_path / "var/lib/kiosk").exists()


def test_live_install_without_root_is_refused_clearly(monkeypatch, capsys):
    """Running as another user cannot be done here (the interpreter lives under /root,
    mode 700), so the user id is the one thing faked: os.geteuid answers 1000."""
    import os

    from kiosk.cli import main

    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert main(["install"]) == 1
    assert "needs root" in capsys.readouterr().err
    assert main(["uninstall"]) == 1
