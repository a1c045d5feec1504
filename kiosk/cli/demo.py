"""``kiosk demo``: the whole hall on one machine."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from kiosk.cli.common import setup_logging


def cmd_demo(args: argparse.Namespace) -> int:
    from kiosk.demo.run import run_demo

    setup_logging(args.verbose) if args.verbose else logging.basicConfig(level=logging.WARNING)
    return run_demo(args)


def register(sub: Any) -> None:
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
