"""``kiosk report``: the manager's day or month."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from kiosk.cli.common import DEFAULT_CONFIG, load


def cmd_report(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from kiosk.clock import SystemClock
    from kiosk.hall.report_html import render_html, render_text
    from kiosk.hall.reports import daily_report, month_report
    from kiosk.hall.root import STORE_FILE
    from kiosk.store import StorageError

    cfg = load(args.config)
    names = {s.number: s.name for s in cfg.staff}
    store = cfg.data_path() / STORE_FILE
    if not store.exists():
        print(f"no store at {store} yet: no ticket was ever issued", file=sys.stderr)
        return 1
    try:
        if args.month:
            rep = month_report(store, cfg.queue_rules(), args.month, staff_names=names)
        else:
            day = date.fromisoformat(args.date) if args.date else SystemClock(cfg.tz).now().date()
            rep = daily_report(store, cfg.queue_rules(), day, staff_names=names)
    except ValueError:
        print("日期应为 YYYY-MM-DD，月份应为 YYYY-MM (date or month malformed)", file=sys.stderr)
        return 2
    except StorageError as exc:  # a store newer than this program, a damaged file
        print(f"✗ 报表失败 report failed: {exc}", file=sys.stderr)
        return 1
    hall_name = cfg.hall.name_en or cfg.hall.name if args.lang == "en" else cfg.hall.name
    if args.json:
        print(json.dumps(rep, ensure_ascii=False, indent=1))
    else:
        print(render_text(rep, hall_name, args.lang))
    if args.html:
        # "Generated at" in the hall's time, not the machine's zone (often UTC on a server).
        generated = SystemClock(cfg.tz).now()
        page = render_html(rep, hall_name, args.lang, generated=generated)
        Path(args.html).write_text(page, encoding="utf-8")
        print(f"HTML: {args.html}", file=sys.stderr)
    return 0


def register(sub: Any) -> None:
    rp = sub.add_parser(
        "report",
        help="the manager's day or month: waits, service times, time limits, satisfaction",
        description="Figures per service, counter and staff member, arrivals per hour, from "
        "the store (works while the hall runs). --html writes a printable page with charts.",
    )
    rp.add_argument("--config", default=DEFAULT_CONFIG)
    when = rp.add_mutually_exclusive_group()
    when.add_argument("--date", help="YYYY-MM-DD (default today)")
    when.add_argument("--month", help="YYYY-MM: the month, day by day")
    rp.add_argument("--html", metavar="FILE", help="also write the report as an HTML page")
    rp.add_argument("--json", action="store_true", help="the figures as JSON instead of a table")
    rp.add_argument("--lang", choices=["zh_CN", "en"], default="zh_CN")
    rp.set_defaults(func=cmd_report)
