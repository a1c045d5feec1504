"""``kiosk devices`` (list, watch) and ``kiosk print-test``, for technicians."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kiosk.cli.common import DEFAULT_CONFIG, load


def _daemon_client(cfg: Any) -> Any:
    """A manager's client of the running hall daemon, or None when none answers."""
    import httpx

    from kiosk.client import api_client

    token = next((t.token for t in cfg.tokens if t.role == "manager"), None)
    if token is None:
        print("the config has no manager token: add one to use this command", file=sys.stderr)
        raise SystemExit(1)
    client = api_client(cfg.api.local_url, token, timeout_s=20)
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
    cfg = load(args.config)
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
    ws_url = cfg.api.local_url.replace("http", "ws", 1)
    shown = 0
    interesting = ("device.", "ticket.printed", "ticket.print_failed", "ticket.called")
    with connect(f"{ws_url}/api/v1/events?token={token}") as ws:
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
    from kiosk.hall.devices import print_result_dict, sample_ticket

    cfg = load(args.config)
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


def register(sub: Any) -> None:
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
