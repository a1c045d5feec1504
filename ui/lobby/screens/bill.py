"""One account's bill: balance or arrears, tariff tier, a year's use, recent payments."""

from __future__ import annotations

from typing import Any

from ui.lobby import text as tx
from ui.lobby.screens.base import CENTER, Screen
from ui.lobby.theme import Metrics
from ui.lobby.widgets import Card, TariffBar, UsageChart, button, label, set_tone
from ui.qt.core import QCoreApplication, Qt, Signal
from ui.qt.gui import QResizeEvent
from ui.qt.widgets import QBoxLayout, QGridLayout, QHBoxLayout, QSizePolicy, QVBoxLayout


class BillScreen(Screen):
    """One account's bill. Signals: print_requested(), pay_requested()."""

    NAME = "bill"
    print_requested = Signal()
    pay_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.who = label("bill_who", "subtitle", align=CENTER)
        # balance / arrears
        self.balance_card = Card("bill_balance_card")
        self.balance_caption = label("bill_balance_caption", "body", wrap=False)
        self.balance = label("bill_balance", "figure", wrap=False)
        self.month = label("bill_month", "body", wrap=False)
        self.as_of = label("bill_as_of", "small", wrap=False)
        # No label in the cards wraps: grid layouts mishandle height-for-width, and a card
        # got less height than its text needed once the screen had been laid out before.
        lay = QVBoxLayout(self.balance_card)
        self.card_layouts = [lay]
        # The amount owed (or the balance) first and largest, its caption beside it.
        headline = QHBoxLayout()
        headline.addWidget(self.balance_caption)
        headline.addStretch(1)
        headline.addWidget(self.balance)
        lay.addLayout(headline)
        lay.addWidget(self.month)
        lay.addWidget(self.as_of)
        lay.addStretch(1)
        # tariff
        self.tariff_card = Card("bill_tariff_card")
        self.tariff_caption = label("bill_tariff_caption", "body", wrap=False)
        self.tariff_bar = TariffBar()
        self.tariff_text = label("bill_tariff_text", "small", wrap=False)
        lay = QVBoxLayout(self.tariff_card)
        self.card_layouts.append(lay)
        for w in (self.tariff_caption, self.tariff_bar, self.tariff_text):
            lay.addWidget(w)
        # chart
        self.chart_card = Card("bill_chart_card")
        self.chart_caption = label("bill_chart_caption", "body", wrap=False)
        self.chart = UsageChart()
        lay = QVBoxLayout(self.chart_card)
        self.card_layouts.append(lay)
        lay.addWidget(self.chart_caption)
        lay.addWidget(self.chart, 1)
        # payments
        self.payments_card = Card("bill_payments_card")
        self.payments_caption = label("bill_payments_caption", "body", wrap=False)
        self.payments = label("bill_payments", "small", wrap=False)
        lay = QVBoxLayout(self.payments_card)
        self.card_layouts.append(lay)
        lay.addWidget(self.payments_caption)
        lay.addWidget(self.payments)
        lay.addStretch(1)
        # Floats over the bottom of the chart: the outcome of a print must not squeeze the
        # figures (a screen in large type has no pixel to spare).
        self.status = label("bill_status", "body", align=CENTER)
        self.status.setParent(self)
        self.status.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.status.hide()
        self.print_button = button("bill_print", "primary")
        self.pay_button = button("bill_pay", "primary")
        self.print_button.clicked.connect(self.print_requested)
        self.pay_button.clicked.connect(self.pay_requested)
        self.grid = QGridLayout()
        self.heading = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.heading.addWidget(self.title)
        self.heading.addWidget(self.who)
        self.buttons = QGridLayout()
        nav = self.nav_bar(back=True, home=True)
        while nav.count():
            nav.takeAt(0)
        for b in (self.print_button, self.pay_button):
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        box = QVBoxLayout(self)
        self.box = box
        box.addLayout(self.heading)
        box.addLayout(self.grid, 1)
        box.addLayout(self.buttons)
        self.bill: dict[str, Any] = {}
        self.status_key = ""
        self.status_detail = ""
        self._layout_cards()

    def _layout_cards(self) -> None:
        """Portrait: balance and tariff side by side, the chart across, payments below.
        Landscape: a 2×2 grid and every button in one row (the height is what is short)."""
        for lay in (self.grid, self.buttons):
            while lay.count():
                lay.takeAt(0)
        large = self.metrics is not None and self.metrics.large
        for r in range(4):
            self.grid.setRowStretch(r, 0)
        if self.portrait and large:
            # Large type on a portrait screen: one card a row, full width, no cramped pairs.
            for row, card in enumerate(
                (self.balance_card, self.tariff_card, self.chart_card, self.payments_card)
            ):
                self.grid.addWidget(card, row, 0, 1, 2)
            self.grid.setRowStretch(2, 1)
        elif self.portrait:
            self.grid.addWidget(self.balance_card, 0, 0)
            self.grid.addWidget(self.tariff_card, 0, 1)
            self.grid.addWidget(self.chart_card, 1, 0, 1, 2)
            self.grid.addWidget(self.payments_card, 2, 0, 1, 2)
            self.grid.setRowStretch(1, 3)
        else:
            self.grid.addWidget(self.balance_card, 0, 0)
            self.grid.addWidget(self.tariff_card, 0, 1)
            self.grid.addWidget(self.payments_card, 0, 2)
            self.grid.addWidget(self.chart_card, 1, 0, 1, 3)
            self.grid.setRowStretch(1, 1)
        self.grid.setColumnStretch(0, 1)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 0 if self.portrait else 1)
        order = (self.print_button, self.pay_button, *self.nav_buttons())
        for i, b in enumerate(order):
            if self.portrait:
                self.buttons.addWidget(b, i // 2, i % 2)
            else:
                self.buttons.addWidget(b, 0, i)
        self.heading.setDirection(
            QBoxLayout.Direction.TopToBottom if self.portrait else QBoxLayout.Direction.LeftToRight
        )
        # Large type has no height to spare: the account line heads the screen on its own
        # (the tile the customer tapped said 电费查询).
        self.title.setVisible(not large)

    def set_portrait(self, portrait: bool) -> None:
        if portrait != self.portrait:
            super().set_portrait(portrait)
            self._layout_cards()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_status()

    def _place_status(self) -> None:
        if not self.status.isVisibleTo(self):
            return
        width = int(self.width() * 0.86)
        height = self.status.heightForWidth(width)
        chart = self.chart_card.geometry()
        self.status.setGeometry(
            (self.width() - width) // 2, chart.bottom() - height - 12, width, height
        )
        self.status.raise_()

    def apply_metrics(self, m: Metrics) -> None:
        relayout = self.metrics is None or self.metrics.large != m.large
        super().apply_metrics(m)
        self.grid.setSpacing(m.px(20))
        self.buttons.setSpacing(m.px(20))
        for lay in self.card_layouts:
            lay.setContentsMargins(m.px(24), m.px(16), m.px(24), m.px(16))
            lay.setSpacing(m.px(8))
        self.chart.setMinimumHeight(m.px(100 if m.large or not self.portrait else 180))
        self.box.setSpacing(m.px(12 if m.large else 16))
        if m.large:
            self.box.setContentsMargins(m.px(40), m.px(12), m.px(40), m.px(16))
        if relayout:
            self._layout_cards()
            self.retranslate()

    def set_bill(self, bill: dict[str, Any]) -> None:
        self.bill = bill
        self.status_key = ""
        self.status.hide()
        history = bill.get("history") or []
        self.chart.set_months([(h["month"], float(h["kwh"])) for h in history])
        t = bill.get("tariff") or {}
        self.tariff_bar.set_position(
            float(t.get("year_kwh", 0)),
            float(t.get("tier1_limit_kwh", 0)),
            float(t.get("tier2_limit_kwh", 0)),
        )
        self.pay_button.setEnabled(bool(bill.get("pay_url")))
        self.retranslate()

    def set_status(self, key: str, detail: str = "") -> None:
        """``printing``, ``printed``, ``print_failed`` (detail: the reason) or ""."""
        self.status_key, self.status_detail = key, detail
        self._status_text()

    def _status_text(self) -> None:
        texts = {
            "printing": QCoreApplication.translate("Lobby", "正在打印账单……"),
            "printed": QCoreApplication.translate("Lobby", "账单已打印，请取走"),
            "print_failed": QCoreApplication.translate("Lobby", "账单未能打印：%1").replace(
                "%1", self.status_detail
            ),
        }
        self.status.setText(texts.get(self.status_key, ""))
        set_tone(self.status, "toast-ok" if self.status_key == "printed" else "warning")
        self.status.setVisible(bool(self.status_key))
        self._place_status()
        self.print_button.setEnabled(self.status_key != "printing")

    def clear(self) -> None:
        self.bill = {}
        self.chart.set_months([])
        self.tariff_bar.set_position(0, 0, 0)
        self.set_status("")
        self.retranslate()

    def retranslate(self) -> None:
        b = self.bill
        self.title.setText(QCoreApplication.translate("Lobby", "电费账单"))
        if b:
            self.who.setText(
                QCoreApplication.translate("Lobby", "户号 %1　户名 %2")
                .replace("%1", b.get("account_masked") or b["account"])
                .replace("%2", b["name_masked"])
            )
            balance = float(b["balance"])
            if balance < 0:
                self.balance_caption.setText(QCoreApplication.translate("Lobby", "欠费金额"))
                self.balance.setText(tx.yuan(-balance))
                set_tone(self.balance, "error")
            else:
                self.balance_caption.setText(QCoreApplication.translate("Lobby", "账户余额"))
                self.balance.setText(tx.yuan(balance))
                set_tone(self.balance, "ok")
            self.month.setText(
                QCoreApplication.translate("Lobby", "%1 用电 %2\n电费 %3")
                .replace("%1", tx.month_text(b["month"], self.lang))
                .replace("%2", tx.kwh(float(b["month_kwh"])))
                .replace("%3", tx.yuan(float(b["month_amount"])))
            )
            t = b["tariff"]
            self.tariff_caption.setText(
                QCoreApplication.translate("Lobby", "阶梯电价：第%1档").replace(
                    "%1", str(t["tier"])
                )
            )
            # The tier limits are written on the bar itself.
            self.tariff_text.setText(
                QCoreApplication.translate("Lobby", "今年已用 %1").replace(
                    "%1", tx.kwh(float(t["year_kwh"]))
                )
            )
            lines = []
            if self.metrics is not None and self.metrics.large:
                shown = 2 if self.portrait else 3
            else:
                shown = 4 if self.portrait else 3
            for p in (b.get("payments") or [])[:shown]:
                lines.append(
                    f"{p['paid_at'][5:10]}　{tx.yuan(float(p['amount']))}　"
                    f"{self._channel(p.get('channel', ''))}"
                )
            self.payments.setText(
                "\n".join(lines) or QCoreApplication.translate("Lobby", "近期没有缴费记录")
            )
            as_of = b.get("as_of", "")[:16].replace("T", " ")
            text = QCoreApplication.translate("Lobby", "数据截至 %1").replace("%1", as_of)
            if b.get("cached"):
                text += QCoreApplication.translate("Lobby", "（缓存数据，可能不是最新）")
            self.as_of.setText(text)
        else:
            for w in (self.who, self.balance_caption, self.balance, self.month, self.as_of):
                w.setText("")
            self.tariff_caption.setText("")
            self.tariff_text.setText("")
            self.payments.setText("")
        self.chart_caption.setText(QCoreApplication.translate("Lobby", "近12个月用电量（kWh）"))
        self.payments_caption.setText(QCoreApplication.translate("Lobby", "最近缴费"))
        self.print_button.setText(QCoreApplication.translate("Lobby", "打印账单"))
        self.pay_button.setText(QCoreApplication.translate("Lobby", "扫码缴费"))
        self._status_text()
        self.retranslate_nav()

    def _channel(self, channel: str) -> str:
        names = {
            "网上国网": QCoreApplication.translate("Lobby", "网上国网"),
            "微信": QCoreApplication.translate("Lobby", "微信"),
            "支付宝": QCoreApplication.translate("Lobby", "支付宝"),
            "营业厅": QCoreApplication.translate("Lobby", "营业厅"),
        }
        return names.get(channel, channel)

    def guidance_text(self) -> str:
        if not self.bill:
            return self.title.text()
        return f"{self.balance_caption.text()} {self.balance.text()}"
