"""The payment link of the central system as a QR code."""

from __future__ import annotations

from ui.common.qr import QrCodeWidget
from ui.lobby import text as tx
from ui.lobby.screens.base import CENTER, Screen
from ui.lobby.theme import Metrics
from ui.lobby.widgets import label
from ui.qt.core import QCoreApplication
from ui.qt.widgets import QVBoxLayout


class PayScreen(Screen):
    """The payment link of the central system as a QR code."""

    NAME = "pay"

    def __init__(self) -> None:
        super().__init__()
        self.amount = label("pay_amount", "figure", align=CENTER)
        self.qr = QrCodeWidget()
        self.qr.setObjectName("pay_qr")
        self.hint = label("pay_hint", "body", align=CENTER)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.amount)
        box.addWidget(self.qr, 1)
        box.addWidget(self.hint)
        box.addLayout(self.nav_bar(back=True, home=True))
        self.balance: float | None = None

    def show_payment(self, url: str, balance: float) -> None:
        self.qr.set_payload(url)
        self.balance = balance
        self.retranslate()

    def clear(self) -> None:
        self.qr.set_payload("")
        self.balance = None
        self.retranslate()

    def apply_metrics(self, m: Metrics) -> None:
        super().apply_metrics(m)
        self.qr.setMinimumSize(m.px(420), m.px(420))

    def retranslate(self) -> None:
        self.title.setText(QCoreApplication.translate("Lobby", "扫码缴费"))
        if self.balance is not None and self.balance < 0:
            self.amount.setText(
                QCoreApplication.translate("Lobby", "应缴 %1").replace("%1", tx.yuan(-self.balance))
            )
        else:
            self.amount.setText(QCoreApplication.translate("Lobby", "预存电费"))
        self.hint.setText(
            QCoreApplication.translate(
                "Lobby", "请用手机扫描二维码，在网上国网、微信或支付宝中完成缴费"
            )
        )
        self.retranslate_nav()

    def guidance_text(self) -> str:
        return self.hint.text()
