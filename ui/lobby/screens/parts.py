"""Pieces more than one screen is built from: the grid of service tiles and the ID card on
the reader."""

from __future__ import annotations

from typing import Any

from ui.lobby import text as tx
from ui.lobby.theme import PALETTE, Metrics
from ui.lobby.widgets import Tile
from ui.qt.core import QCoreApplication, QRectF, QSize, Qt, Signal
from ui.qt.gui import QColor, QPainter, QPaintEvent, QPen
from ui.qt.widgets import QGridLayout, QSizePolicy, QWidget


class ServiceGrid(QWidget):
    """Service tiles (and optionally the bills and green-channel tiles), in a grid whose
    columns follow the orientation.

    Signals:
        service_chosen(str): the service code of the tile tapped.
    """

    service_chosen = Signal(str)

    def __init__(self, prefix: str, extra: tuple[Tile, ...] = ()) -> None:
        super().__init__()
        self.prefix = prefix
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.tiles: dict[str, Tile] = {}
        self.services: list[dict[str, Any]] = []
        self.extra = extra
        self.portrait = True
        self.lang = "zh_CN"
        self.metrics: Metrics | None = None
        for tile in extra:
            tile.title_fitted.connect(self._on_title_fitted)

    def set_services(self, services: list[dict[str, Any]]) -> None:
        codes = [s["service"] for s in services]
        if codes != list(self.tiles):
            for tile in self.tiles.values():
                tile.setParent(None)
                tile.deleteLater()
            self.tiles = {}
            for code in codes:
                tile = Tile(f"{self.prefix}_{code}")
                tile.title_fitted.connect(self._on_title_fitted)
                if self.metrics is not None:
                    tile.apply_metrics(self.metrics)
                tile.clicked.connect(lambda _=False, c=code: self.service_chosen.emit(c))
                self.tiles[code] = tile
            self.services = services
            self.relayout()
        self.services = services
        self.retranslate()

    def _on_title_fitted(self) -> None:
        """One title size for the whole grid: the largest at which every title fits."""
        sizes = [t.fitted_px for t in (*self.tiles.values(), *self.extra) if t.fitted_px]
        if sizes:
            for t in (*self.tiles.values(), *self.extra):
                t.set_title_px(min(sizes))

    def relayout(self) -> None:
        while self.grid.count():
            self.grid.takeAt(0)
        cols = 2 if self.portrait else 4
        widgets: list[QWidget] = [*self.tiles.values(), *self.extra]
        for i, w in enumerate(widgets):
            row, col = divmod(i, cols)
            # The last tile takes what is left of its row: no hole at the bottom.
            span = cols - col if i == len(widgets) - 1 else 1
            self.grid.addWidget(w, row, col, 1, span)
            w.show()  # now, not at the next event-loop turn: a tap may come first
        for c in range(4):
            self.grid.setColumnStretch(c, 1 if c < cols else 0)
        rows = (len(widgets) + cols - 1) // cols
        for r in range(6):
            self.grid.setRowStretch(r, 1 if r < rows else 0)

    def set_portrait(self, portrait: bool) -> None:
        if portrait != self.portrait:
            self.portrait = portrait
            self.relayout()

    def apply_metrics(self, m: Metrics) -> None:
        self.grid.setSpacing(m.px(24))
        for tile in [*self.tiles.values(), *self.extra]:
            tile.apply_metrics(m)
        self.metrics = m

    def retranslate(self) -> None:
        for s in self.services:
            tile = self.tiles.get(s["service"])
            if tile is None:
                continue
            waiting = int(s.get("waiting", 0))
            if s.get("open_counters", 1) == 0:
                info2 = QCoreApplication.translate("Lobby", "暂无窗口开放")
            else:
                info2 = tx.wait_text(s.get("estimated_wait_s"))
            tile.set_texts(
                f"{s['service']}  {tx.service_name(s, self.lang)}",
                tx.waiting_text(waiting),
                info2,
            )


class CardIllustration(QWidget):
    """An ID card being laid on the reader: shows where the card goes."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("card_illustration")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.caption = ""

    def sizeHint(self) -> QSize:
        return QSize(400, 300)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, 150)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width(), self.height()
        side = min(w / 1.4, h)
        reader = QRectF((w - side * 1.2) / 2, h / 2, side * 1.2, side * 0.42)
        painter.setBrush(QColor("#3A3F3E"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(reader, side * 0.05, side * 0.05)
        card = QRectF((w - side * 0.86) / 2, h / 2 - side * 0.44, side * 0.86, side * 0.54)
        painter.setBrush(QColor("#DDEFEA"))
        painter.setPen(QPen(QColor(PALETTE.primary), max(2, side * 0.012)))
        painter.drawRoundedRect(card, side * 0.04, side * 0.04)
        photo = QRectF(
            card.right() - card.width() * 0.34,
            card.top() + card.height() * 0.16,
            card.width() * 0.24,
            card.height() * 0.62,
        )
        painter.setBrush(QColor("#9DB8B2"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRect(photo)
        painter.setBrush(QColor("#7A9A93"))
        for i in range(4):
            painter.drawRect(
                QRectF(
                    card.left() + card.width() * 0.08,
                    card.top() + card.height() * (0.2 + i * 0.17),
                    card.width() * (0.48 - 0.06 * (i % 2)),
                    card.height() * 0.07,
                )
            )
        arrow = QPen(QColor(PALETTE.focus), max(3, side * 0.02))
        painter.setPen(arrow)
        x = card.center().x()
        painter.drawLine(int(x), int(card.bottom() + side * 0.02), int(x), int(reader.top() + 4))
        painter.end()
