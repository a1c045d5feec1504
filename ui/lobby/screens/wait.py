"""A call to the hall daemon under way: never a dead end."""

from __future__ import annotations

from ui.lobby.screens.base import Screen
from ui.qt.core import QCoreApplication
from ui.qt.widgets import QVBoxLayout


class WaitScreen(Screen):
    """A call to the daemon under way (a bill lookup): never a dead end."""

    NAME = "wait"

    def __init__(self) -> None:
        super().__init__()
        box = QVBoxLayout(self)
        box.addStretch(1)
        box.addWidget(self.title)
        box.addStretch(1)
        box.addLayout(self.nav_bar(back=False, home=True))

    def retranslate(self) -> None:
        self.title.setText(QCoreApplication.translate("Lobby", "正在查询，请稍候……"))
        self.retranslate_nav()
