"""The large keypad: the account number (户号), or the admin PIN."""

from __future__ import annotations

from ui.lobby.screens.base import CENTER, Screen
from ui.lobby.theme import Metrics
from ui.lobby.widgets import Keypad, label, set_tone
from ui.qt.core import QCoreApplication, Signal
from ui.qt.widgets import QBoxLayout, QVBoxLayout


class KeypadScreen(Screen):
    """Digits on a large keypad: the account number (户号), or the admin PIN (masked).

    Signals:
        submitted(str): OK with the digits typed.
    """

    GUIDANCE_KEY = "enter_account"
    submitted = Signal(str)

    def __init__(self, name: str, *, masked: bool, max_digits: int) -> None:
        self.NAME = name  # type: ignore[misc]  # two instances: account and pin
        super().__init__()
        self.masked = masked
        self.max_digits = max_digits
        self.digits = ""
        self.hint = label(f"{name}_hint", "subtitle", align=CENTER)
        self.display = label(f"{name}_display", "display", wrap=False, align=CENTER)
        self.status = label(f"{name}_status", "body", align=CENTER)
        self.status.hide()
        self.keypad = Keypad(name)
        self.keypad.digit_pressed.connect(self._on_digit_pressed)
        self.keypad.delete_pressed.connect(self._on_delete_pressed)
        self.keypad.clear_pressed.connect(self._on_clear_pressed)
        self.keypad.ok_pressed.connect(self._on_ok_pressed)
        self.side = QVBoxLayout()
        self.side.addWidget(self.title)
        self.side.addWidget(self.hint)
        self.side.addWidget(self.display)
        self.side.addWidget(self.status)
        self.side.addStretch(1)
        self.body = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.body.addLayout(self.side)
        self.body.addWidget(self.keypad, 1)
        box = QVBoxLayout(self)
        box.addLayout(self.body, 1)
        box.addLayout(self.nav_bar(back=True, home=True))
        self.purpose = "account"
        self._refresh()

    def configure(self, purpose: str) -> None:
        """``ticket`` / ``bills`` (account number) or ``admin`` (PIN)."""
        self.purpose = purpose
        self.clear()
        self.retranslate()

    def clear(self) -> None:
        self.digits = ""
        self.set_status("")
        self._refresh()

    def set_status(self, message: str, tone: str = "error") -> None:
        self.status.setText(message)
        set_tone(self.status, tone)
        self.status.setVisible(bool(message))

    def _refresh(self) -> None:
        if self.masked:
            shown = "●" * len(self.digits)
        else:
            shown = " ".join(self.digits[i : i + 4] for i in range(0, len(self.digits), 4))
        self.display.setText(shown or " ")
        self.keypad.ok_key.setEnabled(bool(self.digits))

    def _on_digit_pressed(self, digit: str) -> None:
        if len(self.digits) < self.max_digits:
            self.digits += digit
            self.set_status("")
            self._refresh()

    def _on_delete_pressed(self) -> None:
        self.digits = self.digits[:-1]
        self._refresh()

    def _on_clear_pressed(self) -> None:
        self.digits = ""
        self._refresh()

    def _on_ok_pressed(self) -> None:
        if self.digits:
            self.submitted.emit(self.digits)

    def set_portrait(self, portrait: bool) -> None:
        super().set_portrait(portrait)
        self.body.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        self.body.setStretch(0, 0 if portrait else 1)
        self.body.setStretch(1, 1)

    def apply_metrics(self, m: Metrics) -> None:
        super().apply_metrics(m)
        self.keypad.set_spacing(m.px(18))
        self.body.setSpacing(m.px(32))
        self.display.setMinimumHeight(m.target(120))

    def retranslate(self) -> None:
        if self.masked:
            self.title.setText(QCoreApplication.translate("Lobby", "管理员登录"))
            self.hint.setText(QCoreApplication.translate("Lobby", "请输入管理密码"))
        else:
            self.title.setText(QCoreApplication.translate("Lobby", "请输入户号"))
            self.hint.setText(QCoreApplication.translate("Lobby", "户号印在电费通知单或缴费凭证上"))
        self.keypad.ok_key.setText(QCoreApplication.translate("Lobby", "确定"))
        self.keypad.delete_key.setText(QCoreApplication.translate("Lobby", "删除"))
        self.keypad.clear_key.setText(QCoreApplication.translate("Lobby", "清空"))
        self.retranslate_nav()

    def guidance_text(self) -> str:
        return self.title.text()
