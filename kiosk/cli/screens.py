"""The Qt screens: ``kiosk ui`` (lobby), ``kiosk counter`` (soft caller), ``kiosk display``."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from kiosk.cli.common import DEFAULT_CONFIG, load, setup_logging


def _ui_args(args: argparse.Namespace) -> None:
    """Fill --url of a UI command from the hall config when not given; keep the config
    (tokens, time zone, voice) for the UI."""
    cfg = load(args.config) if not (args.url and args.token) else None
    if not args.url and cfg is not None:
        args.url = cfg.api.local_url
    args.hall_config = cfg


def cmd_counter(args: argparse.Namespace) -> int:
    from ui.counter.app import run_counter

    setup_logging(args.verbose) if args.verbose else logging.basicConfig(level=logging.WARNING)
    _ui_args(args)
    return run_counter(args)


def cmd_ui(args: argparse.Namespace) -> int:
    """The lobby touchscreen: its own options (see `kiosk ui --help`) are passed through."""
    from ui.lobby.app import main as lobby_main

    return lobby_main(args.ui_args)


def cmd_display(args: argparse.Namespace) -> int:
    from ui.display.app import run_display

    setup_logging(args.verbose) if args.verbose else logging.basicConfig(level=logging.WARNING)
    _ui_args(args)
    return run_display(args)


def register(sub: Any) -> None:
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
