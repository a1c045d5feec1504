"""Identification: the ID card on the reader, the account number, or neither."""

from __future__ import annotations

from ui.lobby.screens.base import CENTER, Screen
from ui.lobby.screens.parts import CardIllustration
from ui.lobby.widgets import button, label, set_tone
from ui.qt.core import QCoreApplication, Signal
from ui.qt.widgets import QBoxLayout, QVBoxLayout


class IdentifyScreen(Screen):
    """ID card on the reader, or the account number, or neither (when allowed).

    Signals:
        account_requested(), skip_requested()
    """

    NAME = "identify"
    GUIDANCE_KEY = "place_id_card"
    account_requested = Signal()
    skip_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.subtitle = label("identify_subtitle", "subtitle", align=CENTER)
        self.illustration = CardIllustration()
        self.status = label("identify_status", "body", align=CENTER)
        self.account_button = button("identify_account", "primary")
        self.skip_button = button("identify_skip", "primary")
        self.account_button.clicked.connect(self.account_requested)
        self.skip_button.clicked.connect(self.skip_requested)
        self.choices = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.choices.addWidget(self.account_button)
        self.choices.addWidget(self.skip_button)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.subtitle)
        box.addWidget(self.illustration, 1)
        box.addWidget(self.status)
        box.addLayout(self.choices)
        box.addLayout(self.nav_bar(back=True, home=False))
        self.purpose = "ticket"
        self.service_title = ""
        self.status_key = ""

    def configure(
        self, purpose: str, service_title: str, *, allow_account: bool, allow_skip: bool
    ) -> None:
        """``purpose``: ticket, green (card required) or bills."""
        self.purpose = purpose
        self.service_title = service_title
        self.account_button.setVisible(allow_account)
        self.skip_button.setVisible(allow_skip)
        self.set_status("")
        self.retranslate()

    def set_status(self, key: str, tone: str = "error", detail: str = "") -> None:
        """A problem with the card: ``read_failed``, ``expired``, ``not_elderly``, or ""."""
        self.status_key, self.status_detail = key, detail
        set_tone(self.status, tone)
        self._status_text()

    def _status_text(self) -> None:
        texts = {
            "": "",
            "read_failed": QCoreApplication.translate(
                "Lobby", "没有读到身份证，请把身份证平放在读卡区，稍等片刻"
            ),
            "not_elderly": QCoreApplication.translate(
                "Lobby", "绿色通道（老年人）需年满%1岁。您可以普通取号"
            ).replace("%1", getattr(self, "status_detail", "")),
            "lookup_failed": getattr(self, "status_detail", ""),
        }
        self.status.setText(texts.get(self.status_key, ""))
        self.status.setVisible(bool(self.status.text()))

    def set_portrait(self, portrait: bool) -> None:
        super().set_portrait(portrait)
        self.choices.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )

    def retranslate(self) -> None:
        if self.purpose == "bills":
            self.title.setText(QCoreApplication.translate("Lobby", "电费查询"))
            sub = QCoreApplication.translate("Lobby", "请把身份证放在读卡区，或输入户号")
        elif self.purpose == "green":
            self.title.setText(QCoreApplication.translate("Lobby", "请刷身份证"))
            sub = QCoreApplication.translate("Lobby", "绿色通道（老年人）需核验年龄")
        else:
            self.title.setText(QCoreApplication.translate("Lobby", "请刷身份证或输入户号"))
            sub = QCoreApplication.translate("Lobby", "登记后工作人员可更快为您办理，也可以跳过")
        self.subtitle.setText(f"{self.service_title}\n{sub}" if self.service_title else sub)
        self.account_button.setText(QCoreApplication.translate("Lobby", "输入户号"))
        self.skip_button.setText(QCoreApplication.translate("Lobby", "不登记，直接取号"))
        self._status_text()
        self.retranslate_nav()

    def guidance_text(self) -> str:
        return self.title.text()
