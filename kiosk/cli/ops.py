"""The technician's commands: install, uninstall, doctor, logs, backup, restore."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from kiosk.cli.common import DEFAULT_CONFIG, load

UNITS = ("kiosk-hall", "kiosk-sync", "kiosk-ui", "kiosk-display")


def cmd_install(args: argparse.Namespace) -> int:
    from kiosk.ops.install import InstallPlan, install

    if args.destdir is None and os.geteuid() != 0:
        print(
            "kiosk install needs root (sudo), or --destdir DIR to stage the files", file=sys.stderr
        )
        return 1
    enable = ["kiosk-hall.service"]
    if args.with_sync:
        enable.append("kiosk-sync.service")
    if args.with_ui:
        enable += ["kiosk-ui.service"]
    if args.with_display:
        enable += ["kiosk-display.service"]
    plan = InstallPlan(
        destdir=Path(args.destdir or "/"),
        prefix=Path(args.prefix),
        confdir=Path(args.confdir),
        user=args.user,
        enable=tuple(enable),
    )
    install(plan, make_venv=not args.no_venv)
    for line in plan.actions:
        print(line)
    print("\n安装完成 installed. Next: edit the config, `kiosk config check`, `kiosk doctor`.")
    return 0


def cmd_uninstall(args: argparse.Namespace) -> int:
    from kiosk.ops.install import InstallPlan, uninstall

    if args.destdir is None and os.geteuid() != 0:
        print("kiosk uninstall needs root (sudo), or --destdir DIR", file=sys.stderr)
        return 1
    plan = InstallPlan(
        destdir=Path(args.destdir or "/"), prefix=Path(args.prefix), confdir=Path(args.confdir)
    )
    uninstall(plan, purge=args.purge)
    for line in plan.actions:
        print(line)
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from kiosk.ops.doctor import render, run_checks

    return render(run_checks(args.config, min_free_mb=args.min_free_mb))


def cmd_logs(args: argparse.Namespace) -> int:
    journalctl = shutil.which("journalctl")
    if journalctl is None:
        print("journalctl not found: this box does not log to the systemd journal", file=sys.stderr)
        return 1
    cmd = [journalctl, "--no-pager" if not args.follow else "--follow", "-o", "short-iso"]
    for unit in args.unit or UNITS:
        cmd += ["-u", unit if unit.endswith(".service") else f"{unit}.service"]
    if args.since:
        cmd += ["--since", args.since]
    if args.lines:
        cmd += ["-n", str(args.lines)]
    if args.subsystem:
        cmd.append(f"KIOSK_SUBSYSTEM={args.subsystem}")
    os.execv(journalctl, cmd)
    return 0  # not reached


def cmd_backup(args: argparse.Namespace) -> int:
    from kiosk.ops.backup import BackupError, backup

    cfg = load(args.config)
    dest = Path(args.to) if args.to else cfg.data_path() / "backup"
    try:
        info = backup(cfg.data_path(), dest)
    except BackupError as exc:
        print(f"✗ 备份失败 backup failed: {exc}", file=sys.stderr)
        return 1
    print(
        f"✓ 备份完成 backed up to {info['file']}: {info['events']} events "
        f"({info['first_day']} – {info['last_day']}), {info['bytes'] // 1024} KiB, integrity ok"
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from kiosk.ops.backup import BackupError, restore

    cfg = load(args.config)
    try:
        info: dict[str, Any] = restore(cfg.data_path(), Path(args.file))
    except BackupError as exc:
        print(f"✗ 恢复失败 restore failed: {exc}", file=sys.stderr)
        return 1
    kept = f"; the replaced store is kept as {info['kept']}" if info["kept"] else ""
    print(f"✓ 恢复完成 restored {info['events']} events from {info['from']}{kept}")
    return 0


def register(sub: Any) -> None:
    i = sub.add_parser("install", help="install the units, udev rules, user and config on this box")
    i.add_argument("--destdir", help="stage everything below DIR instead of the live system")
    i.add_argument("--prefix", default="/opt/hall-kiosk", help="where the program goes")
    i.add_argument("--confdir", default="/etc/kiosk")
    i.add_argument("--user", default="kiosk", help="the service user")
    i.add_argument("--with-sync", action="store_true", help="also enable kiosk-sync")
    i.add_argument("--with-ui", action="store_true", help="also enable the lobby touchscreen")
    i.add_argument("--with-display", action="store_true", help="also enable the hall display")
    i.add_argument("--no-venv", action="store_true", help="do not create the program's venv")
    i.set_defaults(func=cmd_install)

    u = sub.add_parser("uninstall", help="remove what install put in place (config and data kept)")
    u.add_argument("--destdir")
    u.add_argument("--prefix", default="/opt/hall-kiosk")
    u.add_argument("--confdir", default="/etc/kiosk")
    u.add_argument("--purge", action="store_true", help="also remove the config and the data")
    u.set_defaults(func=cmd_uninstall)

    d = sub.add_parser(
        "doctor", help="check this box: config, devices, fonts, voice, clock, disk, central"
    )
    d.add_argument("--config", default=DEFAULT_CONFIG)
    d.add_argument("--min-free-mb", type=int, default=500, help="disk space below this is ✗")
    d.set_defaults(func=cmd_doctor)

    lg = sub.add_parser("logs", help="the hall's logs from the journal")
    lg.add_argument("-f", "--follow", action="store_true")
    lg.add_argument("-n", "--lines", type=int, default=200)
    lg.add_argument("--since", help="e.g. today, '1 hour ago'")
    lg.add_argument("--subsystem", help="one subsystem, e.g. kiosk.hall or drivers.printer")
    lg.add_argument("--unit", action="append", help="one unit (default: all the hall's)")
    lg.set_defaults(func=cmd_logs)

    b = sub.add_parser("backup", help="copy the store while the hall runs (SQLite online backup)")
    b.add_argument("--config", default=DEFAULT_CONFIG)
    b.add_argument("--to", help="a file, or a directory (default: DATA_DIR/backup/)")
    b.set_defaults(func=cmd_backup)

    r = sub.add_parser("restore", help="put a backup in place of the store (hall daemon stopped)")
    r.add_argument("file")
    r.add_argument("--config", default=DEFAULT_CONFIG)
    r.set_defaults(func=cmd_restore)
