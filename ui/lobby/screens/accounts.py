"""The accounts registered to an ID card, to choose the one to look up."""

from __future__ import annotations

from typing import Any

from ui.lobby.screens.base import Screen
from ui.lobby.widgets import button
from ui.qt.core import QCoreApplication, Signal
from ui.qt.widgets import QPushButton, QVBoxLayout


class AccountsScreen(Screen):
    """The accounts registered to an ID card, masked. Signals: account_chosen(str)."""

    NAME = "accounts"
    account_chosen = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.list_box = QVBoxLayout()
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addLayout(self.list_box)
        box.addStretch(1)
        box.addLayout(self.nav_bar(back=True, home=True))
        self.accounts: list[dict[str, Any]] = []
        self.buttons: list[QPushButton] = []

    def set_accounts(self, accounts: list[dict[str, Any]]) -> None:
        for b in self.buttons:
            b.setParent(None)
            b.deleteLater()
        self.buttons = []
        self.accounts = accounts
        for i, a in enumerate(accounts):
            b = button(f"account_{i}", "account")
            b.clicked.connect(lambda _=False, acc=a["account"]: self.account_chosen.emit(acc))
            self.list_box.addWidget(b)
            self.buttons.append(b)
        self.retranslate()

    def clear(self) -> None:
        self.set_accounts([])

    def retranslate(self) -> None:
        self.title.setText(QCoreApplication.translate("Lobby", "请选择要查询的户号"))
        for b, a in zip(self.buttons, self.accounts, strict=True):
            b.setText(
                QCoreApplication.translate("Lobby", "户号 %1　户名 %2\n%3")
                .replace("%1", a["account_masked"])
                .replace("%2", a["name_masked"])
                .replace("%3", a["address_masked"])
            )
        self.retranslate_nav()
