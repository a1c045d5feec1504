"""The soft caller's window on the counter PC: compact, always on top, keyboard first.

Login (staff number and PIN), then the counter: the current ticket with its waited time and
the masked customer, the running service timer against the service's time limit (amber at
80 %, red past it), who waits, today's own figures, and eight big buttons with F1–F8. Every
press is an API call (:class:`~ui.counter.session.CounterSession`); the window only shows
what the daemon answers and pushes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ui.common.fonts import ui_font
from ui.counter.customer import CustomerScreen
from ui.counter.session import CounterSession
from ui.counter.text import (
    TimerLevel,
    clock_text,
    customer_text,
    named,
    score_text,
    seconds_between,
    service_name,
    state_text,
    status_text,
    today_text,
)
from ui.qt.core import QCoreApplication, QEvent, Qt, QTimer, Slot
from ui.qt.gui import QKeySequence, QShortcut
from ui.qt.immortals import keep_immortal
from ui.qt.widgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger("ui.counter")

STYLE = """
QWidget#counterWindow { background: #eef2f7; }
QLabel { color: #1f2933; }
QFrame#ticketPanel, QFrame#infoPanel { background: white; border: 1px solid #d3dae3;
    border-radius: 8px; }
QLabel#ticketNumber { color: #0b4f8a; }
QLabel#ticketNumber[empty="true"] { color: #c3cdd8; }
QLabel#stateBadge { border-radius: 6px; padding: 2px 10px; color: white; background: #52606d; }
QLabel#stateBadge[state="idle"] { background: #2e8540; }
QLabel#stateBadge[state="busy"] { background: #2f6fb3; }
QLabel#stateBadge[state="paused"] { background: #c23030; }
QLabel#connectionLabel[online="false"] { color: #c23030; font-weight: bold; }
QLabel#connectionLabel[online="true"] { color: #2e8540; }
QLabel#serviceTimer { border-radius: 6px; padding: 4px 10px; background: #e4e7eb; }
QLabel#serviceTimer[level="normal"] { background: #dcefe0; color: #1d5e2c; }
QLabel#serviceTimer[level="amber"] { background: #f0a500; color: #1f2933; }
QLabel#serviceTimer[level="red"] { background: #c23030; color: white; }
QLabel#messageLabel[level="error"] { color: #c23030; font-weight: bold; }
QLabel#messageLabel[level="info"] { color: #2f6fb3; }
QLabel#loginMessage { color: #c23030; font-weight: bold; }
QPushButton { background: white; border: 1px solid #9aa5b1; border-radius: 8px; padding: 6px; }
QPushButton:hover { background: #e6f0fa; }
QPushButton:pressed { background: #c8dcf0; }
QPushButton:disabled { color: #9aa5b1; background: #f5f7fa; border-color: #d3dae3; }
QPushButton#callNextButton { background: #2f6fb3; color: white; border: none; }
QPushButton#callNextButton:disabled { background: #9bb8d6; }
QPushButton#doneButton { background: #2e8540; color: white; border: none; }
QPushButton#doneButton:disabled { background: #a6cdb0; }
QPushButton#loginButton, QPushButton#transferConfirm { background: #2f6fb3; color: white;
    border: none; }
QPushButton#pauseButton[paused="true"] { background: #c23030; color: white; border: none; }
"""

#: (object name, key, what it does): the eight actions in the order of F1-F8.
ACTIONS = (
    ("callNextButton", Qt.Key.Key_F1),
    ("recallButton", Qt.Key.Key_F2),
    ("noShowButton", Qt.Key.Key_F3),
    ("startButton", Qt.Key.Key_F4),
    ("doneButton", Qt.Key.Key_F5),
    ("transferButton", Qt.Key.Key_F6),
    ("pauseButton", Qt.Key.Key_F7),
    ("evaluateButton", Qt.Key.Key_F8),
)


def _set_prop(widget: QWidget, name: str, value: str) -> None:
    """A dynamic property the style sheet reads; re-polished so the colour follows."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class CounterWindow(QWidget):
    """The staff side of the soft caller for one counter (see the module docstring)."""

    def __init__(
        self,
        session_for: Callable[[int], CounterSession],
        counters: list[int],
        *,
        clock: Any,
        customer: CustomerScreen | None = None,
        lang: str = "zh_CN",
        on_top: bool = True,
        tick_ms: int = 500,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("counterWindow")
        if on_top:
            self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        self.setStyleSheet(STYLE)
        self.setFont(ui_font(15))
        self.clock = clock
        self.lang = lang
        self.customer = customer
        self._session_for = session_for
        self.counters = counters
        self.session: CounterSession | None = None
        self.status: dict[str, Any] | None = None
        self.level = TimerLevel.NONE
        self._evaluating: str | None = None  # ticket the customer is being asked about
        self._build()
        self._tick = QTimer(self)
        self._tick.setInterval(tick_ms)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()
        if customer is not None:
            customer.rated.connect(self._on_customer_rated)
        self._use_counter(counters[0])
        self.resize(600, 700)

    # ------------------------------------------------------------------- building

    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(10, 10, 10, 10)
        # The window's size is the box's to choose: a layout that pushed its minimum onto
        # the window on every text change would fight the window manager (and warn).
        root.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.pages = QStackedWidget()
        root.addWidget(self.pages)
        self.pages.addWidget(self._build_login())
        self.pages.addWidget(self._build_main())
        # F1-F8 work in the staff window and, should a touch have given it the focus, in the
        # customer's window too (window shortcuts: two soft callers in one process, as in
        # the tests, do not make the keys ambiguous).
        for owner in (self, self.customer):
            if owner is None:
                continue
            for name, key in ACTIONS:
                shortcut = QShortcut(QKeySequence(key), owner)
                shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
                shortcut.activated.connect(lambda n=name: self._on_shortcut(n))

    def _build_login(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(40, 30, 40, 30)
        self.login_title = named(QLabel(), "loginTitle")
        self.login_title.setFont(ui_font(28, bold=True))
        self.login_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addStretch(1)
        lay.addWidget(self.login_title)
        self.counter_choice = named(QComboBox(), "counterChoice")
        for n in self.counters:
            self.counter_choice.addItem("", n)
        self.counter_choice.setVisible(len(self.counters) > 1)
        self.counter_choice.currentIndexChanged.connect(self._on_counter_chosen)
        lay.addWidget(self.counter_choice)
        lay.addSpacing(16)
        self.staff_caption = QLabel()
        self.staff_edit = named(QLineEdit(), "loginStaff")
        self.staff_edit.setMaxLength(8)
        self.pin_caption = QLabel()
        self.pin_edit = named(QLineEdit(), "loginPin")
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setMaxLength(8)
        for w in (self.staff_edit, self.pin_edit):
            w.setFont(ui_font(22))
            w.setMinimumHeight(48)
            w.returnPressed.connect(self._on_login_clicked)
        lay.addWidget(self.staff_caption)
        lay.addWidget(self.staff_edit)
        lay.addWidget(self.pin_caption)
        lay.addWidget(self.pin_edit)
        lay.addSpacing(12)
        self.login_button = named(QPushButton(), "loginButton")
        self.login_button.setFont(ui_font(20, bold=True))
        self.login_button.setMinimumHeight(56)
        self.login_button.clicked.connect(self._on_login_clicked)
        lay.addWidget(self.login_button)
        self.login_message = named(QLabel(), "loginMessage")
        self.login_message.setWordWrap(True)
        self.login_hint = named(QLabel(), "loginHint")
        self.login_hint.setWordWrap(True)
        self.login_hint.setStyleSheet("color: #52606d;")
        lay.addWidget(self.login_message)
        lay.addWidget(self.login_hint)
        self.login_connection = named(QLabel(), "loginConnection")
        self.login_connection.setStyleSheet("color: #c23030;")
        lay.addWidget(self.login_connection)
        lay.addStretch(2)
        return page

    def _build_main(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(8)

        head = QHBoxLayout()
        self.counter_label = named(QLabel(), "counterLabel")
        self.counter_label.setFont(ui_font(22, bold=True))
        self.state_badge = named(QLabel(), "stateBadge")
        self.state_badge.setFont(ui_font(16, bold=True))
        self.connection_label = named(QLabel(), "connectionLabel")
        head.addWidget(self.counter_label)
        head.addStretch(1)
        head.addWidget(self.connection_label)
        head.addWidget(self.state_badge)
        lay.addLayout(head)
        who = QHBoxLayout()
        self.staff_label = named(QLabel(), "staffLabel")
        self.services_label = named(QLabel(), "servicesLabel")
        self.services_label.setStyleSheet("color: #52606d;")
        self.logout_button = named(QPushButton(), "logoutButton")
        self.logout_button.clicked.connect(self._on_logout_clicked)
        who.addWidget(self.staff_label)
        who.addWidget(self.services_label, 1)
        who.addWidget(self.logout_button)
        lay.addLayout(who)

        panel = named(QFrame(), "ticketPanel")
        grid = QGridLayout(panel)
        grid.setContentsMargins(14, 10, 14, 10)
        self.ticket_number = named(QLabel(), "ticketNumber")
        self.ticket_number.setFont(ui_font(56, bold=True))
        self.ticket_service = named(QLabel(), "ticketService")
        self.ticket_service.setFont(ui_font(20, bold=True))
        self.ticket_status = named(QLabel(), "ticketStatus")
        self.ticket_waited = named(QLabel(), "ticketWaited")
        self.ticket_customer = named(QLabel(), "ticketCustomer")
        self.ticket_customer.setStyleSheet("color: #52606d;")
        self.service_timer = named(QLabel(), "serviceTimer")
        self.service_timer.setFont(ui_font(20, bold=True))
        self.service_timer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.evaluation_label = named(QLabel(), "evaluationLabel")
        self.evaluation_label.setStyleSheet("color: #2f6fb3; font-weight: bold;")
        grid.addWidget(self.ticket_number, 0, 0, 2, 1)
        grid.addWidget(self.ticket_service, 0, 1)
        grid.addWidget(self.ticket_status, 1, 1)
        grid.addWidget(self.ticket_waited, 2, 0)
        grid.addWidget(self.ticket_customer, 2, 1)
        grid.addWidget(self.service_timer, 3, 0, 1, 2)
        grid.addWidget(self.evaluation_label, 4, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        lay.addWidget(panel)

        self.action_pages = QStackedWidget()
        self.action_pages.addWidget(self._build_buttons())
        self.action_pages.addWidget(self._build_transfer())
        lay.addWidget(self.action_pages)

        self.message_label = named(QLabel(), "messageLabel")
        self.message_label.setWordWrap(True)
        self.message_label.setMinimumHeight(24)
        lay.addWidget(self.message_label)
        lay.addStretch(1)

        info = named(QFrame(), "infoPanel")
        il = QVBoxLayout(info)
        il.setContentsMargins(12, 8, 12, 8)
        self.waiting_label = named(QLabel(), "waitingLabel")
        self.waiting_label.setWordWrap(True)
        row = QHBoxLayout()
        self.no_show_caption = QLabel()
        self.no_show_list = named(QComboBox(), "noShowList")
        self.reinstate_button = named(QPushButton(), "reinstateButton")
        self.reinstate_button.clicked.connect(self._on_reinstate_clicked)
        row.addWidget(self.no_show_caption)
        row.addWidget(self.no_show_list, 1)
        row.addWidget(self.reinstate_button)
        self.today_label = named(QLabel(), "todayLabel")
        self.today_label.setWordWrap(True)
        self.today_label.setStyleSheet("color: #323f4b;")
        il.addWidget(self.waiting_label)
        il.addLayout(row)
        il.addWidget(self.today_label)
        lay.addWidget(info)
        return page

    def _build_buttons(self) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        self.buttons: dict[str, QPushButton] = {}
        handlers = {
            "callNextButton": lambda: self._do("call_next"),
            "recallButton": lambda: self._do("recall"),
            "noShowButton": lambda: self._do("no_show"),
            "startButton": lambda: self._do("start_service"),
            "doneButton": lambda: self._do("done"),
            "transferButton": self._on_transfer_clicked,
            "pauseButton": lambda: self._do("toggle_pause"),
            "evaluateButton": lambda: self._do("request_evaluation"),
        }
        for i, (name, _) in enumerate(ACTIONS):
            b = named(QPushButton(), name)
            b.setFont(ui_font(18, bold=True))
            b.setMinimumHeight(76)
            b.clicked.connect(handlers[name])
            grid.addWidget(b, i // 4, i % 4)
            self.buttons[name] = b
        return box

    def _build_transfer(self) -> QWidget:
        box = named(QFrame(), "transferPanel")
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        self.transfer_title = named(QLabel(), "transferTitle")
        self.transfer_title.setFont(ui_font(17, bold=True))
        lay.addWidget(self.transfer_title)
        self.transfer_group = QButtonGroup(self)
        self.transfer_options = QGridLayout()
        lay.addLayout(self.transfer_options)
        self.reason_caption = QLabel()
        self.transfer_reason = named(QComboBox(), "transferReason")
        self.transfer_reason.setEditable(True)
        lay.addWidget(self.reason_caption)
        lay.addWidget(self.transfer_reason)
        row = QHBoxLayout()
        self.transfer_confirm = named(QPushButton(), "transferConfirm")
        self.transfer_cancel = named(QPushButton(), "transferCancel")
        for b in (self.transfer_confirm, self.transfer_cancel):
            b.setMinimumHeight(48)
            b.setFont(ui_font(17, bold=True))
        self.transfer_confirm.clicked.connect(self._on_transfer_confirmed)
        self.transfer_cancel.clicked.connect(self._close_transfer)
        row.addWidget(self.transfer_confirm, 2)
        row.addWidget(self.transfer_cancel, 1)
        lay.addLayout(row)
        lay.addStretch(1)
        return box

    def _retranslate(self) -> None:
        labels = {
            "callNextButton": QCoreApplication.translate("Counter", "呼叫下一位"),
            "recallButton": QCoreApplication.translate("Counter", "重呼"),
            "noShowButton": QCoreApplication.translate("Counter", "过号"),
            "startButton": QCoreApplication.translate("Counter", "开始办理"),
            "doneButton": QCoreApplication.translate("Counter", "办结"),
            "transferButton": QCoreApplication.translate("Counter", "转移"),
            "pauseButton": QCoreApplication.translate("Counter", "暂停"),
            "evaluateButton": QCoreApplication.translate("Counter", "请评价"),
        }
        if self.status and self.status.get("state") == "paused":
            labels["pauseButton"] = QCoreApplication.translate("Counter", "恢复")
        for i, (name, _) in enumerate(ACTIONS):
            self.buttons[name].setText(f"{labels[name]}\nF{i + 1}")
        self.staff_caption.setText(QCoreApplication.translate("Counter", "工号"))
        self.pin_caption.setText(QCoreApplication.translate("Counter", "密码"))
        self.login_button.setText(QCoreApplication.translate("Counter", "登录"))
        self.logout_button.setText(QCoreApplication.translate("Counter", "退出"))
        self.no_show_caption.setText(QCoreApplication.translate("Counter", "本窗口过号："))
        self.reinstate_button.setText(QCoreApplication.translate("Counter", "重新排队"))
        self.reason_caption.setText(QCoreApplication.translate("Counter", "转移原因"))
        self.transfer_confirm.setText(QCoreApplication.translate("Counter", "确定转移"))
        self.transfer_cancel.setText(QCoreApplication.translate("Counter", "取消"))
        if self.transfer_reason.count() == 0:
            for reason in (
                QCoreApplication.translate("Counter", "需办理其他业务"),
                QCoreApplication.translate("Counter", "需专业窗口办理"),
                QCoreApplication.translate("Counter", "资料需补充后再办"),
            ):
                self.transfer_reason.addItem(reason)
        for i in range(self.counter_choice.count()):
            n = self.counter_choice.itemData(i)
            self.counter_choice.setItemText(
                i, QCoreApplication.translate("Counter", "{n}号窗口").format(n=n)
            )
        self._render()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # -------------------------------------------------------------------- session

    def _use_counter(self, counter: int) -> None:
        if self.session is not None:
            if self.session.counter == counter:
                return
            self.session.close()
            self.session.deleteLater()
        self.status = None
        self.session = s = self._session_for(counter)
        s.status_changed.connect(self._on_status_changed)
        s.today_changed.connect(self._on_today_changed)
        s.login_changed.connect(self._on_login_changed)
        s.message_changed.connect(self._on_message_changed)
        s.evaluation_requested.connect(self._on_evaluation_requested)
        s.evaluation_recorded.connect(self._on_evaluation_recorded)
        s.no_shows_changed.connect(self._on_no_shows_changed)
        s.connection_changed.connect(self._on_connection_changed)
        s.start()
        self._retranslate()

    def close_session(self) -> None:
        """Stop the session's threads (also on close)."""
        self._tick.stop()
        if self.session is not None:
            self.session.close()

    def closeEvent(self, event: Any) -> None:
        self.close_session()
        super().closeEvent(event)

    @Slot(int)
    def _on_counter_chosen(self, index: int) -> None:
        counter = self.counter_choice.itemData(index)
        if counter is not None:
            self._use_counter(int(counter))

    # ------------------------------------------------------------------- actions

    def _do(self, method: str) -> None:
        s = self.session
        if s is None or s.staff is None:
            return
        getattr(s, method)()

    def _on_shortcut(self, name: str) -> None:
        button = self.buttons[name]
        if self.pages.currentIndex() == 1 and button.isEnabled():
            button.click()

    @Slot()
    def _on_login_clicked(self) -> None:
        if self.session is None:
            return
        staff, pin = self.staff_edit.text().strip(), self.pin_edit.text()
        if not staff or not pin:
            self.login_message.setText(QCoreApplication.translate("Counter", "请输入工号和密码"))
            return
        self.login_message.setText("")
        self.session.login(staff, pin)

    @Slot()
    def _on_logout_clicked(self) -> None:
        self._do("logout")

    @Slot()
    def _on_reinstate_clicked(self) -> None:
        ticket = self.no_show_list.currentData()
        if ticket and self.session is not None and self.session.staff is not None:
            self.session.reinstate(str(ticket))

    @Slot()
    def _on_transfer_clicked(self) -> None:
        current = (self.status or {}).get("current")
        if current is None or self.session is None:
            return
        self.transfer_title.setText(
            QCoreApplication.translate("Counter", "转移 {number} 到：").format(
                number=current["number"]
            )
        )
        while self.transfer_options.count():
            item = self.transfer_options.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for b in self.transfer_group.buttons():
            self.transfer_group.removeButton(b)
        queue = self.session.queue or {}
        options: list[tuple[str, str]] = [
            (f"service:{s['service']}", f"{s['service']} {service_name(s, self.lang)}")
            for s in queue.get("services", [])
            if s["service"] != current["service"]
        ]
        options += [
            (
                f"counter:{c['counter']}",
                QCoreApplication.translate("Counter", "{n}号窗口").format(n=c["counter"]),
            )
            for c in queue.get("counters", [])
            if c["counter"] != self.session.counter
        ]
        for i, (key, text) in enumerate(options):
            b = named(QRadioButton(text), f"transferTo_{key.replace(':', '_')}")
            b.setProperty("target", key)
            b.setFont(ui_font(16))
            self.transfer_group.addButton(b)
            self.transfer_options.addWidget(b, i // 3, i % 3)
        self.action_pages.setCurrentIndex(1)

    @Slot()
    def _on_transfer_confirmed(self) -> None:
        chosen = self.transfer_group.checkedButton()
        if chosen is None or self.session is None:
            self._on_message_changed(
                QCoreApplication.translate("Counter", "请选择转到的业务或窗口"), "error"
            )
            return
        kind, value = str(chosen.property("target")).split(":", 1)
        reason = self.transfer_reason.currentText().strip()
        if kind == "service":
            self.session.transfer(service=value, reason=reason)
        else:
            self.session.transfer(counter=int(value), reason=reason)
        self._close_transfer()

    @Slot()
    def _close_transfer(self) -> None:
        self.action_pages.setCurrentIndex(0)

    @Slot(str, int)
    def _on_customer_rated(self, ticket: str, score: int) -> None:
        if self.session is not None:
            self.session.rate(ticket, score)

    # ------------------------------------------------------------------- updates

    @Slot(dict)
    def _on_status_changed(self, status: dict[str, Any]) -> None:
        current = (status.get("current") or {}).get("id")
        previous = ((self.status or {}).get("current") or {}).get("id")
        if current is not None and current != previous and current != self._evaluating:
            self.evaluation_label.clear()  # a new customer: the last rating is history
        self.status = status
        if self.customer is not None:
            self.customer.show_counter(status)
        self._retranslate()

    @Slot(dict)
    def _on_today_changed(self, today: dict[str, Any]) -> None:
        self.today_label.setText(today_text(today.get("mine") or {}))

    @Slot(object)
    def _on_login_changed(self, staff: dict[str, Any] | None) -> None:
        if staff is None:
            self.pages.setCurrentIndex(0)
            self.pin_edit.clear()
            self.today_label.clear()
        else:
            self.pages.setCurrentIndex(1)
            self.pin_edit.clear()
            self.login_message.clear()
        self._render()

    @Slot(str, str)
    def _on_message_changed(self, text: str, level: str) -> None:
        target = self.message_label if self.pages.currentIndex() == 1 else self.login_message
        target.setText(text)
        _set_prop(self.message_label, "level", level)

    @Slot(str, str)
    def _on_evaluation_requested(self, ticket: str, number: str) -> None:
        self._evaluating = ticket
        if self.status is not None and self.status.get("evaluator"):
            self.evaluation_label.setText(
                QCoreApplication.translate("Counter", "请客户在评价器上为 {number} 评价").format(
                    number=number
                )
            )
        elif self.customer is not None:
            self.evaluation_label.setText(
                QCoreApplication.translate("Counter", "请客户在屏幕上为 {number} 评价").format(
                    number=number
                )
            )
            self.customer.ask(ticket, number)
        else:
            self.evaluation_label.setText(QCoreApplication.translate("Counter", "本窗口没有评价器"))

    @Slot(str, str, int)
    def _on_evaluation_recorded(self, ticket: str, number: str, score: int) -> None:
        if self.customer is not None and self.customer.ticket == ticket:
            self.customer.cancel()
        self._evaluating = None
        self.evaluation_label.setText(
            QCoreApplication.translate("Counter", "{number} 客户评价：{score}").format(
                number=number, score=score_text(score)
            )
        )

    @Slot(list)
    def _on_no_shows_changed(self, items: list[tuple[str, str]]) -> None:
        self.no_show_list.clear()
        for ticket, number in items:
            self.no_show_list.addItem(number, ticket)
        self.reinstate_button.setEnabled(bool(items))

    @Slot(bool)
    def _on_connection_changed(self, online: bool) -> None:
        text = (
            ""
            if online
            else QCoreApplication.translate("Counter", "与营业厅服务器的连接中断，正在重连…")
        )
        self.login_connection.setText(text)
        self.connection_label.setText(
            QCoreApplication.translate("Counter", "● 在线") if online else text
        )
        _set_prop(self.connection_label, "online", "true" if online else "false")
        self._render()

    # ------------------------------------------------------------------- render

    def _render(self) -> None:
        s = self.session
        status = self.status or {}
        counter = s.counter if s is not None else self.counters[0]
        default_name = QCoreApplication.translate("Counter", "{n}号窗口").format(n=counter)
        name = status.get("name") or default_name
        if name == f"{counter}号窗口":
            name = default_name  # the config's default name, in the screen's language

        self.login_title.setText(
            QCoreApplication.translate("Counter", "软叫号 · {name}").format(name=name)
        )
        self.setWindowTitle(
            QCoreApplication.translate("Counter", "软叫号 · {name}").format(name=name)
        )
        other = status.get("staff")
        self.login_hint.setText(
            QCoreApplication.translate("Counter", "本窗口当前登录：工号 {number} {name}").format(
                **other
            )
            if other
            else ""
        )
        self.counter_label.setText(str(name))
        self.services_label.setText(
            " · ".join(service_name(x, self.lang) for x in status.get("services", []))
        )
        staff = s.staff if s is not None else None
        self.staff_label.setText(
            QCoreApplication.translate("Counter", "工号 {number} {name}").format(**staff)
            if staff
            else ""
        )
        state = str(status.get("state", "idle"))
        self.state_badge.setText(state_text(state))
        _set_prop(self.state_badge, "state", state)
        _set_prop(self.buttons["pauseButton"], "paused", "true" if state == "paused" else "false")

        current = status.get("current")
        online = s is not None and s.online
        _set_prop(self.ticket_number, "empty", "false" if current else "true")
        if current:
            self.ticket_number.setText(current["number"])
            self.ticket_service.setText(service_name(current, self.lang))
            self.ticket_status.setText(status_text(current))
            self.ticket_customer.setText(customer_text(current))
        else:
            self.ticket_number.setText("—")
            self.ticket_service.setText(
                QCoreApplication.translate("Counter", "暂停服务")
                if state == "paused"
                else QCoreApplication.translate("Counter", "请呼叫下一位")
            )
            self.ticket_status.setText("")
            self.ticket_customer.setText("")
        waiting = int(status.get("waiting", 0))
        nxt = " ".join(x["number"] for x in status.get("next", []))
        more = " …" if waiting > len(status.get("next", [])) else ""
        self.waiting_label.setText(
            QCoreApplication.translate("Counter", "等候本窗口 {n} 人：{numbers}").format(
                n=waiting, numbers=nxt + more
            )
            if waiting
            else QCoreApplication.translate("Counter", "暂无客户等候本窗口")
        )
        called = current is not None and current.get("status") == "called"
        enabled = {
            "callNextButton": state != "paused",
            "recallButton": called,
            "noShowButton": called,
            "startButton": called,
            "doneButton": current is not None,
            "transferButton": current is not None,
            "pauseButton": True,
            "evaluateButton": True,
        }
        for name, b in self.buttons.items():
            b.setEnabled(online and enabled[name])
        self.reinstate_button.setEnabled(online and self.no_show_list.count() > 0)
        self._on_tick()

    @Slot()
    def _on_tick(self) -> None:
        """Waited time and the running service timer, against the hall's clock."""
        keep_immortal()  # runs all day: see ui.qt.immortals
        current = (self.status or {}).get("current")
        now = self.clock.now()
        if current is None:
            self.ticket_waited.setText("")
            self.service_timer.setText(QCoreApplication.translate("Counter", "办理计时 —"))
            self._set_level(TimerLevel.NONE)
            return
        called_at = current.get("called_at")
        waited = (
            seconds_between(current.get("issued_at"), datetime.fromisoformat(called_at))
            if called_at
            else seconds_between(current.get("issued_at"), now)
        )
        self.ticket_waited.setText(
            QCoreApplication.translate("Counter", "已等候 {waited}").format(
                waited=clock_text(waited or 0)
            )
        )
        limit = (self.status or {}).get("time_limit_s")
        started = seconds_between(current.get("started_at"), now)
        if started is None:
            since_call = seconds_between(current.get("called_at"), now) or 0
            self.service_timer.setText(
                QCoreApplication.translate(
                    "Counter", "已叫号 {elapsed}，客户到窗口后按“开始办理”"
                ).format(elapsed=clock_text(since_call))
            )
            self._set_level(TimerLevel.NONE)
            return
        level = TimerLevel.of(started, limit)
        if limit:
            text = QCoreApplication.translate(
                "Counter", "办理计时 {elapsed} / 限时 {limit}"
            ).format(elapsed=clock_text(started), limit=clock_text(limit))
            if level is TimerLevel.RED:
                text += QCoreApplication.translate("Counter", "  已超时限")
        else:
            text = QCoreApplication.translate("Counter", "办理计时 {elapsed}（不限时）").format(
                elapsed=clock_text(started)
            )
        self.service_timer.setText(text)
        self._set_level(level)

    def _set_level(self, level: TimerLevel) -> None:
        self.level = level
        _set_prop(self.service_timer, "level", level.value)
