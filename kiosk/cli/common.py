"""What every command module shares: the default config path, loading it with a clear
error, logging, waiting for a signal."""

from __future__ import annotations

import signal
import sys
import threading

from kiosk.config import ConfigError, HallConfig, load_config

DEFAULT_CONFIG = "/etc/kiosk/hall.toml"


def setup_logging(verbose: bool) -> None:
    """The journal under systemd (with the subsystem as a field), stderr otherwise."""
    from kiosk.ops.journal import setup_logging as setup

    command = next((a for a in sys.argv[1:] if not a.startswith("-")), "cli")
    setup(f"kiosk-{command}", verbose=verbose)


def load(path: str) -> HallConfig:
    """The hall config at ``path``; exit 2 with the error (file, line, key) when bad."""
    try:
        return load_config(path)
    except ConfigError as exc:
        print(f"配置错误 config error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def wait_for_signal() -> None:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
