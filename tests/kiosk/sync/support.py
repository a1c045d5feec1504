"""A hall with sync settings, a sync daemon on a thread, and waiting for it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kiosk.config import HallConfig, load_config
from kiosk.sync.daemon import SyncDaemon
from tests.helpers.hall import EXAMPLE
from tests.kiosk.central.support import HALL, KEYS

SYNC_TOKEN = "change-me-sync-daemon-0001"
SYNC_TOKEN_TOML = f'\n[[tokens]]\ntoken = "{SYNC_TOKEN}"\nrole = "sync"\nname = "sync-daemon"\n'


def hall_config_file(
    directory: Path, central_url: str, *, bills: str = "sync", **sync: Any
) -> HallConfig:
    """The example hall, its store in ``directory/data``, syncing with ``central_url``;
    written to ``directory/hall.toml`` (the file central's configuration is saved to)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace('data_dir = "/var/lib/kiosk"', f'data_dir = "{directory / "data"}"')
    text = text.replace('host = "0.0.0.0"', 'host = "127.0.0.1"')
    text = text.replace('source = "demo"', f'source = "{bills}"')
    settings = {
        "central_url": central_url,
        "hall_key": KEYS[HALL],
        "push_interval_s": 0.05,
        "pull_interval_s": 0.2,
        "backoff_max_s": 0.3,
        "timeout_s": 5.0,
        **sync,
    }
    lines = "\n".join(
        f"{k} = {v!r}" if not isinstance(v, str) else f'{k} = "{v}"' for k, v in settings.items()
    )
    text += f"{SYNC_TOKEN_TOML}\n[voice]\nenabled = false\n\n[sync]\n{lines}\n"
    path = directory / "hall.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


@contextmanager
def running_sync(config: HallConfig, **kwargs: Any) -> Iterator[SyncDaemon]:
    daemon = SyncDaemon(config, **kwargs)
    stop = threading.Event()
    thread = threading.Thread(target=daemon.run, args=(stop,), name="sync-daemon", daemon=True)
    thread.start()
    try:
        yield daemon
    finally:
        stop.set()
        thread.join(timeout=30)
        daemon.close()


def wait_until(what: Callable[[], Any], timeout_s: float = 20.0, message: str = "") -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        value = what()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting: {message or what}")
        time.sleep(0.05)
