"""The green channel offered to a customer whose ID card shows the age for it."""

from __future__ import annotations

from ui.lobby.screens.base import CENTER, Screen
from ui.lobby.widgets import button, label
from ui.qt.core import QCoreApplication, Signal
from ui.qt.widgets import QVBoxLayout


class ElderlyOfferScreen(Screen):
    """Offered by itself when the ID card shows the customer is old enough.

    Signals: accepted(), declined()
    """

    NAME = "offer"
    accepted = Signal()
    declined = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.greeting = label("offer_greeting", "subtitle", align=CENTER)
        self.text = label("offer_text", "body", align=CENTER)
        self.accept_button = button("offer_accept", "primary")
        self.decline_button = button("offer_decline")
        self.accept_button.clicked.connect(self.accepted)
        self.decline_button.clicked.connect(self.declined)
        box = QVBoxLayout(self)
        box.addStretch(1)
        box.addWidget(self.title)
        box.addWidget(self.greeting)
        box.addWidget(self.text)
        box.addStretch(1)
        box.addWidget(self.accept_button)
        box.addWidget(self.decline_button)
        box.addStretch(1)
        box.addLayout(self.nav_bar(back=False, home=True))
        self.name_masked = ""
        self.elderly_age = 70

    def set_customer(self, name_masked: str, elderly_age: int) -> None:
        self.name_masked, self.elderly_age = name_masked, elderly_age
        self.retranslate()

    def clear(self) -> None:
        self.name_masked = ""
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(QCoreApplication.translate("Lobby", "绿色通道"))
        self.greeting.setText(
            QCoreApplication.translate("Lobby", "%1，您好").replace("%1", self.name_masked)
            if self.name_masked
            else ""
        )
        self.text.setText(
            QCoreApplication.translate(
                "Lobby", "您已年满%1岁，可以走绿色通道优先办理，不用久等"
            ).replace("%1", str(self.elderly_age))
        )
        self.accept_button.setText(QCoreApplication.translate("Lobby", "优先办理（绿色通道）"))
        self.decline_button.setText(QCoreApplication.translate("Lobby", "普通取号"))
        self.retranslate_nav()

    def guidance_text(self) -> str:
        return self.text.text()
