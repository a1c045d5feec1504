"""The hall's main screen: a TV at 1920×1080 or 3840×2160, read from across the hall.

The newest call fills the left half and flashes for a few seconds; the calls before it are
listed below it. On the right every counter with what it serves and whom it serves now (or
暂停服务). Along the bottom the people waiting per service, and the outage notices scrolling.
Every size is a fraction of the screen's height, so 4K is the same picture, sharper.

It follows the daemon's WebSocket and never polls; when the connection is lost a red band
says so and the worker reconnects by itself (a fresh ``hello`` redraws everything).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from ui.common.client import ApiReply, HallClient
from ui.common.events import EventStream
from ui.common.fonts import ui_font
from ui.display.board import Board, Call
from ui.qt.core import QCoreApplication, QRectF, Qt, QTimer, Slot
from ui.qt.gui import QColor, QFontMetricsF, QPainter, QPaintEvent, QResizeEvent
from ui.qt.immortals import keep_immortal
from ui.qt.widgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger("ui.display")

NAVY = "#0b2545"
PANEL = "#13315c"
YELLOW = "#ffd23f"
WHITE = "#f5f7fa"
MUTED = "#9fb3c8"
RED = "#e04848"
GREEN = "#3ec27a"

STYLE = f"""
QWidget#displayWindow {{ background: {NAVY}; }}
QLabel {{ color: {WHITE}; background: transparent; }}
QFrame#callPanel {{ background: {PANEL}; border-radius: 18px; }}
QFrame#callPanel[flash="on"] {{ background: {YELLOW}; }}
QFrame#callPanel[flash="on"] QLabel {{ color: {NAVY}; }}
QLabel#latestNumber {{ color: {YELLOW}; }}
QFrame#counterCard {{ background: {PANEL}; border-radius: 12px; }}
QFrame#counterCard[state="paused"] {{ background: #3a2030; }}
QLabel#counterServing[state="called"] {{ color: {YELLOW}; }}
QLabel#counterServing[state="paused"] {{ color: {RED}; }}
QLabel#counterServing[state="idle"] {{ color: {MUTED}; }}
QFrame#serviceCell {{ background: {PANEL}; border-radius: 10px; }}
QLabel#connectionBanner {{ background: {RED}; color: white; }}
QLabel.muted {{ color: {MUTED}; }}
"""


def named(widget: Any, name: str) -> Any:
    widget.setObjectName(name)
    return widget


def _set_prop(widget: QWidget, name: str, value: str) -> None:
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    for child in widget.findChildren(QLabel):
        child.style().unpolish(child)
        child.style().polish(child)


class Ticker(QWidget):
    """The outage notices, scrolling right to left (a repaint every frame, nothing more)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeTicker")
        self.text = ""
        self.offset = 0.0
        self.speed_px_s = 120.0
        self._last = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(33)
        self._timer.timeout.connect(self._on_frame)

    def set_text(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self.offset = 0.0
        self.update()

    def start(self) -> None:
        self._last = time.monotonic()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _text_width(self) -> float:
        return QFontMetricsF(self.font()).horizontalAdvance(self.text)

    @Slot()
    def _on_frame(self) -> None:
        now = time.monotonic()
        elapsed, self._last = now - self._last, now
        width = self._text_width()
        if width <= self.width() * 0.9:
            self.offset = 0.0  # fits: it stands still
        else:
            self.offset = (self.offset + elapsed * self.speed_px_s) % (width + self.width() / 3)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#081a33"))
        p.setPen(QColor(YELLOW))
        p.setFont(self.font())
        width = self._text_width()
        h = float(self.height())
        pad = self.height() * 0.6
        if width <= self.width() * 0.9:
            p.drawText(
                QRectF(pad, 0, self.width() - pad, h), Qt.AlignmentFlag.AlignVCenter, self.text
            )
        else:
            gap = self.width() / 3
            x = pad - self.offset
            while x < self.width():
                p.drawText(QRectF(x, 0, width + 10, h), Qt.AlignmentFlag.AlignVCenter, self.text)
                x += width + gap
        p.end()


class CounterCard(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("counterCard")
        lay = QGridLayout(self)
        self.name = named(QLabel(), "counterName")
        self.services = named(QLabel(), "counterServices")
        self.services.setProperty("class", "muted")
        self.serving = named(QLabel(), "counterServing")
        self.serving.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        lay.addWidget(self.name, 0, 0)
        lay.addWidget(self.services, 1, 0)
        lay.addWidget(self.serving, 0, 1, 2, 1)
        lay.setColumnStretch(0, 1)
        self.layout_ = lay
        self.state = "idle"

    def show_counter(self, c: dict[str, Any], names: dict[str, str]) -> None:
        self.name.setText(QCoreApplication.translate("Display", "{n}号窗口").format(n=c["counter"]))
        self.services.setText(" · ".join(names.get(s, s) for s in c.get("services", [])))
        current = c.get("current")
        if c.get("state") == "paused":
            state, text = "paused", QCoreApplication.translate("Display", "暂停服务")
        elif current:
            state = "called" if current.get("status") == "called" else "serving"
            text = current["number"]
        else:
            state, text = "idle", QCoreApplication.translate("Display", "空闲")
        self.serving.setText(text)
        self.state = state
        _set_prop(self, "state", state)
        _set_prop(self.serving, "state", state)

    def apply_fonts(self, unit: float) -> None:
        self.name.setFont(ui_font(round(40 * unit), bold=True))
        self.services.setFont(ui_font(round(24 * unit)))
        self.serving.setFont(ui_font(round(64 * unit), bold=True))
        m = round(18 * unit)
        self.layout_.setContentsMargins(m + 6, m // 2, m + 6, m // 2)


class ServiceCell(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serviceCell")
        lay = QVBoxLayout(self)
        self.name = named(QLabel(), "serviceName")
        self.waiting = named(QLabel(), "serviceWaiting")
        for w in (self.name, self.waiting):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.name)
        lay.addWidget(self.waiting)
        self.layout_ = lay

    def show_service(self, s: dict[str, Any], name: str) -> None:
        self.name.setText(name)
        est = s.get("estimated_wait_s")
        waiting = int(s.get("waiting", 0))
        if s.get("open_counters", 1) == 0:
            text = QCoreApplication.translate("Display", "等候 {n} 人 · 暂无窗口").format(n=waiting)
        elif est is None or waiting == 0:
            text = QCoreApplication.translate("Display", "等候 {n} 人").format(n=waiting)
        else:
            text = QCoreApplication.translate("Display", "等候 {n} 人 · 约 {m} 分钟").format(
                n=waiting, m=max(1, round(est / 60))
            )
        self.waiting.setText(text)

    def apply_fonts(self, unit: float) -> None:
        self.name.setFont(ui_font(round(28 * unit), bold=True))
        self.waiting.setFont(ui_font(round(26 * unit)))
        m = round(10 * unit)
        self.layout_.setContentsMargins(m, m, m, m)


class DisplayWindow(QWidget):
    """The hall display (see the module docstring).

    ``clock`` gives the hall's time (the daemon's, via :class:`ServerClock`, or a test's
    fake clock); it times the flashing of the newest call and shows the time of day.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        clock: Any,
        hall_name: str = "",
        lang: str = "zh_CN",
        flash_s: float = 6.0,
        tick_ms: int = 250,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("displayWindow")
        self.setStyleSheet(STYLE)
        self.setCursor(Qt.CursorShape.BlankCursor)
        self.clock = clock
        self.hall_name = hall_name
        self.lang = lang
        self.flash_s = flash_s
        self.board = Board()
        self.online = False
        self.flash_on = False
        self.flashing = False
        self.client = HallClient(base_url, token, workers=1, parent=self)
        self.client.set_language(lang)
        self.stream = EventStream(base_url, token, parent=self)
        self.stream.message_received.connect(self._on_message_received)
        self.stream.connection_lost.connect(self._on_connection_lost)
        self._build()
        self._tick = QTimer(self)
        self._tick.setInterval(tick_ms)
        self._tick.timeout.connect(self._on_tick)

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.root = root
        self.banner = named(QLabel(), "connectionBanner")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.hide()
        root.addWidget(self.banner)
        head = QHBoxLayout()
        self.hall_label = named(QLabel(), "hallName")
        self.date_label = named(QLabel(), "dateLabel")
        self.date_label.setProperty("class", "muted")
        self.time_label = named(QLabel(), "timeLabel")
        head.addWidget(self.hall_label, 1)
        head.addWidget(self.date_label)
        head.addSpacing(24)
        head.addWidget(self.time_label)
        root.addLayout(head)

        middle = QHBoxLayout()
        left = QVBoxLayout()
        self.call_panel = named(QFrame(), "callPanel")
        cp = QVBoxLayout(self.call_panel)
        self.call_title = named(QLabel(), "callTitle")
        self.latest_number = named(QLabel(), "latestNumber")
        self.latest_counter = named(QLabel(), "latestCounter")
        for w in (self.call_title, self.latest_number, self.latest_counter):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
        cp.addStretch(1)
        cp.addWidget(self.call_title)
        cp.addWidget(self.latest_number)
        cp.addWidget(self.latest_counter)
        cp.addStretch(1)
        left.addWidget(self.call_panel, 3)
        self.recent_title = named(QLabel(), "recentTitle")
        self.recent_title.setProperty("class", "muted")
        left.addWidget(self.recent_title)
        self.recent_grid = QGridLayout()
        self.recent_labels: list[QLabel] = []
        for i in range(6):
            label = named(QLabel(), f"recentCall{i}")
            self.recent_labels.append(label)
            self.recent_grid.addWidget(label, i // 3, i % 3)
        left.addLayout(self.recent_grid, 1)
        middle.addLayout(left, 11)
        self.counter_grid = QGridLayout()
        self.counter_cards: list[CounterCard] = []
        middle.addLayout(self.counter_grid, 9)
        self.middle = middle
        root.addLayout(middle, 1)

        self.service_row = QHBoxLayout()
        self.service_cells: list[ServiceCell] = []
        root.addLayout(self.service_row)
        self.ticker = Ticker()
        root.addWidget(self.ticker)

        self._retranslate()

    def _retranslate(self) -> None:
        self.call_title.setText(QCoreApplication.translate("Display", "请"))
        self.recent_title.setText(QCoreApplication.translate("Display", "最近叫号"))
        self.banner.setText(
            QCoreApplication.translate("Display", "与叫号系统的连接中断，正在重新连接…")
        )
        self.hall_label.setText(self.hall_name)

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> None:
        self.stream.start()
        self._tick.start()
        self.ticker.start()
        self._render_all()

    def stop(self) -> None:
        self._tick.stop()
        self.ticker.stop()
        self.stream.stop()
        self.client.close()

    def closeEvent(self, event: Any) -> None:
        self.stop()
        super().closeEvent(event)

    # ------------------------------------------------------------------ scaling

    @property
    def unit(self) -> float:
        """One pixel of the 1080-line design, in pixels of this screen."""
        return max(0.4, min(self.height() / 1080, self.width() / 1920))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_fonts()

    def _apply_fonts(self) -> None:
        u = self.unit
        m = round(24 * u)
        self.root.setContentsMargins(m, round(16 * u), m, round(12 * u))
        self.root.setSpacing(round(16 * u))
        self.middle.setSpacing(round(24 * u))
        self.hall_label.setFont(ui_font(round(46 * u), bold=True))
        self.date_label.setFont(ui_font(round(30 * u)))
        self.time_label.setFont(ui_font(round(56 * u), bold=True))
        self.call_title.setFont(ui_font(round(60 * u), bold=True))
        self.latest_number.setFont(ui_font(round(230 * u), bold=True))
        self.latest_counter.setFont(ui_font(round(84 * u), bold=True))
        self.recent_title.setFont(ui_font(round(28 * u)))
        for label in self.recent_labels:
            label.setFont(ui_font(round(40 * u), bold=True))
        self.recent_grid.setHorizontalSpacing(round(20 * u))
        for card in self.counter_cards:
            card.apply_fonts(u * (0.8 if len(self.counter_cards) > 6 else 1.0))
        self.counter_grid.setSpacing(round(14 * u))
        for cell in self.service_cells:
            cell.apply_fonts(u)
        self.service_row.setSpacing(round(14 * u))
        self.ticker.setFont(ui_font(round(34 * u)))
        self.ticker.setFixedHeight(round(64 * u))
        self.banner.setFont(ui_font(round(40 * u), bold=True))
        self.banner.setFixedHeight(round(80 * u))

    # -------------------------------------------------------------------- events

    @Slot(dict)
    def _on_message_received(self, msg: dict[str, Any]) -> None:
        sync = getattr(self.clock, "sync", None)
        if sync is not None and msg.get("at"):
            sync(msg["at"])
        if msg.get("type") == "hello" and not self.online:
            self.online = True
            self.banner.hide()
        changed = self.board.apply(msg)
        if "notices" in changed:
            self.client.get("/notices", self._on_notices_replied)
        if "queue" in changed:
            self._render_queue()
        if "calls" in changed:
            self._render_calls()

    @Slot()
    def _on_connection_lost(self) -> None:
        self.online = False
        self.banner.show()

    def _on_notices_replied(self, reply: ApiReply) -> None:
        if reply.ok and isinstance(reply.body, dict):
            self.board.notices = list(reply.body.get("notices", []))
        elif reply.status not in (404,):
            return  # keep what is shown; the next change asks again
        self._render_notices()

    @Slot()
    def _on_tick(self) -> None:
        keep_immortal()  # a screen that runs for weeks: see ui.qt.immortals
        now = self.clock.now()
        self.time_label.setText(now.strftime("%H:%M"))
        weekdays = (
            QCoreApplication.translate("Display", "星期一"),
            QCoreApplication.translate("Display", "星期二"),
            QCoreApplication.translate("Display", "星期三"),
            QCoreApplication.translate("Display", "星期四"),
            QCoreApplication.translate("Display", "星期五"),
            QCoreApplication.translate("Display", "星期六"),
            QCoreApplication.translate("Display", "星期日"),
        )
        self.date_label.setText(
            QCoreApplication.translate("Display", "{y}年{m}月{d}日 {weekday}").format(
                y=now.year, m=now.month, d=now.day, weekday=weekdays[now.weekday()]
            )
        )
        flashing = self.board.flashing(now, self.flash_s)
        call = self.board.latest
        on = False
        if flashing and call is not None and call.at is not None:
            on = int((now - call.at).total_seconds() / 0.5) % 2 == 0
        self.flashing = flashing
        if on != self.flash_on:
            self.flash_on = on
            _set_prop(self.call_panel, "flash", "on" if on else "off")

    # ------------------------------------------------------------------- render

    def _render_all(self) -> None:
        self._render_queue()
        self._render_calls()
        self._render_notices()
        self._on_tick()

    def _render_queue(self) -> None:
        names = self.board.service_names(self.lang)
        counters = self.board.counters
        if len(self.counter_cards) != len(counters):
            for card in self.counter_cards:
                self.counter_grid.removeWidget(card)
                card.deleteLater()
            self.counter_cards = []
            columns = 1 if len(counters) <= 6 else 2
            for i in range(len(counters)):
                card = CounterCard()
                self.counter_cards.append(card)
                self.counter_grid.addWidget(card, i // columns, i % columns)
            self._apply_fonts()
        for card, c in zip(self.counter_cards, counters, strict=True):
            card.show_counter(c, names)
        services = self.board.services
        if len(self.service_cells) != len(services):
            for cell in self.service_cells:
                self.service_row.removeWidget(cell)
                cell.deleteLater()
            self.service_cells = []
            for _ in services:
                cell = ServiceCell()
                self.service_cells.append(cell)
                self.service_row.addWidget(cell, 1)
            self._apply_fonts()
        for cell, s in zip(self.service_cells, services, strict=True):
            cell.show_service(s, names.get(s["service"], s["service"]))

    def _render_calls(self) -> None:
        latest = self.board.latest
        self.call_title.setVisible(latest is not None)
        self.latest_number.setVisible(latest is not None)
        if latest is None:
            self.latest_number.setText("")
            self.latest_counter.setText(QCoreApplication.translate("Display", "请留意叫号"))
        else:
            self.latest_number.setText(latest.number)
            self.latest_counter.setText(
                QCoreApplication.translate("Display", "到 {n} 号窗口").format(n=latest.counter)
            )
        for label, call in zip(
            self.recent_labels, [*self.board.calls[1:], *[None] * 6], strict=False
        ):
            label.setText(self._call_text(call) if call else "")
        self._on_tick()

    @staticmethod
    def _call_text(call: Call) -> str:
        return QCoreApplication.translate("Display", "{number} → {n}号窗口").format(
            number=call.number, n=call.counter
        )

    def _render_notices(self) -> None:
        parts = []
        for n in self.board.notices:
            text = QCoreApplication.translate("Display", "停电公告：{title}").format(
                title=n.get("title", "")
            )
            if n.get("area"):
                text += QCoreApplication.translate("Display", "（{area}）").format(area=n["area"])
            parts.append(text)
        if not parts:
            parts = [
                QCoreApplication.translate(
                    "Display", "{hall}欢迎您 · 请留意叫号 · 供电服务热线 95598"
                ).format(hall=self.hall_name)
            ]
        self.ticker.set_text("　　　".join(parts))
