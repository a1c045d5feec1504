"""``kiosk counter``: the soft caller on a counter PC.

The counter is fixed by the box (``--counter N``, from the systemd unit) or chosen at login
among the counters the config has tokens for. The staff window stays on top; the customer's
side goes full screen on a second monitor when there is one, else it is a window beside.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from typing import TYPE_CHECKING, Any

from ui.common.fonts import ui_font
from ui.common.i18n import Languages
from ui.common.servertime import ServerClock
from ui.counter.customer import CustomerScreen
from ui.counter.session import CounterSession
from ui.counter.window import CounterWindow
from ui.qt.core import QTimer
from ui.qt.gc import MainThreadCollector
from ui.qt.gui import QGuiApplication
from ui.qt.immortals import require_reference_guard
from ui.qt.widgets import QApplication

if TYPE_CHECKING:
    from kiosk.config import HallConfig

log = logging.getLogger("ui.counter")


def counter_tokens(args: argparse.Namespace) -> dict[int, str]:
    """counter → token of the counters this box may operate."""
    cfg: HallConfig | None = getattr(args, "hall_config", None)
    if args.token:
        if not args.counter:
            raise SystemExit("--token needs --counter")
        return {args.counter: args.token}
    tokens = {t.counter: t.token for t in cfg.tokens if t.role == "counter"} if cfg else {}
    if args.counter:
        if args.counter not in tokens:
            raise SystemExit(f"the config has no counter token for counter {args.counter}")
        return {args.counter: tokens[args.counter]}
    if not tokens:
        raise SystemExit('the config has no counter tokens ([[tokens]] role = "counter")')
    return tokens


def run_counter(args: argparse.Namespace) -> int:
    tokens = counter_tokens(args)
    require_reference_guard("counter")
    cfg: HallConfig | None = getattr(args, "hall_config", None)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    _collector = MainThreadCollector(app)  # garbage collected in this thread only (ui/qt/gc.py)
    app.setApplicationName("kiosk-counter")
    app.setFont(ui_font(15))
    languages = Languages("counter")
    languages.set_language(args.lang)
    clock = ServerClock(cfg.tz if cfg else None, speed=args.clock_speed)
    voice: Any = None
    if not args.no_voice:
        try:
            from ui.counter.voice import PromptVoice

            v = cfg.voice if cfg else None
            voice = PromptVoice(
                player=v.player if v else ("aplay", "-q"),
                voice=v.voice if v else None,
                rate=v.rate if v else 160,
            )
        except Exception as exc:  # the prompt still shows, silently
            log.warning("no voice for the evaluation prompt: %s", exc)

    def session_for(counter: int) -> CounterSession:
        session = CounterSession(counter, args.url, tokens[counter], clock=clock)
        session.set_language(args.lang)
        return session

    customer = CustomerScreen(clock, voice=voice)
    window = CounterWindow(
        session_for,
        sorted(tokens),
        clock=clock,
        customer=customer,
        lang=args.lang,
        on_top=not args.windowed,
    )
    screens = QGuiApplication.screens()
    if len(screens) > 1 and not args.windowed:
        customer.setGeometry(screens[1].geometry())
        customer.showFullScreen()
    else:
        customer.resize(820, 520)
        customer.show()
    window.show()
    if len(screens) <= 1:
        customer.move(window.geometry().right() + 16, window.geometry().top())

    signal.signal(signal.SIGINT, lambda *_: app.quit())
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    keepalive = QTimer()  # lets Python run its signal handlers while Qt waits
    keepalive.start(250)
    keepalive.timeout.connect(lambda: None)
    try:
        return int(app.exec())
    finally:
        window.close_session()
        customer.close()
        if voice is not None:
            voice.close()
