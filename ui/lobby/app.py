"""``kiosk ui`` (``python -m ui.lobby``): the lobby touchscreen, a client of the hall daemon.

    kiosk ui --config /etc/kiosk/hall.toml          # the daemon's address and this kiosk's token
    kiosk ui --url http://10.0.0.5:8470 --token …   # or given directly
    kiosk ui --windowed --size 540x960 …            # a window instead of the locked-down kiosk

:func:`build_lobby` puts the parts together (tests, the screenshot script and the bench use
it with a fake clock); :func:`main` runs it.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ui.common.client import HallClient
from ui.common.events import EventStream
from ui.common.fonts import ui_font
from ui.common.i18n import Languages
from ui.common.idle import IdleWatch
from ui.lobby.controller import LobbyController
from ui.lobby.window import LobbyWindow
from ui.qt.core import QCoreApplication, QEvent, QTimer
from ui.qt.gc import MainThreadCollector
from ui.qt.immortals import require_reference_guard
from ui.qt.widgets import QApplication

log = logging.getLogger("ui.lobby")

PORTRAIT = (1080, 1920)
LANDSCAPE = (1920, 1080)


@dataclass
class Lobby:
    window: LobbyWindow
    controller: LobbyController
    client: HallClient
    events: EventStream
    languages: Languages
    idle: IdleWatch
    timer: QTimer

    def close(self) -> None:
        """Stop the threads and close the window (also a kiosk-mode one)."""
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
        self.controller.stop()
        self.languages.uninstall()
        self.window.leave_kiosk_mode()
        self.window.close()
        # Destroy the widgets now, while the QApplication lives, not at interpreter exit.
        self.window.deleteLater()
        self.events.deleteLater()
        self.client.deleteLater()
        self.controller.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def build_lobby(
    base_url: str,
    token: str,
    *,
    monotonic: Callable[[], float] = time.monotonic,
    wall: Callable[[], datetime] = datetime.now,
    kiosk_mode: bool = False,
    orientation: str = "auto",
    tick_ms: int = 1000,
    backoff_s: tuple[float, float] = (0.2, 3.0),
) -> Lobby:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        raise RuntimeError("create the QApplication first")
    app.setFont(ui_font(28))
    languages = Languages("lobby")
    client = HallClient(base_url, token)
    events = EventStream(base_url, token, backoff_s=backoff_s)
    window = LobbyWindow(
        monotonic=monotonic, wall=wall, kiosk_mode=kiosk_mode, orientation=orientation
    )
    idle = IdleWatch(60.0, monotonic)
    app.installEventFilter(idle)
    controller = LobbyController(window, client, events, languages, idle)
    timer = QTimer(window)
    timer.setInterval(tick_ms)
    timer.timeout.connect(window.tick)
    timer.start()
    return Lobby(window, controller, client, events, languages, idle, timer)


def target_from_config(path: str) -> tuple[str, str]:
    """The daemon's URL and this kiosk's token from a hall config (the token of the kiosk
    the ID-card reader belongs to, else the first kiosk token)."""
    from kiosk.config import ConfigError, load_config

    try:
        cfg = load_config(path)
    except ConfigError as exc:
        raise SystemExit(f"配置错误 config error: {exc}") from None
    kiosks = [t for t in cfg.tokens if t.role == "kiosk"]
    if not kiosks:
        raise SystemExit(f'{path}: no [[tokens]] with role = "kiosk" for the lobby')
    token = next((t for t in kiosks if t.name == cfg.idcard.kiosk), kiosks[0])
    return cfg.api.local_url, token.token


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="kiosk ui", description="The lobby touchscreen.")
    p.add_argument("--config", help="hall config: the daemon's address and the kiosk token")
    p.add_argument("--url", help="the hall daemon, e.g. http://127.0.0.1:8470")
    p.add_argument("--token", help="this kiosk's API token (or KIOSK_TOKEN)")
    p.add_argument("--windowed", action="store_true", help="a window, not the locked kiosk")
    p.add_argument("--size", default="", help="window size WxH (windowed), e.g. 1080x1920")
    p.add_argument("--orientation", choices=["auto", "portrait", "landscape"], default="auto")
    p.add_argument(
        "--bench-first-frame",
        action="store_true",
        help="print 'interactive' once the first live frame is painted (bench/lobby.py)",
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request
    if args.config:
        url, token = target_from_config(args.config)
    else:
        url, token = args.url, args.token or os.environ.get("KIOSK_TOKEN", "")
    if args.url:
        url = args.url
    if args.token:
        token = args.token
    if not url or not token:
        print("kiosk ui: give --config, or --url and --token", file=sys.stderr)
        return 2
    require_reference_guard("ui")
    app = QApplication(sys.argv[:1])
    _collector = MainThreadCollector(app)  # garbage collected in this thread only (ui/qt/gc.py)
    app.setApplicationName("kiosk-lobby")
    lobby = build_lobby(url, token, kiosk_mode=not args.windowed, orientation=args.orientation)
    w = lobby.window
    w.exit_requested.connect(app.quit)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: app.quit())
    if args.windowed:
        width, height = _size(args.size, args.orientation)
        w.resize(width, height)
        w.show()
    else:
        w.enter_kiosk_mode()
    if args.bench_first_frame:
        _report_first_frame(lobby)
    lobby.controller.start()
    try:
        return app.exec()
    finally:
        lobby.close()


def _size(text: str, orientation: str) -> tuple[int, int]:
    if text:
        try:
            w, h = (int(x) for x in text.lower().split("x"))
            return w, h
        except ValueError:
            raise SystemExit(f"--size: expected WxH, got {text!r}") from None
    full = LANDSCAPE if orientation == "landscape" else PORTRAIT
    return full[0] // 2, full[1] // 2


def _report_first_frame(lobby: Lobby) -> None:
    """Say when the home screen first shows live queue figures, painted."""
    done = False

    def check() -> None:
        nonlocal done
        if done or not lobby.controller.queue_services or not lobby.window.isVisible():
            return
        done = True
        lobby.window.repaint()
        print("interactive", flush=True)

    lobby.events.message_received.connect(lambda _msg: QTimer.singleShot(0, check))
