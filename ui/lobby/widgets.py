"""The lobby's building blocks: labels and buttons with roles, service tiles, the keypad,
the notice ticker, the usage chart and the tariff-tier bar (both painted with QPainter:
QtCharts is not part of PySide6-Essentials)."""

from __future__ import annotations

from collections.abc import Sequence

from ui.lobby.theme import PALETTE, Metrics
from ui.qt.core import QPointF, QRect, QRectF, QSize, Qt, QTimer, Signal, SignalInstance, Slot
from ui.qt.gui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from ui.qt.widgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)


def label(
    name: str, role: str = "body", *, wrap: bool = True, align: Qt.AlignmentFlag | None = None
) -> QLabel:
    w = QLabel()
    w.setObjectName(name)
    w.setProperty("role", role)
    w.setWordWrap(wrap)
    w.setTextFormat(Qt.TextFormat.PlainText)
    if align is not None:
        w.setAlignment(align)
    return w


def button(name: str, role: str = "", kind: str = "") -> QPushButton:
    b = QPushButton()
    b.setObjectName(name)
    if role:
        b.setProperty("role", role)
    if kind:
        b.setProperty("kind", kind)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    b.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    return b


def set_tone(w: QLabel, tone: str) -> None:
    """``""``, ``error``, ``ok``, ``warning`` or ``caution``: restyles the label at once."""
    if w.property("tone") != tone:
        w.setProperty("tone", tone)
        w.style().unpolish(w)
        w.style().polish(w)


class Tile(QPushButton):
    """A big button with a title and up to two lines of figures (a service, bills, green).

    Signals:
        title_fitted(): the size at which the title fits the tile changed.
    """

    title_fitted = Signal()

    def __init__(self, name: str, kind: str = "service") -> None:
        super().__init__()
        self.setObjectName(name)
        self.setProperty("role", "tile")
        self.setProperty("kind", kind)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.title = label(f"{name}_title", "tile-name")
        self.info = label(f"{name}_info", "tile-info")
        self.info2 = label(f"{name}_info2", "tile-info")
        box = QVBoxLayout(self)
        self.box = box
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.title)
        box.addStretch(1)
        box.addWidget(self.info)
        box.addWidget(self.info2)
        for w in (self.title, self.info, self.info2):
            w.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._title_px = 0  # the style sheet's size for titles, once metrics are known
        self._fitted_px = 0

    MAX_TITLE_LINES = 2

    def apply_metrics(self, m: Metrics) -> None:
        pad = m.px(26)
        self.box.setContentsMargins(pad, pad, pad, pad)
        self.box.setSpacing(m.px(6))
        self._title_px = m.font("tile-name")
        self._fitted_px = 0
        self._fit_title()

    def set_texts(self, title: str, info: str = "", info2: str = "") -> None:
        changed = title != self.title.text()
        self.title.setText(title)
        self.info.setText(info)
        self.info.setVisible(bool(info))
        self.info2.setText(info2)
        self.info2.setVisible(bool(info2))
        if changed:
            self._fit_title()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_title()

    def _fit_title(self) -> None:
        """A long name (a service's English name in large type) gets a smaller size rather
        than a line too many, which would push the figures out of the tile."""
        base = self._title_px
        text = self.title.text()
        lay = self.box
        margins = lay.contentsMargins()
        width = self.width() - margins.left() - margins.right()
        if not base or not text or width <= 0:
            return
        room = self.height() - margins.top() - margins.bottom()
        for info in (self.info, self.info2):
            if info.isVisibleTo(self):
                used = info.heightForWidth(width) if info.wordWrap() else -1
                room -= (used if used > 0 else info.sizeHint().height()) + lay.spacing()
        px = fit_pixel_size(self.title.font(), text, base, width, self.MAX_TITLE_LINES, room)
        if px != self._fitted_px:
            self._fitted_px = px
            self.title_fitted.emit()

    @property
    def fitted_px(self) -> int:
        """The title's size that fits this tile (0 before it was laid out)."""
        return self._fitted_px

    def set_title_px(self, px: int) -> None:
        """The size the grid chose for every title (the smallest that fits all of them)."""
        base = self._title_px
        sheet = f"font-size: {px}px;" if px and px != base else ""
        if self.title.styleSheet() != sheet:
            self.title.setStyleSheet(sheet)


def fit_pixel_size(
    font: QFont, text: str, base: int, width: int, max_lines: int, max_height: int = 0
) -> int:
    """The largest pixel size from ``base`` down (to 60 % of it) at which ``text`` wraps into
    at most ``max_lines`` lines of ``width`` and, when given, ``max_height`` pixels."""
    px = base
    font = QFont(font)
    while px > base * 0.6:
        font.setPixelSize(px)
        fm = QFontMetrics(font)
        box = fm.boundingRect(QRect(0, 0, width, 100_000), Qt.TextFlag.TextWordWrap, text)
        lines_ok = box.height() <= fm.lineSpacing() * max_lines + 2
        if lines_ok and (max_height <= 0 or box.height() <= max_height):
            break
        px -= 2
    return px


class Keypad(QWidget):
    """Digits 0-9, delete and clear, and OK: large keys for account numbers and PINs.

    Signals:
        digit_pressed(str), delete_pressed(), clear_pressed(), ok_pressed()
    """

    digit_pressed = Signal(str)
    delete_pressed = Signal()
    clear_pressed = Signal()
    ok_pressed = Signal()

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.setObjectName(f"{prefix}_keypad")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.keys: dict[str, QPushButton] = {}
        for i, d in enumerate("123456789"):
            self._add(grid, d, i // 3, i % 3)
        self.clear_key = self._special(grid, "key_clear", 3, 0, self.clear_pressed)
        self._add(grid, "0", 3, 1)
        self.delete_key = self._special(grid, "key_delete", 3, 2, self.delete_pressed)
        self.ok_key = button("key_ok", "key", "ok")
        self.ok_key.clicked.connect(self.ok_pressed)
        grid.addWidget(self.ok_key, 4, 0, 1, 3)
        self.grid = grid

    def _add(self, grid: QGridLayout, digit: str, row: int, col: int) -> None:
        b = button(f"key_{digit}", "key")
        b.setText(digit)
        b.clicked.connect(lambda: self.digit_pressed.emit(digit))
        b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        grid.addWidget(b, row, col)
        self.keys[digit] = b

    def _special(
        self, grid: QGridLayout, name: str, row: int, col: int, sig: SignalInstance
    ) -> QPushButton:
        b = button(name, "key", "word")
        b.clicked.connect(sig)
        b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        grid.addWidget(b, row, col)
        return b

    def set_spacing(self, px: int) -> None:
        self.grid.setSpacing(px)


class NoticeTicker(QWidget):
    """Outage notices (停电公告) scrolling right to left; hidden when there are none."""

    STEP_PX = 3
    INTERVAL_MS = 33

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("notices")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._text = ""
        self._offset = 0
        self._timer = QTimer(self)
        self._timer.setInterval(self.INTERVAL_MS)
        self._timer.timeout.connect(self._on_timeout)
        self.animated = True
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    @property
    def text(self) -> str:
        return self._text

    @property
    def moving(self) -> bool:
        """Whether the text is running across the screen now."""
        return self._timer.isActive()

    def set_text(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self._offset = 0
        self.setVisible(bool(text))
        self._update_timer()
        self.update()

    def set_animated(self, animated: bool) -> None:
        self.animated = animated
        self._offset = 0
        self._update_timer()

    def _scrolls(self) -> bool:
        return QFontMetrics(self.font()).horizontalAdvance(self._text) > self.width() - 20

    def _update_timer(self) -> None:
        run = bool(self._text) and self.animated and self.isVisible()
        if run and not self._timer.isActive():
            self._timer.start()
        elif not run and self._timer.isActive():
            self._timer.stop()

    def showEvent(self, event: object) -> None:
        self._update_timer()

    def hideEvent(self, event: object) -> None:
        self._timer.stop()

    def sizeHint(self) -> QSize:
        fm = QFontMetrics(self.font())
        return QSize(400, int(fm.height() * 1.8))

    @Slot()
    def _on_timeout(self) -> None:
        if self._scrolls():
            self._offset += self.STEP_PX
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(PALETTE.notice_bg))
        painter.setPen(QColor(PALETTE.notice_text))
        painter.setFont(self.font())
        fm = QFontMetrics(self.font())
        y = (self.height() + fm.ascent() - fm.descent()) // 2
        width = fm.horizontalAdvance(self._text)
        if not self._scrolls():
            painter.drawText(max(10, (self.width() - width) // 2), y, self._text)
        else:
            gap = fm.horizontalAdvance("　" * 6)
            period = width + gap
            x = 10 - (self._offset % period)
            while x < self.width():
                painter.drawText(x, y, self._text)
                x += period
        painter.end()


class UsageChart(QWidget):
    """Twelve months of kWh as bars, the latest month highlighted, values on top."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("usage_chart")
        self._months: list[tuple[str, float]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(160)

    def set_months(self, months: Sequence[tuple[str, float]]) -> None:
        self._months = list(months)
        self.update()

    @property
    def months(self) -> list[tuple[str, float]]:
        return list(self._months)

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._months:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = self.font()
        small = font.pixelSize() if font.pixelSize() > 0 else 20
        font.setPixelSize(max(10, int(small * 0.72)))
        painter.setFont(font)
        fm = QFontMetrics(font)
        w, h = self.width(), self.height()
        top, bottom = fm.height() + 6, fm.height() + 8
        n = len(self._months)
        slot = w / n
        bar_w = slot * 0.64
        peak = max(v for _, v in self._months) or 1.0
        plot_h = max(10, h - top - bottom)
        painter.setPen(QPen(QColor(PALETTE.muted), 2))
        painter.drawLine(QPointF(0, h - bottom), QPointF(w, h - bottom))
        for i, (month, kwh) in enumerate(self._months):
            x = i * slot + (slot - bar_w) / 2
            bar_h = plot_h * kwh / peak
            latest = i == n - 1
            colour = QColor(PALETTE.primary if latest else "#4F7F79")
            painter.fillRect(QRectF(x, h - bottom - bar_h, bar_w, bar_h), colour)
            painter.setPen(QColor(PALETTE.text))
            value = f"{kwh:.0f}"
            painter.drawText(
                QRectF(i * slot, h - bottom - bar_h - fm.height() - 2, slot, fm.height()),
                Qt.AlignmentFlag.AlignCenter,
                value,
            )
            painter.drawText(
                QRectF(i * slot, h - bottom + 4, slot, fm.height()),
                Qt.AlignmentFlag.AlignCenter,
                month[5:7] if len(month) >= 7 else month,
            )
        painter.end()


class TariffBar(QWidget):
    """Where this year's consumption stands on the tiered tariff (阶梯电价)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("tariff_bar")
        self.year_kwh = 0.0
        self.limits = (0.0, 0.0)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_position(self, year_kwh: float, tier1: float, tier2: float) -> None:
        self.year_kwh, self.limits = year_kwh, (tier1, tier2)
        self.update()

    def sizeHint(self) -> QSize:
        fm = QFontMetrics(self.font())
        return QSize(400, int(fm.height() * 2.0))

    def paintEvent(self, event: QPaintEvent) -> None:
        t1, t2 = self.limits
        if t2 <= 0:
            return
        painter = QPainter(self)
        font = self.font()
        size = font.pixelSize() if font.pixelSize() > 0 else 20
        font.setPixelSize(max(10, int(size * 0.75)))
        painter.setFont(font)
        fm = QFontMetrics(font)
        full = max(t2 * 1.25, self.year_kwh * 1.05)
        w = self.width() - 4
        bar_h = max(12, self.height() - fm.height() - 10)
        colours = ("#2E6B30", "#8A5200", "#A31515")  # white text on each: ≥ 4.5:1
        edges = (0.0, t1, t2, full)
        bold = QFont(font)
        bold.setBold(True)
        for i in range(3):
            x0, x1 = 2 + w * edges[i] / full, 2 + w * edges[i + 1] / full
            segment = QRectF(x0, 0, x1 - x0, bar_h)
            painter.fillRect(segment, QColor(colours[i]))
            painter.setPen(QColor("#FFFFFF"))
            painter.setFont(bold)
            painter.drawText(segment, Qt.AlignmentFlag.AlignCenter, str(i + 1))
        painter.setFont(font)
        marker = 2 + w * min(self.year_kwh, full) / full
        painter.setPen(QPen(QColor(PALETTE.text), 5))
        painter.drawLine(QPointF(marker, -2), QPointF(marker, bar_h + 4))
        painter.setPen(QColor(PALETTE.text))
        for value in (t1, t2):
            x = 2 + w * value / full
            text = f"{value:,.0f}\u00a0kWh"
            tw = fm.horizontalAdvance(text)
            painter.drawText(int(x - tw / 2), bar_h + fm.ascent() + 4, text)
        painter.end()


class Card(QFrame):
    """A white panel grouping related figures."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setProperty("role", "card")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
