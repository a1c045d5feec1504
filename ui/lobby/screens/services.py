"""The services again, for a green-channel ticket."""

from __future__ import annotations

from typing import Any

from ui.lobby.screens.base import CENTER, Screen
from ui.lobby.screens.parts import ServiceGrid
from ui.lobby.theme import Metrics
from ui.lobby.widgets import label, set_tone
from ui.qt.core import QCoreApplication, Signal
from ui.qt.widgets import QVBoxLayout


class ServicePickScreen(Screen):
    """The services again, for a green-channel ticket. Signals: service_chosen(str)."""

    NAME = "services"
    TITLE_OPTIONAL = True
    service_chosen = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.banner = label("services_banner", "body", align=CENTER)
        set_tone(self.banner, "warning")
        self.grid = ServiceGrid("green_tile")
        self.grid.service_chosen.connect(self.service_chosen)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.banner)
        box.addWidget(self.grid, 1)
        box.addLayout(self.nav_bar(back=True, home=True))

    def set_services(self, services: list[dict[str, Any]]) -> None:
        self.grid.lang = self.lang
        self.grid.set_services(services)

    def set_portrait(self, portrait: bool) -> None:
        super().set_portrait(portrait)
        self.grid.set_portrait(portrait)

    def apply_metrics(self, m: Metrics) -> None:
        super().apply_metrics(m)
        self.grid.apply_metrics(m)

    def retranslate(self) -> None:
        self.title.setText(QCoreApplication.translate("Lobby", "请选择业务"))
        self.banner.setText(QCoreApplication.translate("Lobby", "绿色通道：您的号票将优先叫号"))
        self.grid.lang = self.lang
        self.grid.retranslate()
        self.retranslate_nav()
