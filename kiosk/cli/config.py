"""``kiosk config check`` and ``kiosk config hash-pin``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kiosk.cli.common import DEFAULT_CONFIG, load
from kiosk.config import describe


def cmd_config_check(args: argparse.Namespace) -> int:
    if args.describe:
        print("\n".join(describe()))
        return 0
    cfg = load(args.config)
    rules = cfg.queue_rules()
    print(f"✓ {args.config}: hall {cfg.hall.id} ({cfg.hall.name})")
    for s in rules.services.values():
        limit = f"{s.time_limit_s // 60} min" if s.time_limit_s else "none"
        print(f"  service {s.code} {s.name} / {s.name_en}: time limit {limit}")
    for c in rules.counters.values():
        print(f"  counter {c.number}: {', '.join(c.services)} ({c.policy.value})")
    print(f"  {len(cfg.tokens)} API tokens; store in {cfg.data_path()}")
    return 0


def cmd_config_hash_pin(args: argparse.Namespace) -> int:
    """A salted hash of a staff PIN for a [[staff]] table; the PIN itself is never shown."""
    import getpass

    from kiosk.hall.auth import PIN_RE, hash_pin

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


def register(sub: Any) -> None:
    c = sub.add_parser("config", help="configuration tools")
    csub = c.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    cc = csub.add_parser("check", help="validate a hall config file and summarise it")
    cc.add_argument("config", nargs="?", default=DEFAULT_CONFIG)
    cc.add_argument("--describe", action="store_true", help="list every setting with its default")
    cc.set_defaults(func=cmd_config_check)

    hp = csub.add_parser("hash-pin", help="the salted hash of a staff PIN for [[staff]]")
    hp.add_argument("--stdin", action="store_true", help="read the PIN from stdin (scripts)")
    hp.set_defaults(func=cmd_config_hash_pin)
