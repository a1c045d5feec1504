"""``kiosk central``: serve, new-key, demo-data, set-config."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kiosk.cli.common import setup_logging, wait_for_signal
from kiosk.config import ConfigError


def cmd_central(args: argparse.Namespace) -> int:
    from kiosk.central.config import key_hash, load_central_config, new_key

    if args.action == "new-key":
        key = new_key()
        print(f"key        {key}\nkey_sha256 {key_hash(key)}")
        print("(the key goes to the hall's [sync] hall_key, its sha256 to central's config)")
        return 0
    try:
        cfg = load_central_config(args.config)
    except ConfigError as exc:
        print(f"配置错误 config error: {exc}", file=sys.stderr)
        return 2
    if args.action in ("demo-data", "set-config"):
        return _central_offline(cfg, args)
    if args.action == "detach-month":
        return _detach_month(cfg, args)
    from kiosk.central.cluster import CentralCluster, workers_for
    from kiosk.central.server import CentralServer
    from kiosk.central.store import StoreError

    setup_logging(args.verbose)
    workers = args.workers if args.workers is not None else workers_for(cfg)
    server: CentralServer | CentralCluster
    if workers > 1:
        server = CentralCluster(cfg, workers=workers, host=args.host, port=args.port)
    else:
        server = CentralServer(cfg, host=args.host, port=args.port)
    try:
        server.start()
    except (OSError, StoreError, RuntimeError) as exc:
        print(f"cannot start central: {exc}", file=sys.stderr)
        return 1
    print(
        f"central serving {server.base_url}/central/v1 ({cfg.database_url().split(':')[0]}, "
        f"{len(cfg.halls)} halls, {workers} worker{'s' if workers > 1 else ''})",
        file=sys.stderr,
        flush=True,
    )
    try:
        wait_for_signal()
    finally:
        server.stop()
    return 0


def _central_offline(cfg: Any, args: argparse.Namespace) -> int:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from kiosk.central.app import CentralError, check_hall_config
    from kiosk.central.store import CentralStore
    from kiosk.sync import fragment

    now = datetime.now(ZoneInfo(cfg.central.timezone))
    store = CentralStore(cfg.database_url())
    try:
        if args.action == "demo-data":
            from kiosk.central.demo_data import demo_accounts

            n = store.load_accounts(demo_accounts(now, args.count), now)
            print(f"{n} demo accounts from 3100000001 loaded into {store.backend}")
            return 0
        if args.hall not in {h.id for h in cfg.halls}:
            print(f"hall {args.hall} is not in {args.config}", file=sys.stderr)
            return 1
        text = Path(args.file).read_text(encoding="utf-8")
        if "[hall]" in text:  # a whole hall file: keep only central's sections
            text = fragment.central_part(text)
        try:
            check_hall_config(args.hall, text)
        except CentralError as exc:
            print(str(exc), file=sys.stderr)
            return 1
        store.put_hall_config(args.hall, text, fragment.digest(text), now)
        print(f"configuration {fragment.digest(text)[:12]} set for hall {args.hall}")
        return 0
    finally:
        store.close()


def _detach_month(cfg: Any, args: argparse.Namespace) -> int:
    from kiosk.central.store import CentralStore, StoreError

    if not args.hall:
        print("detach-month needs the month: kiosk central detach-month YYYY-MM", file=sys.stderr)
        return 2
    store = CentralStore(cfg.database_url())
    try:
        table = store.detach_month(args.hall)
    except (StoreError, ValueError) as exc:
        print(f"cannot detach {args.hall}: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(
        f"events of {args.hall} detached as table {table}: archive it with "
        f"pg_dump -t '{table}*', then DROP TABLE {table} (the day figures stay)"
    )
    return 0


def register(sub: Any) -> None:
    ce = sub.add_parser(
        "central",
        help="the central server; 'central new-key' makes a hall key",
        description="serve: the central API. new-key: a random key and its SHA-256. "
        "demo-data: fill the accounts table with demo customers. set-config HALL FILE: set a "
        "hall's configuration (a whole hall.toml is cut to central's sections). "
        "detach-month YYYY-MM: take a month of events out of the events table for archiving "
        "(PostgreSQL; the day figures stay).",
    )
    ce.add_argument(
        "action",
        nargs="?",
        choices=["serve", "new-key", "demo-data", "set-config", "detach-month"],
        default="serve",
    )
    ce.add_argument("hall", nargs="?", help="set-config: the hall id; detach-month: YYYY-MM")
    ce.add_argument("file", nargs="?", help="set-config: the TOML file")
    ce.add_argument("--config", default="/etc/kiosk/central.toml")
    ce.add_argument("--host", help="override central.host")
    ce.add_argument("--port", type=int, help="override central.port")
    ce.add_argument("--count", type=int, default=200, help="demo-data: how many customers")
    ce.add_argument(
        "--workers", type=int, help="override central.workers (1: one process, no supervisor)"
    )
    ce.set_defaults(func=cmd_central)
