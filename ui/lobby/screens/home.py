"""The home screen: the services with their queues, bills, the green channel, notices."""

from __future__ import annotations

from typing import Any

from ui.lobby.screens.base import Screen
from ui.lobby.screens.parts import ServiceGrid
from ui.lobby.theme import Metrics
from ui.lobby.widgets import NoticeTicker, Tile, button, label, set_tone
from ui.qt.core import QCoreApplication, Signal
from ui.qt.widgets import QHBoxLayout, QVBoxLayout, QWidget


class HomeScreen(Screen):
    """Signals:
    service_chosen(str), bills_requested(), green_requested(), card_forgotten()
    """

    NAME = "home"
    GUIDANCE_KEY = "welcome"
    service_chosen = Signal(str)
    bills_requested = Signal()
    green_requested = Signal()
    card_forgotten = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.bills_tile = Tile("tile_bills", "bills")
        self.green_tile = Tile("tile_green", "green")
        self.bills_tile.clicked.connect(self.bills_requested)
        self.green_tile.clicked.connect(self.green_requested)
        self.grid = ServiceGrid("tile", (self.bills_tile, self.green_tile))
        self.grid.service_chosen.connect(self.service_chosen)
        self.card_banner = label("card_banner", "body")
        set_tone(self.card_banner, "warning")
        self.card_forget = button("card_forget")
        self.card_forget.clicked.connect(self.card_forgotten)
        banner = QHBoxLayout()
        banner.addWidget(self.card_banner, 1)
        banner.addWidget(self.card_forget)
        self.banner_box = QWidget()
        self.banner_box.setLayout(banner)
        banner.setContentsMargins(0, 0, 0, 0)
        self.banner_box.hide()
        self.notices = NoticeTicker()
        self.notices.hide()
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.banner_box)
        box.addWidget(self.grid, 1)
        box.addWidget(self.notices)
        self.card_name = ""

    def set_services(self, services: list[dict[str, Any]]) -> None:
        self.grid.lang = self.lang
        self.grid.set_services(services)

    def set_notices(self, titles: list[str]) -> None:
        self._notice_titles = titles
        self._update_notices()

    def _update_notices(self) -> None:
        titles = getattr(self, "_notice_titles", [])
        if not titles:
            self.notices.set_text("")
            return
        sep = "　　◆　　"
        self.notices.set_text(
            QCoreApplication.translate("Lobby", "停电公告：%1").replace("%1", sep.join(titles))
        )

    def show_card(self, name_masked: str) -> None:
        """An ID card was read on the home screen: the next ticket is identified."""
        self.card_name = name_masked
        self.banner_box.setVisible(bool(name_masked))
        self.retranslate()

    def clear(self) -> None:
        self.show_card("")

    def set_portrait(self, portrait: bool) -> None:
        super().set_portrait(portrait)
        self.grid.set_portrait(portrait)

    def apply_metrics(self, m: Metrics) -> None:
        super().apply_metrics(m)
        self.grid.apply_metrics(m)

    def retranslate(self) -> None:
        self.title.setText(QCoreApplication.translate("Lobby", "请选择您要办理的业务"))
        self.bills_tile.set_texts(
            QCoreApplication.translate("Lobby", "电费查询"),
            QCoreApplication.translate("Lobby", "余额、账单、缴费"),
        )
        self.green_tile.set_texts(
            QCoreApplication.translate("Lobby", "绿色通道"),
            QCoreApplication.translate("Lobby", "老年人、残障人士优先办理"),
        )
        self.card_banner.setText(
            QCoreApplication.translate("Lobby", "已读取身份证：%1。请选择业务取号").replace(
                "%1", self.card_name
            )
        )
        self.card_forget.setText(QCoreApplication.translate("Lobby", "不使用"))
        self.grid.lang = self.lang
        self.grid.retranslate()
        self._update_notices()
