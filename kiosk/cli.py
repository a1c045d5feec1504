"""The ``kiosk`` command: one entry point for the hall daemon, the demo and the tools."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.config import ConfigError, describe, load_config

DEFAULT_CONFIG = "/etc/kiosk/hall.toml"


def _setup_logging(verbose: bool) -> None:
    """The journal under systemd (with the subsystem as a field), stderr otherwise."""
    from kiosk.journal import setup_logging

    command = next((a for a in sys.argv[1:] if not a.startswith("-")), "cli")
    setup_logging(f"kiosk-{command}", verbose=verbose)


def _load(path: str) -> Any:
    try:
        return load_config(path)
    except ConfigError as exc:
        print(f"配置错误 config error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def cmd_hall(args: argparse.Namespace) -> int:
    from kiosk.app import HallApp, HallBusy
    from kiosk.journal import setup_logging

    setup_logging("kiosk-hall", verbose=args.verbose)
    cfg = _load(args.config)
    app = HallApp(cfg, host=args.host, port=args.port)
    try:
        app.start()
    except (HallBusy, OSError) as exc:
        print(f"cannot start the hall: {exc}", file=sys.stderr)
        return 1
    print(f"hall {cfg.hall.id} serving {app.base_url}/api/v1", file=sys.stderr, flush=True)
    from kiosk.daemon import serve

    return serve(app)


def cmd_config_check(args: argparse.Namespace) -> int:
    if args.describe:
        print("\n".join(describe()))
        return 0
    cfg = _load(args.config)
    rules = cfg.queue_rules()
    print(f"✓ {args.config}: hall {cfg.hall.id} ({cfg.hall.name})")
    for s in rules.services.values():
        limit = f"{s.time_limit_s // 60} min" if s.time_limit_s else "none"
        print(f"  service {s.code} {s.name} / {s.name_en}: time limit {limit}")
    for c in rules.counters.values():
        print(f"  counter {c.number}: {', '.join(c.services)} ({c.policy.value})")
    print(f"  {len(cfg.tokens)} API tokens; store in {cfg.data_path()}")
    return 0


def _open_store_readonly(cfg: Any) -> Any:
    from kiosk.app import STORE_FILE
    from kiosk.store import EventStore

    path = cfg.data_path() / STORE_FILE
    if not path.exists():
        print(f"no store at {path} yet: no ticket was ever issued", file=sys.stderr)
        raise SystemExit(1)
    return EventStore(path)


def cmd_tickets(args: argparse.Namespace) -> int:
    from kiosk.clock import SystemClock
    from kiosk.hall import Hall

    cfg = _load(args.config)
    store = _open_store_readonly(cfg)
    try:
        day = date.fromisoformat(args.date) if args.date else SystemClock(cfg.tz).now().date()
        hall = Hall(cfg, store, SystemClock(cfg.tz))
        rows = hall.tickets_of_day(day)
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
    from kiosk.app import HallBusy, lock_data_dir
    from kiosk.clock import SystemClock
    from kiosk.hall import Hall
    from kiosk.queue import QueueError

    cfg = _load(args.config)
    try:
        lock = lock_data_dir(cfg.data_path())
    except HallBusy:
        # The daemon is running: it owns the queue, so close through its API.
        from kiosk.api.client import api_client

        token = next((t.token for t in cfg.tokens if t.role == "manager"), None)
        if token is None:
            print("the hall daemon is running and the config has no manager token", file=sys.stderr)
            return 1
        host = "127.0.0.1" if cfg.api.host in ("0.0.0.0", "") else cfg.api.host
        with api_client(f"http://{host}:{cfg.api.port}", token, timeout_s=30) as http:
            r = http.post("/api/v1/admin/close-day")
        if r.status_code != 200:
            print(r.json()["error"]["message"], file=sys.stderr)
            return 1
        result = r.json()
    else:
        from kiosk.app import STORE_FILE
        from kiosk.store import EventStore

        store = EventStore(cfg.data_path() / STORE_FILE)
        try:
            result = Hall(cfg, store, SystemClock(cfg.tz)).close_day()
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


def cmd_config_hash_pin(args: argparse.Namespace) -> int:
    """A salted hash of a staff PIN for a [[staff]] table; the PIN itself is never shown."""
    import getpass

    from kiosk.staff import PIN_RE, hash_pin

    if args.stdin:
        pin = sys.stdin.readline().strip()
    else:
        pin = getpass.getpass("PIN (4-8 位数字 digits): ")
        if getpass.getpass("再输一次 again: ") != pin:
            print("两次输入不一致 the two PINs differ", file=sys.stderr)
            return 1
    if not PIN_RE.match(pin):
        print("PIN 应为4到8位数字 a PIN is 4 to 8 digits", file=sys.stderr)
        return 1
    print(f'pin_hash = "{hash_pin(pin)}"')
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from kiosk.app import STORE_FILE
    from kiosk.clock import SystemClock
    from kiosk.reports import daily_report, month_report
    from kiosk.reports_render import render_html, render_text

    cfg = _load(args.config)
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
    hall_name = cfg.hall.name_en or cfg.hall.name if args.lang == "en" else cfg.hall.name
    if args.json:
        print(json.dumps(rep, ensure_ascii=False, indent=1))
    else:
        print(render_text(rep, hall_name, args.lang))
    if args.html:
        Path(args.html).write_text(render_html(rep, hall_name, args.lang), encoding="utf-8")
        print(f"HTML: {args.html}", file=sys.stderr)
    return 0


def _ui_args(args: argparse.Namespace) -> None:
    """Fill --url of a UI command from the hall config when not given; keep the config
    (tokens, time zone, voice) for the UI."""
    cfg = _load(args.config) if not (args.url and args.token) else None
    if not args.url and cfg is not None:
        host = "127.0.0.1" if cfg.api.host in ("0.0.0.0", "") else cfg.api.host
        args.url = f"http://{host}:{cfg.api.port}"
    args.hall_config = cfg


def cmd_counter(args: argparse.Namespace) -> int:
    from ui.counter.app import run_counter

    _setup_logging(args.verbose) if args.verbose else logging.basicConfig(level=logging.WARNING)
    _ui_args(args)
    return run_counter(args)


def cmd_ui(args: argparse.Namespace) -> int:
    """The lobby touchscreen: its own options (see `kiosk ui --help`) are passed through."""
    from ui.lobby.app import main as lobby_main

    return lobby_main(args.ui_args)


def cmd_display(args: argparse.Namespace) -> int:
    from ui.display.app import run_display

    _setup_logging(args.verbose) if args.verbose else logging.basicConfig(level=logging.WARNING)
    _ui_args(args)
    return run_display(args)


def _daemon_client(cfg: Any) -> Any:
    """A manager's client of the running hall daemon, or None when none answers."""
    import httpx

    from kiosk.api.client import api_client

    token = next((t.token for t in cfg.tokens if t.role == "manager"), None)
    if token is None:
        print("the config has no manager token: add one to use this command", file=sys.stderr)
        raise SystemExit(1)
    host = "127.0.0.1" if cfg.api.host in ("0.0.0.0", "") else cfg.api.host
    client = api_client(f"http://{host}:{cfg.api.port}", token, timeout_s=20)
    try:
        client.get("/api/v1/health")
    except httpx.HTTPError:
        client.close()
        return None
    return client


def _configured_devices(cfg: Any) -> list[tuple[str, str]]:
    out = []
    if cfg.printer.url:
        out.append(("printer", cfg.printer.url))
    if cfg.idcard.url:
        out.append(("idcard", cfg.idcard.url))
    if cfg.hallbus.url:
        out.append(("hallbus", f"{cfg.hallbus.url} ({len(cfg.hallbus.devices)} devices)"))
    if cfg.voice.enabled:
        out.append(("voice", " ".join(cfg.voice.player)))
    return out


def cmd_devices(args: argparse.Namespace) -> int:
    cfg = _load(args.config)
    client = _daemon_client(cfg)
    if args.action == "watch":
        if client is None:
            print("the hall daemon is not running: nothing to watch", file=sys.stderr)
            return 1
        client.close()
        return _watch(cfg, args.count)
    if client is None:
        print("hall daemon not running: devices configured but not checked")
        for name, where in _configured_devices(cfg):
            print(f"  ?  {name:<12} {where}")
        return 1
    try:
        devices = client.get("/api/v1/devices").json()
    finally:
        client.close()
    bad = 0
    for d in devices:
        mark = "✓" if d["ok"] else "✗"
        bad += not d["ok"]
        extra = f"  paper: {d['paper']}" if d.get("paper") else ""
        detail = f"  — {d['detail']}" if d["detail"] and not d["ok"] else ""
        print(f"  {mark}  {d['name']:<12} {d['kind']} @ {d['url']}{extra}{detail}")
    if not devices:
        print("no devices configured")
    return 1 if bad else 0


def _watch(cfg: Any, count: int) -> int:
    import json

    from websockets.sync.client import connect

    token = next(t.token for t in cfg.tokens if t.role == "manager")
    host = "127.0.0.1" if cfg.api.host in ("0.0.0.0", "") else cfg.api.host
    shown = 0
    interesting = ("device.", "ticket.printed", "ticket.print_failed", "ticket.called")
    with connect(f"ws://{host}:{cfg.api.port}/api/v1/events?token={token}") as ws:
        print("watching device traffic (Ctrl-C to stop)", flush=True)
        while not count or shown < count:
            msg = json.loads(ws.recv())
            kind = msg.get("type", "")
            if not kind.startswith(interesting):
                continue
            at = msg.get("at", "")[11:23]
            if kind == "device.frame":
                arrow = "→" if msg["direction"] == "tx" else "←"
                line = f"{at} {msg['device']} {arrow} {msg['address']:>2} {msg['frame']}"
            else:
                fields = {k: v for k, v in msg.items() if k not in ("type", "at", "seq")}
                line = f"{at} {kind} {fields}"
            print(line, flush=True)
            shown += 1
    return 0


def cmd_print_test(args: argparse.Namespace) -> int:
    from kiosk.devices import print_result_dict, sample_ticket

    cfg = _load(args.config)
    if not cfg.printer.url:
        print("no printer configured ([printer] url)", file=sys.stderr)
        return 1
    client = _daemon_client(cfg)
    if client is not None:
        try:
            r = client.post("/api/v1/devices/printer/test")
        finally:
            client.close()
        if r.status_code != 200:
            print(r.json()["error"]["message"], file=sys.stderr)
            return 1
        result = r.json()
    else:
        from drivers.printer import PrinterSettings, TicketPrinter

        printer = TicketPrinter(
            PrinterSettings(
                url=cfg.printer.url, baudrate=cfg.printer.baudrate, dsrdtr=cfg.printer.dsrdtr
            )
        )
        printer.start()
        try:
            result = print_result_dict(printer.submit(sample_ticket(cfg)).result(timeout=20))
        finally:
            printer.close()
    if result["printed"]:
        warn = f" ({'; '.join(result['warnings'])})" if result["warnings"] else ""
        print(f"✓ 测试号票已打印 sample ticket printed: {result['bytes']} bytes{warn}")
        return 0
    print(f"✗ 未能打印 not printed: {result['reason']}", file=sys.stderr)
    return 1


def cmd_demo(args: argparse.Namespace) -> int:
    from kiosk.demo import run_demo

    _setup_logging(args.verbose) if args.verbose else logging.basicConfig(level=logging.WARNING)
    return run_demo(args)


def _wait_for_signal() -> None:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()


def cmd_sync(args: argparse.Namespace) -> int:
    cfg = _load(args.config)
    if args.action == "status":
        return _sync_status(cfg, args.json)
    if not cfg.sync.central_url:
        # Not a failure: a hall without central simply has nothing to sync (and systemd's
        # Restart=on-failure must not restart it every few seconds).
        print(f"{args.config}: [sync] central_url is not set: nothing to sync", file=sys.stderr)
        return 0
    from kiosk.sync.daemon import SyncDaemon

    _setup_logging(args.verbose)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    with SyncDaemon(cfg) as daemon:
        print(
            f"sync of hall {cfg.hall.id} with {cfg.sync.central_url} running",
            file=sys.stderr,
            flush=True,
        )
        daemon.run(stop)
    return 0


def _sync_status(cfg: Any, as_json: bool) -> int:
    import json

    from kiosk.sync.daemon import sync_status

    st = sync_status(cfg)
    # Healthy: it has run, and nothing failed since its last success.
    healthy = st["started"] and (
        not st["last_error_at"] or (st["last_success_at"] or "") >= st["last_error_at"]
    )
    if as_json:
        print(json.dumps({**st, "healthy": bool(healthy)}, ensure_ascii=False, indent=2))
        return 0 if healthy else 1
    print(f"同步 sync of hall {st['hall']} → {st['central'] or '(no central_url)'}")
    print(
        f"  积压 backlog        {st['backlog']} events "
        f"(hall at {st['hall_last_seq']}, central holds {st['acked_seq']})"
    )
    print(f"  最近成功 last success {st['last_success_at'] or 'never'}")
    if st["last_error"]:
        print(f"  最近错误 last error   {st['last_error_at']}  {st['last_error']}")
    else:
        print("  最近错误 last error   none")
    pb = st["pending_batch"]
    if pb:
        print(
            f"  待发批次 pending      events {pb['first_seq']}-{pb['last_seq']} {pb['state']}, "
            f"{pb['attempts']} attempts{(': ' + pb['error']) if pb['error'] else ''}"
        )
    digest = st["config_digest"]
    print(
        "  配置 configuration    "
        + (f"{digest[:12]} applied {st['config_applied_at']}" if digest else "local file only")
    )
    print(f"  停电公告 notices      {st['notices']} (last pull {st['last_pull_at'] or 'never'})")
    if not st["started"]:
        print("  the sync daemon has not run yet on this box")
    return 0 if healthy else 1


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
    from kiosk.central.server import CentralServer
    from kiosk.central.store import StoreError

    _setup_logging(args.verbose)
    server = CentralServer(cfg, host=args.host, port=args.port)
    try:
        server.start()
    except (OSError, StoreError, RuntimeError) as exc:
        print(f"cannot start central: {exc}", file=sys.stderr)
        return 1
    assert server.store is not None
    print(
        f"central serving {server.base_url}/central/v1 ({server.store.backend}, "
        f"{len(cfg.halls)} halls)",
        file=sys.stderr,
        flush=True,
    )
    try:
        _wait_for_signal()
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


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kiosk",
        description="供电营业厅排队叫号系统 — queue, self-service and calling for a utility business hall.",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    h = sub.add_parser("hall", help="serve the hall daemon (queue, devices, LAN API)")
    h.add_argument(
        "--config", default=DEFAULT_CONFIG, help=f"hall config (default {DEFAULT_CONFIG})"
    )
    h.add_argument("--host", help="override api.host")
    h.add_argument("--port", type=int, help="override api.port")
    h.set_defaults(func=cmd_hall)

    d = sub.add_parser(
        "demo",
        help="a whole hall on this machine with simulated devices and customers",
        description="Runs a hall daemon with a demo config, simulated counters working through "
        "a day's customers at a faster clock, and shows the queue live in the terminal. "
        "Prints the API base URL and the demo tokens.",
    )
    d.add_argument("--headless", action="store_true", help="no windows, terminal only")
    d.add_argument(
        "--speed", type=float, default=60.0, help="simulated seconds per real second (60)"
    )
    d.add_argument(
        "--duration",
        type=float,
        default=0,
        help="stop after this many real seconds (0: run the whole day)",
    )
    d.add_argument("--port", type=int, default=8470, help="API port (0: any free port)")
    d.add_argument("--data-dir", help="keep the demo store here (default: a temporary directory)")
    d.add_argument("--seed", type=int, default=7, help="random seed of the simulated day")
    d.set_defaults(func=cmd_demo)

    c = sub.add_parser("config", help="configuration tools")
    csub = c.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    cc = csub.add_parser("check", help="validate a hall config file and summarise it")
    cc.add_argument("config", nargs="?", default=DEFAULT_CONFIG)
    cc.add_argument("--describe", action="store_true", help="list every setting with its default")
    cc.set_defaults(func=cmd_config_check)

    hp = csub.add_parser("hash-pin", help="the salted hash of a staff PIN for [[staff]]")
    hp.add_argument("--stdin", action="store_true", help="read the PIN from stdin (scripts)")
    hp.set_defaults(func=cmd_config_hash_pin)

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

    lobby = sub.add_parser(
        "ui",
        help="the lobby touchscreen (PySide6): tickets, ID card, bill lookup",
        add_help=False,
    )
    lobby.add_argument("ui_args", nargs=argparse.REMAINDER)
    lobby.set_defaults(func=cmd_ui)

    for name, func, what in (
        ("counter", cmd_counter, "the soft caller of a counter (PySide6)"),
        ("display", cmd_display, "the hall's main screen (PySide6, full screen)"),
    ):
        ui = sub.add_parser(name, help=what)
        ui.add_argument("--config", default=DEFAULT_CONFIG, help="hall config (URL, tokens)")
        ui.add_argument("--url", help="the hall daemon, e.g. http://192.168.1.10:8470")
        ui.add_argument("--token", help="this device's token (default: from the config)")
        ui.add_argument("--lang", choices=["zh_CN", "en"], default="zh_CN")
        ui.add_argument("--windowed", action="store_true", help="not full screen / not on top")
        ui.add_argument("--clock-speed", type=float, default=1.0, help=argparse.SUPPRESS)
        if name == "counter":
            ui.add_argument("--counter", type=int, help="this box's counter (default: ask)")
            ui.add_argument("--no-voice", action="store_true", help="touch prompt without voice")
        else:
            ui.add_argument("--screen", type=int, default=-1, help="screen number (-1: last)")
        ui.set_defaults(func=func)

    t = sub.add_parser("tickets", help="a day's tickets as a table (from the store)")
    t.add_argument("--config", default=DEFAULT_CONFIG)
    t.add_argument("--date", help="YYYY-MM-DD (default today)")
    t.set_defaults(func=cmd_tickets)

    dv = sub.add_parser(
        "devices",
        help="configured devices and their state; 'devices watch' shows live traffic",
    )
    dv.add_argument("action", nargs="?", choices=["list", "watch"], default="list")
    dv.add_argument("--config", default=DEFAULT_CONFIG)
    dv.add_argument("--count", type=int, default=0, help="watch: stop after N lines")
    dv.set_defaults(func=cmd_devices)

    pt = sub.add_parser("print-test", help="print a sample ticket on the configured printer")
    pt.add_argument("--config", default=DEFAULT_CONFIG)
    pt.set_defaults(func=cmd_print_test)

    from kiosk.cli_admin import register as register_admin

    register_admin(sub)  # install, uninstall, doctor, logs, backup, restore

    cd = sub.add_parser(
        "close-day", help="the daily close: expire what is left, purge personal data"
    )
    cd.add_argument("--config", default=DEFAULT_CONFIG)
    cd.set_defaults(func=cmd_close_day)

    sy = sub.add_parser(
        "sync",
        help="the sync daemon: events to central, configuration and notices to the hall",
        description="Runs the sync daemon for the hall of --config; 'sync status' shows the "
        "backlog, the last success and the last error (exit 1 when unhealthy).",
    )
    sy.add_argument("action", nargs="?", choices=["run", "status"], default="run")
    sy.add_argument("--config", default=DEFAULT_CONFIG)
    sy.add_argument("--json", action="store_true", help="status: as JSON")
    sy.set_defaults(func=cmd_sync)

    ce = sub.add_parser(
        "central",
        help="the central server; 'central new-key' makes a hall key",
        description="serve: the central API. new-key: a random key and its SHA-256. "
        "demo-data: fill the accounts table with demo customers. set-config HALL FILE: set a "
        "hall's configuration (a whole hall.toml is cut to central's sections).",
    )
    ce.add_argument(
        "action",
        nargs="?",
        choices=["serve", "new-key", "demo-data", "set-config"],
        default="serve",
    )
    ce.add_argument("hall", nargs="?", help="set-config: the hall id")
    ce.add_argument("file", nargs="?", help="set-config: the TOML file")
    ce.add_argument("--config", default="/etc/kiosk/central.toml")
    ce.add_argument("--host", help="override central.host")
    ce.add_argument("--port", type=int, help="override central.port")
    ce.add_argument("--count", type=int, default=200, help="demo-data: how many customers")
    ce.set_defaults(func=cmd_central)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["ui"]:  # the lobby parses its own options, --help included
        from ui.lobby.app import main as lobby_main

        return lobby_main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
