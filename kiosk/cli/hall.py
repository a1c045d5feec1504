"""``kiosk hall`` (the daemon), ``kiosk tickets`` and ``kiosk close-day``."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from kiosk.cli.common import DEFAULT_CONFIG, load


def cmd_hall(args: argparse.Namespace) -> int:
    from kiosk.hall.root import HallApp, HallBusy
    from kiosk.ops.journal import setup_logging

    setup_logging("kiosk-hall", verbose=args.verbose)
    cfg = load(args.config)
    app = HallApp(cfg, host=args.host, port=args.port)
    try:
        app.start()
    except (HallBusy, OSError) as exc:
        print(f"cannot start the hall: {exc}", file=sys.stderr)
        return 1
    print(f"hall {cfg.hall.id} serving {app.base_url}/api/v1", file=sys.stderr, flush=True)
    from kiosk.ops.daemon import serve

    return serve(app)


def _open_store_readonly(cfg: Any) -> Any:
    from kiosk.hall.root import STORE_FILE
    from kiosk.store import EventStore

    path = cfg.data_path() / STORE_FILE
    if not path.exists():
        print(f"no store at {path} yet: no ticket was ever issued", file=sys.stderr)
        raise SystemExit(1)
    return EventStore(path)


def cmd_tickets(args: argparse.Namespace) -> int:
    from kiosk.clock import SystemClock
    from kiosk.hall.service import Hall

    cfg = load(args.config)
    store = _open_store_readonly(cfg)
    try:
        day = date.fromisoformat(args.date) if args.date else SystemClock(cfg.tz).now().date()
        hall = Hall(cfg, store, SystemClock(cfg.tz))
        rows = [r.to_dict() for r in hall.tickets_of_day(day)]
    finally:
        store.close()
    print(f"{day.isoformat()}  {cfg.hall.name}  {len(rows)} 张号票 tickets")
    header = ("号票", "业务", "状态", "取号", "叫号", "结束", "窗口", "评价")
    print("  ".join(f"{h:<8}" for h in header))
    status_zh = {
        "waiting": "等候",
        "called": "已叫号",
        "serving": "办理中",
        "done": "办结",
        "no_show": "过号",
        "cancelled": "取消",
        "expired": "过期",
    }
    for r in rows:
        cells = (
            r["number"],
            r["service"],
            status_zh.get(r["status"], r["status"]),
            r["issued_at"][11:19],
            (r["called_at"] or "")[11:19],
            (r["finished_at"] or "")[11:19],
            str(r["counter"] or ""),
            str(r["score"] if r["score"] is not None else ""),
        )
        print("  ".join(f"{c:<8}" for c in cells))
    return 0


def cmd_close_day(args: argparse.Namespace) -> int:
    from kiosk.clock import SystemClock
    from kiosk.hall.root import HallBusy, lock_data_dir
    from kiosk.hall.service import Hall
    from kiosk.queue import QueueError

    cfg = load(args.config)
    try:
        lock = lock_data_dir(cfg.data_path())
    except HallBusy:
        # The daemon is running: it owns the queue, so close through its API.
        from kiosk.client import api_client

        token = next((t.token for t in cfg.tokens if t.role == "manager"), None)
        if token is None:
            print("the hall daemon is running and the config has no manager token", file=sys.stderr)
            return 1
        with api_client(cfg.api.local_url, token, timeout_s=30) as http:
            r = http.post("/api/v1/admin/close-day")
        if r.status_code != 200:
            print(r.json()["error"]["message"], file=sys.stderr)
            return 1
        result = r.json()
    else:
        from kiosk.hall.root import STORE_FILE
        from kiosk.store import EventStore

        store = EventStore(cfg.data_path() / STORE_FILE)
        try:
            result = Hall(cfg, store, SystemClock(cfg.tz)).close_day().to_dict()
        except QueueError as exc:
            print(exc.message, file=sys.stderr)
            return 1
        finally:
            store.close()
            lock.close()
    print(
        f"日结完成 day closed: {result['day']}; {result['expired']} 张号票过期 expired, "
        f"{result['purged']} 条个人信息已清除 personal records purged"
    )
    return 0


def register(sub: Any) -> None:
    h = sub.add_parser("hall", help="serve the hall daemon (queue, devices, LAN API)")
    h.add_argument(
        "--config", default=DEFAULT_CONFIG, help=f"hall config (default {DEFAULT_CONFIG})"
    )
    h.add_argument("--host", help="override api.host")
    h.add_argument("--port", type=int, help="override api.port")
    h.set_defaults(func=cmd_hall)

    t = sub.add_parser("tickets", help="a day's tickets as a table (from the store)")
    t.add_argument("--config", default=DEFAULT_CONFIG)
    t.add_argument("--date", help="YYYY-MM-DD (default today)")
    t.set_defaults(func=cmd_tickets)

    cd = sub.add_parser(
        "close-day", help="the daily close: expire what is left, purge personal data"
    )
    cd.add_argument("--config", default=DEFAULT_CONFIG)
    cd.set_defaults(func=cmd_close_day)
