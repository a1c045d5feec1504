"""The systemd units as installed: systemd-analyze verify passes on each, and the hall's
unit has the watchdog, restart and hardening a kiosk box needs."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.ops.install import UNITS, InstallPlan, install

ROOT = Path(__file__).resolve().parents[3]
VENV = ROOT / ".venv"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    dest = tmp_path_factory.mktemp("root")
    # The prefix is the real project (its venv's kiosk exists), so verify can check ExecStart.
    plan = InstallPlan(destdir=dest, prefix=ROOT, user="root")
    install(plan, make_venv=False)
    return dest


def unit(installed: Path, name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(installed / "etc/systemd/system" / name)
    return parser


@pytest.mark.parametrize("name", UNITS)
def test_systemd_analyze_verify_passes(installed, name, tmp_path):
    assert shutil.which("systemd-analyze"), "systemd-analyze missing: ./dev installs systemd"
    text = (installed / "etc/systemd/system" / name).read_text()
    assert "@PREFIX@" not in text and "@USER@" not in text
    # The venv of this checkout is .venv, the installed one is venv: point at the real one.
    path = tmp_path / name
    path.write_text(text.replace(f"{ROOT}/venv/", f"{VENV}/"))
    r = subprocess.run(["systemd-analyze", "verify", str(path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip() == "", r.stderr


def test_hall_unit_is_notify_with_watchdog_restart_and_hardening(installed):
    s = unit(installed, "kiosk-hall.service")["Service"]
    assert s["Type"] == "notify" and int(s["WatchdogSec"]) > 0
    assert s["Restart"] == "on-failure"
    assert "dialout" in s["SupplementaryGroups"]
    for key, value in {
        "ProtectSystem": "strict",
        "PrivateTmp": "yes",
        "NoNewPrivileges": "yes",
        "StateDirectory": "kiosk",
        "ProtectHome": "yes",
    }.items():
        assert s[key] == value, key
    assert s["ExecStart"].endswith("kiosk hall --config /etc/kiosk/hall.toml")
    # Central's configuration is written back to the hall's file: the one writable path
    # outside its state, root's but group-writable by the service user.
    assert s["ReadWritePaths"] == "/etc/kiosk"
    tmpfiles = (installed / "usr/lib/tmpfiles.d/kiosk.conf").read_text()
    assert "d /etc/kiosk 0770 root root -" in tmpfiles  # the fixture installs as user root


def test_sync_unit_waits_for_the_network_and_ui_runs_under_cage(installed):
    sync = unit(installed, "kiosk-sync.service")
    assert "network-online.target" in sync["Unit"]["After"]
    ui = unit(installed, "kiosk-ui.service")["Service"]
    assert " -m ui.qt.guarded ui /usr/bin/cage -s -- " in ui["ExecStart"]
    assert ui["Restart"] == "always"


@pytest.mark.parametrize(
    ("name", "ui"), [("kiosk-ui.service", "ui"), ("kiosk-display.service", "display")]
)
def test_a_ui_that_refuses_to_start_is_not_restarted(installed, name, ui):
    """Exit status 70 (the PySide6 reference guard did not take) stops Restart=always; the
    check runs before cage (0.1.4 exits 0 whatever its application exits with), so 70 is
    the unit's main process's own status."""
    s = unit(installed, name)["Service"]
    assert s["RestartPreventExitStatus"] == "70"
    assert s["ExecStart"].split()[1:4] == ["-m", "ui.qt.guarded", ui]
    assert s["ExecStart"].split()[0].endswith("/venv/bin/python")


def test_udev_rules_give_stable_names(installed):
    rules = (installed / "etc/udev/rules.d/99-kiosk.rules").read_text()
    for name in ("kiosk-printer", "kiosk-idcard", "kiosk-hallbus"):
        assert f'SYMLINK+="{name}"' in rules
    # Every rule line is well formed: key op "value" pairs separated by commas.
    for line in rules.splitlines():
        if line and not line.startswith("#"):
            assert line.count('"') % 2 == 0 and "ATTRS{idVendor}==" in line, line
    if shutil.which("udevadm"):
        r = subprocess.run(
            ["udevadm", "verify", str(installed / "etc/udev/rules.d/99-kiosk.rules")],
            capture_output=True,
            text=True,
        )
        # `udevadm verify` exists from systemd 253; on 252 it is an unknown verb.
        if "Unknown command" not in r.stderr and "unknown" not in r.stderr.lower():
            assert r.returncode == 0, r.stderr
