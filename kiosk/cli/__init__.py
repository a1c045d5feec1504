"""The ``kiosk`` command: one entry point for the hall daemon, the demo and the tools.

One module per command group, each with a ``register(sub)`` that adds its sub-commands:
:mod:`~kiosk.cli.hall` (hall, tickets, close-day), :mod:`~kiosk.cli.config`,
:mod:`~kiosk.cli.report`, :mod:`~kiosk.cli.screens` (ui, counter, display),
:mod:`~kiosk.cli.devices` (devices, print-test), :mod:`~kiosk.cli.demo`,
:mod:`~kiosk.cli.sync`, :mod:`~kiosk.cli.central` and :mod:`~kiosk.cli.ops` (install,
uninstall, doctor, logs, backup, restore). Heavy imports happen inside the commands, so
``kiosk --help`` and the small tools start at once.
"""

from __future__ import annotations

import argparse
import sys

from kiosk.cli import central, config, demo, devices, hall, ops, report, screens, sync
from kiosk.cli.common import DEFAULT_CONFIG

__all__ = ["DEFAULT_CONFIG", "build_parser", "main"]

GROUPS = (hall, demo, config, report, screens, devices, ops, sync, central)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kiosk",
        description="供电营业厅排队叫号系统 — queue, self-service and calling for a utility business hall.",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in GROUPS:
        group.register(sub)
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
