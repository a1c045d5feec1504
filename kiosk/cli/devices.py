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
        from kiosk.ops.probe import probe_devices

        print("营业厅服务未运行，直接检测设备 hall daemon not running: devices asked directly")
        lines = [(p.line, p.url) for p in probe_devices(cfg)]
    else:
        from kiosk.ops.doctor import line_of_entry

        try:
            devices = client.get("/api/v1/devices").json()
        finally:
            client.close()
        lines = [(line_of_entry(d), d["url"]) for d in devices]
    if not lines:
        print("没有配置设备 no devices configured")
    return print_device_lines(lines)


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def print_device_lines(lines: list[tuple[Any, str]]) -> int:
    """One line per device, ✓ / ! / ✗, Chinese then English, what to do under each that is
    not ✓ (the words of drivers/device_states.py); 1 when any is ✗."""
    from drivers.device_states import Level

    labels = [line.label.both() for line, _ in lines]
    states = [line.words.state.both() for line, _ in lines]
    lw = max((_width(t) for t in labels), default=0) + 2
    sw = max((_width(t) for t in states), default=0) + 2
    bad = 0
    for (line, url), label, state in zip(lines, labels, states, strict=True):
        w = line.words
        bad += w.level is Level.FAIL
        pad_l, pad_s = " " * (lw - _width(label)), " " * (sw - _width(state))
        print(f"  {w.level.mark}  {label}{pad_l}{state}{pad_s}{url}")
        if w.level is not Level.OK:
            if line.detail and line.state == "error":
                print(f"       {line.detail}")
            if w.fix.zh:
                print(f"       → {w.fix.both()}")
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
    """The sample ticket on the printer the config names, through the daemon that drives it,
    or directly when no daemon answers on the config's API port. A daemon that answers
    there but drives another printer refuses (it is another hall's config, or a stale one):
    the test page never comes out of a printer the technician did not name."""
    from kiosk.hall.devices import print_result_dict, sample_ticket

    cfg = load(args.config)
    url = cfg.printer.url
    if not url:
        print("no printer configured ([printer] url)", file=sys.stderr)
        return 1
    client = _daemon_client(cfg)
    if client is not None:
        try:
            r = client.post("/api/v1/devices/printer/test", json={"printer_url": url})
        finally:
            client.close()
        if r.status_code != 200:
            error = r.json()["error"]
            print(f"✗ 未打印 not printed: {error['message']}", file=sys.stderr)
            if error["code"] == "other_printer":
                print(
                    f"  → {cfg.api.local_url} 上运行的营业厅服务用的是另一份配置 the hall daemon "
                    f"on {cfg.api.local_url} runs another config: use that config, or stop "
                    "that daemon to print directly on the printer this one names",
                    file=sys.stderr,
                )
            return 1
        result, how = r.json(), f"through the hall daemon at {cfg.api.local_url}"
    else:
        from drivers.printer import PrinterSettings, TicketPrinter

        printer = TicketPrinter(
            PrinterSettings(url=url, baudrate=cfg.printer.baudrate, dsrdtr=cfg.printer.dsrdtr)
        )
        printer.start()
        try:
            result = print_result_dict(printer.submit(sample_ticket(cfg)).result(timeout=20))
        finally:
            printer.close()
        how = "directly (no hall daemon running)"
    if result["printed"]:
        warn = f" ({'; '.join(result['warnings'])})" if result["warnings"] else ""
        print(f"✓ 测试号票已打印 sample ticket printed: {result['bytes']} bytes{warn}")
        print(f"  打印机 printer: {url}, {how}")
        return 0
    print(f"✗ 未能打印 not printed on {url}: {result['reason']}", file=sys.stderr)
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
