"""The green channel (绿色通道): who may go first."""

from __future__ import annotations

from ui.lobby.screens.base import CENTER, Screen
from ui.lobby.widgets import button, label
from ui.qt.core import QCoreApplication, Signal
from ui.qt.widgets import QPushButton, QVBoxLayout


class GreenChannelScreen(Screen):
    """Who may go first. Signals: category_chosen(str): elderly, disabled or appointment."""

    NAME = "green"
    TITLE_OPTIONAL = True
    category_chosen = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.intro = label("green_intro", "subtitle", align=CENTER)
        self.buttons: dict[str, QPushButton] = {}
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.intro)
        box.addStretch(1)
        for cat in ("elderly", "disabled", "appointment"):
            b = button(f"green_{cat}", "primary")
            b.clicked.connect(lambda _=False, c=cat: self.category_chosen.emit(c))
            box.addWidget(b)
            self.buttons[cat] = b
        box.addStretch(1)
        box.addLayout(self.nav_bar(back=False, home=True))
        self.elderly_age = 70

    def retranslate(self) -> None:
        self.title.setText(QCoreApplication.translate("Lobby", "绿色通道"))
        self.intro.setText(
            QCoreApplication.translate(
                "Lobby", "老年人、残障人士和预约客户优先办理。请选择您的情况"
            )
        )
        self.buttons["elderly"].setText(
            QCoreApplication.translate("Lobby", "%1岁以上老年人（请刷身份证）").replace(
                "%1", str(self.elderly_age)
            )
        )
        self.buttons["disabled"].setText(QCoreApplication.translate("Lobby", "残障人士"))
        self.buttons["appointment"].setText(QCoreApplication.translate("Lobby", "已预约客户"))
        self.retranslate_nav()
