"""Something went wrong, or needs saying, with a way on and a way home."""

from __future__ import annotations

from ui.lobby.screens.base import CENTER, Screen
from ui.lobby.widgets import button, label
from ui.qt.core import QCoreApplication, Signal
from ui.qt.widgets import QVBoxLayout


class MessageScreen(Screen):
    """Something went wrong, or needs saying, with a way on and a way home.

    Signals: action_requested(): the main button (e.g. 重新输入).
    """

    NAME = "message"
    action_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.text = label("message_text", "subtitle", align=CENTER)
        self.action_button = button("message_action", "primary")
        self.action_button.clicked.connect(self.action_requested)
        box = QVBoxLayout(self)
        box.addStretch(1)
        box.addWidget(self.title)
        box.addWidget(self.text)
        box.addStretch(1)
        box.addWidget(self.action_button)
        box.addLayout(self.nav_bar(back=False, home=True))
        self._title = ""
        self._text = ""
        self._action = ""

    def show_message(self, title_key: str, text: str, action_key: str = "") -> None:
        """Keys are translated here (the API's messages are already in the language)."""
        self._title, self._text, self._action = title_key, text, action_key
        self.retranslate()

    def retranslate(self) -> None:
        titles = {
            "not_found": QCoreApplication.translate("Lobby", "没有找到"),
            "error": QCoreApplication.translate("Lobby", "无法办理"),
            "unreachable": QCoreApplication.translate("Lobby", "暂时无法连接"),
            "no_accounts": QCoreApplication.translate("Lobby", "没有找到户号"),
            "not_elderly": QCoreApplication.translate("Lobby", "暂不能走绿色通道"),
        }
        texts = {
            "unreachable": QCoreApplication.translate(
                "Lobby", "系统暂时无法连接，请稍后再试，或到服务台咨询"
            ),
            "no_accounts": QCoreApplication.translate(
                "Lobby", "没有找到登记在此身份证下的户号，请输入户号查询"
            ),
        }
        actions = {
            "retry_account": QCoreApplication.translate("Lobby", "重新输入"),
            "enter_account": QCoreApplication.translate("Lobby", "输入户号"),
            "ordinary_ticket": QCoreApplication.translate("Lobby", "普通取号"),
            "retry": QCoreApplication.translate("Lobby", "再试一次"),
        }
        self.title.setText(titles.get(self._title, ""))
        self.text.setText(texts.get(self._text, self._text))
        self.action_button.setText(actions.get(self._action, ""))
        self.action_button.setVisible(bool(self._action))
        self.retranslate_nav()

    def guidance_text(self) -> str:
        return self.text.text()
