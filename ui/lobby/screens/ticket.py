"""The ticket on screen: number, people ahead, wait, counters; whether it printed."""

from __future__ import annotations

from typing import Any

from ui.common.qr import QrCodeWidget
from ui.lobby import text as tx
from ui.lobby.screens.base import CENTER, Screen
from ui.lobby.theme import Metrics
from ui.lobby.widgets import Card, button, fit_pixel_size, label, set_tone
from ui.qt.core import QCoreApplication
from ui.qt.gui import QResizeEvent
from ui.qt.widgets import QBoxLayout, QVBoxLayout, QWidget


class TicketScreen(Screen):
    """The ticket, very large: number, people ahead, estimated wait, counters; then whether
    it printed. When it could not print, its QR code and a request to note the number."""

    NAME = "ticket"
    GUIDANCE_KEY = "take_ticket"
    TITLE_OPTIONAL = True

    def __init__(self) -> None:
        super().__init__()
        self.service = label("ticket_service", "service", align=CENTER)
        self.number = label("ticket_number", "number", wrap=False, align=CENTER)
        self.priority = label("ticket_priority", "body", align=CENTER)
        set_tone(self.priority, "ok")
        self.ahead = label("ticket_ahead", "number-label", align=CENTER)
        self.wait = label("ticket_wait", "number-label", align=CENTER)
        self.counters = label("ticket_counters", "body", align=CENTER)
        self.print_status = label("print_status", "status", align=CENTER)
        self.qr = QrCodeWidget()
        self.qr.setObjectName("ticket_qr")
        self.qr_hint = label("ticket_qr_hint", "small", align=CENTER)
        self.countdown = label("ticket_countdown", "small", align=CENTER)
        self.done_button = button("ticket_done", "primary")
        self.card = Card("ticket_card")
        self.facts = QBoxLayout(QBoxLayout.Direction.TopToBottom, self.card)
        self.headline = QVBoxLayout()
        self.details = QVBoxLayout()
        for column, widgets in (
            (self.headline, (self.service, self.number, self.priority)),
            (self.details, (self.ahead, self.wait, self.counters)),
        ):
            column.addStretch(1)
            for w in widgets:
                column.addWidget(w)
            column.addStretch(1)
        self.facts.addLayout(self.headline)
        self.facts.addLayout(self.details)
        self.qr_box = QVBoxLayout()
        self.qr_box.addWidget(self.qr, 1)
        self.qr_box.addWidget(self.qr_hint)
        self.qr_panel = QWidget()
        self.qr_panel.setLayout(self.qr_box)
        self.qr_box.setContentsMargins(0, 0, 0, 0)
        self.body = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.body.addWidget(self.card, 3)
        self.body.addWidget(self.qr_panel, 2)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addLayout(self.body, 1)
        box.addWidget(self.print_status)
        box.addWidget(self.countdown)
        box.addWidget(self.done_button)
        self.ticket: dict[str, Any] = {}
        self.state = "printing"  # printing | printed | failed | no_printer
        self.qr_payload = ""
        self.seconds_left: int | None = None
        self.qr_panel.hide()

    def show_ticket(self, ticket: dict[str, Any], qr_payload: str) -> None:
        self.ticket = ticket
        self.qr_payload = qr_payload
        self.qr.set_payload(qr_payload)
        self.state = "printing"
        self.seconds_left = None
        self.qr_panel.hide()
        self.retranslate()

    def set_print_state(self, state: str) -> None:
        self.state = state
        self.qr_panel.setVisible(state in ("failed", "no_printer"))
        self.retranslate()

    def set_countdown(self, seconds: int | None) -> None:
        self.seconds_left = seconds
        self._countdown_text()

    def _countdown_text(self) -> None:
        if self.seconds_left is None:
            self.countdown.setText("")
        else:
            self.countdown.setText(
                QCoreApplication.translate("Lobby", "%n 秒后返回首页", None, self.seconds_left)
            )
        self.countdown.setVisible(self.seconds_left is not None)

    def clear(self) -> None:
        self.ticket = {}
        self.qr.set_payload("")
        self.qr_payload = ""
        self.seconds_left = None
        self.number.setText("")

    def set_portrait(self, portrait: bool) -> None:
        super().set_portrait(portrait)
        direction = (
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        self.body.setDirection(direction)
        # Landscape is short: the number on the left, the figures beside it, and the QR
        # code (when shown) no wider than it needs.
        self.facts.setDirection(direction)
        self.body.setStretch(0, 3)
        self.body.setStretch(1, 2 if portrait else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_service()

    def _fit_service(self) -> None:
        """The service's name on one line (a smaller size for a long English name): the
        number below it must keep its height."""
        if self.metrics is None or not self.service.text():
            return
        base = self.metrics.font("service")
        width = self.service.width()
        if width <= 0:
            return
        px = fit_pixel_size(self.service.font(), self.service.text(), base, width, 1)
        self.service.setStyleSheet(f"font-size: {px}px;" if px != base else "")

    def apply_metrics(self, m: Metrics) -> None:
        super().apply_metrics(m)
        self.qr.setMinimumSize(m.px(260), m.px(260))
        self.facts.setContentsMargins(m.px(24), m.px(24), m.px(24), m.px(24))
        self.facts.setSpacing(m.px(16))

    def guidance_key(self) -> str:
        return "take_ticket" if self.state == "printed" else "ticket_not_printed"

    def retranslate(self) -> None:
        t = self.ticket
        self.title.setText(QCoreApplication.translate("Lobby", "您的排队号"))
        self.number.setText(t.get("number", ""))
        self.service.setText(tx.service_name(t, self.lang) if t else "")
        self._fit_service()
        self.priority.setText(
            QCoreApplication.translate("Lobby", "绿色通道 · 优先叫号") if t.get("priority") else ""
        )
        self.priority.setVisible(bool(t.get("priority")))
        self.ahead.setText(tx.ahead_text(int(t.get("ahead") or 0)) if t else "")
        self.wait.setText(tx.wait_text(t.get("estimated_wait_s")) if t else "")
        self.counters.setText(tx.counters_text(list(t.get("counters") or [])) if t else "")
        texts = {
            "printing": QCoreApplication.translate("Lobby", "正在打印号票……"),
            "printed": QCoreApplication.translate("Lobby", "请取走您的号票，留意叫号"),
            "failed": QCoreApplication.translate(
                "Lobby", "号票未能打印，请记住您的号码，或用手机拍下本页。已通知工作人员"
            ),
            "no_printer": QCoreApplication.translate(
                "Lobby", "本机不打印号票，请记住您的号码，或用手机拍下本页"
            ),
        }
        self.print_status.setText(texts[self.state])
        set_tone(self.print_status, "warning" if self.state in ("failed", "no_printer") else "")
        self.qr_hint.setText(QCoreApplication.translate("Lobby", "扫码查看排队进度"))
        self.done_button.setText(QCoreApplication.translate("Lobby", "完成"))
        self._countdown_text()

    def guidance_text(self) -> str:
        return self.print_status.text()
