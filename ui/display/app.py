"""``kiosk display``: the hall's main screen, full screen on the TV (HDMI)."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import TYPE_CHECKING

from ui.common.fonts import ui_font
from ui.common.i18n import Languages
from ui.common.servertime import ServerClock
from ui.display.window import DisplayWindow
from ui.qt.core import QTimer
from ui.qt.gc import MainThreadCollector
from ui.qt.gui import QGuiApplication
from ui.qt.immortals import require_reference_guard
from ui.qt.widgets import QApplication

if TYPE_CHECKING:
    from kiosk.config import HallConfig


def display_token(args: argparse.Namespace) -> str:
    if args.token:
        return str(args.token)
    cfg: HallConfig | None = getattr(args, "hall_config", None)
    tokens = [t.token for t in cfg.tokens if t.role == "display"] if cfg else []
    if not tokens:
        raise SystemExit('the config has no display token ([[tokens]] role = "display")')
    return tokens[0]


def run_display(args: argparse.Namespace) -> int:
    token = display_token(args)
    require_reference_guard("display")
    cfg: HallConfig | None = getattr(args, "hall_config", None)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    _collector = MainThreadCollector(app)  # garbage collected in this thread only (ui/qt/gc.py)
    assert isinstance(app, QApplication)
    app.setApplicationName("kiosk-display")
    app.setFont(ui_font(20))
    languages = Languages("display")
    languages.set_language(args.lang)
    hall_name = ""
    if cfg is not None:
        hall_name = (cfg.hall.name_en or cfg.hall.name) if args.lang == "en" else cfg.hall.name
    clock = ServerClock(cfg.tz if cfg else None, speed=args.clock_speed)
    window = DisplayWindow(args.url, token, clock=clock, hall_name=hall_name, lang=args.lang)
    screens = QGuiApplication.screens()
    screen = screens[args.screen] if -len(screens) <= args.screen < len(screens) else screens[-1]
    if args.windowed:
        window.resize(1280, 720)
        window.show()
    else:
        window.setGeometry(screen.geometry())
        window.showFullScreen()
    window.start()
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    keepalive = QTimer()  # lets Python run its signal handlers while Qt waits
    keepalive.start(250)
    keepalive.timeout.connect(lambda: None)
    try:
        return int(app.exec())
    finally:
        window.stop()
