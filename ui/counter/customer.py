"""The soft caller's customer-facing side: who serves you, and the touch evaluation.

At a counter without a hall-bus evaluator this screen (a second monitor turned to the
customer, or a window beside the staff's) asks 非常满意 / 满意 / 一般 / 不满意 after 办结 or
请评价, with the voice saying the same. One answer per ticket; when nobody answers within
``timeout_s`` it records "not rated" (score 0), never a default score.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ui.common.fonts import ui_font
from ui.counter.text import named
from ui.qt.core import QCoreApplication, Qt, QTimer, Signal, Slot
from ui.qt.widgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

SCORES = (
    (1, "非常满意", "#2e8540"),
    (2, "满意", "#3f8fd2"),
    (3, "一般", "#d9822b"),
    (4, "不满意", "#c23030"),
)


def _score_label(score: int) -> str:
    return {
        1: QCoreApplication.translate("Counter", "非常满意"),
        2: QCoreApplication.translate("Counter", "满意"),
        3: QCoreApplication.translate("Counter", "一般"),
        4: QCoreApplication.translate("Counter", "不满意"),
    }[score]


class CustomerScreen(QWidget):
    """The customer's side of the counter.

    Signals:
        rated(str, int): the ticket and the customer's score, or 0 when the prompt timed out.
    """

    rated = Signal(str, int)

    def __init__(
        self,
        clock: Any,
        *,
        timeout_s: float = 30.0,
        thanks_s: float = 3.0,
        tick_ms: int = 200,
        voice: Any | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("customerScreen")
        self.setWindowTitle(QCoreApplication.translate("Counter", "评价"))
        self.clock = clock
        self.timeout_s = timeout_s
        self.thanks_s = thanks_s
        self.voice = voice
        self.ticket: str | None = None
        self.number = ""
        self._deadline: datetime | None = None
        self._thanks_until: datetime | None = None
        self._counter_name = ""
        self._serving = ""
        self._staff = ""
        self.setStyleSheet(
            "QWidget#customerScreen { background: #f4f7fb; }"
            "QLabel { color: #1f2933; }"
            "QPushButton[score] { color: white; border: none; border-radius: 14px; }"
        )

        self.pages = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        outer.addWidget(self.pages)

        idle = QWidget()
        lay = QVBoxLayout(idle)
        self.counter_label = named(QLabel(), "customerCounter")
        self.staff_label = named(QLabel(), "customerStaff")
        self.serving_label = named(QLabel(), "customerServing")
        for label in (self.counter_label, self.staff_label, self.serving_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
        lay.addStretch(1)
        lay.addWidget(self.counter_label)
        lay.addWidget(self.staff_label)
        lay.addSpacing(12)
        lay.addWidget(self.serving_label)
        lay.addStretch(1)
        self.pages.addWidget(idle)

        ask = QWidget()
        lay = QVBoxLayout(ask)
        lay.setContentsMargins(28, 20, 28, 20)
        self.ask_label = named(QLabel(), "evaluationQuestion")
        self.ask_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.ask_label.setWordWrap(True)
        lay.addStretch(1)
        lay.addWidget(self.ask_label)
        lay.addSpacing(18)
        row = QHBoxLayout()
        row.setSpacing(16)
        self.score_buttons: dict[int, QPushButton] = {}
        for score, _, colour in SCORES:
            b = named(QPushButton(), f"score{score}Button")
            b.setProperty("score", score)
            b.setStyleSheet(f"background: {colour};")
            b.setCursor(Qt.CursorShape.PointingHandCursor)
            b.clicked.connect(lambda _=False, s=score: self._answer(s))
            row.addWidget(b, 1)
            self.score_buttons[score] = b
        lay.addLayout(row, 3)
        lay.addSpacing(12)
        self.countdown_label = named(QLabel(), "evaluationCountdown")
        self.countdown_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.countdown_label)
        lay.addStretch(1)
        self.pages.addWidget(ask)

        thanks = QWidget()
        lay = QVBoxLayout(thanks)
        self.thanks_label = named(QLabel(), "evaluationThanks")
        self.thanks_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.thanks_label)
        self.pages.addWidget(thanks)

        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self._on_tick)
        self.retranslate()
        self._apply_fonts()

    # ------------------------------------------------------------------- content

    def retranslate(self) -> None:
        self.ask_label.setText(QCoreApplication.translate("Counter", "请您对本次服务进行评价"))
        self.thanks_label.setText(QCoreApplication.translate("Counter", "感谢您的评价！"))
        for score, b in self.score_buttons.items():
            b.setText(_score_label(score))
        self._show_idle_text()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._apply_fonts()

    def _apply_fonts(self) -> None:
        unit = max(0.5, min(self.height() / 600, self.width() / 900))
        self.counter_label.setFont(ui_font(round(54 * unit), bold=True))
        self.staff_label.setFont(ui_font(round(30 * unit)))
        self.serving_label.setFont(ui_font(round(40 * unit), bold=True))
        self.ask_label.setFont(ui_font(round(40 * unit), bold=True))
        self.countdown_label.setFont(ui_font(round(22 * unit)))
        self.thanks_label.setFont(ui_font(round(48 * unit), bold=True))
        for b in self.score_buttons.values():
            b.setFont(ui_font(round(34 * unit), bold=True))
            b.setMinimumHeight(round(150 * unit))

    def show_counter(self, status: dict[str, Any] | None) -> None:
        """The idle face: the counter, who serves, the number being served."""
        if status is None:
            return
        self._counter_name = str(status.get("name", ""))
        staff = status.get("staff")
        current = status.get("current")
        if status.get("state") == "paused":
            self._serving = QCoreApplication.translate("Counter", "暂停服务")
        elif current:
            self._serving = QCoreApplication.translate("Counter", "请 {number} 号办理").format(
                number=current["number"]
            )
        else:
            self._serving = QCoreApplication.translate("Counter", "欢迎光临")
        self._staff = (
            QCoreApplication.translate("Counter", "工号 {number} {name} 为您服务").format(
                number=staff["number"], name=staff["name"]
            )
            if staff
            else ""
        )
        self._show_idle_text()

    def _show_idle_text(self) -> None:
        self.counter_label.setText(self._counter_name)
        self.staff_label.setText(self._staff)
        self.serving_label.setText(self._serving)

    # ----------------------------------------------------------------- evaluation

    @property
    def asking(self) -> bool:
        return self.ticket is not None

    def ask(self, ticket: str, number: str) -> None:
        """Ask the customer of ``ticket`` to rate the service (voice and screen)."""
        if self.ticket == ticket:
            return
        self.ticket, self.number = ticket, number
        self._deadline = self.clock.now() + timedelta(seconds=self.timeout_s)
        self._thanks_until = None
        self.pages.setCurrentIndex(1)
        self._update_countdown()
        self._timer.start()
        if self.voice is not None:
            self.voice.say_evaluation()

    def cancel(self) -> None:
        """The rating came from elsewhere (or the ticket moved on): stop asking, quietly."""
        self.ticket = None
        self._deadline = None
        self.pages.setCurrentIndex(0)
        self._timer.stop()

    def _answer(self, score: int) -> None:
        ticket = self.ticket
        if ticket is None:
            return
        self.ticket = None
        self._deadline = None
        self.rated.emit(ticket, score)
        if score:
            self.pages.setCurrentIndex(2)
            self._thanks_until = self.clock.now() + timedelta(seconds=self.thanks_s)
        else:
            self.pages.setCurrentIndex(0)
            self._timer.stop()

    def _update_countdown(self) -> None:
        if self._deadline is None:
            return
        left = max(0, round((self._deadline - self.clock.now()).total_seconds()))
        self.countdown_label.setText(
            QCoreApplication.translate("Counter", "{n} 秒后自动结束").format(n=left)
        )

    @Slot()
    def _on_tick(self) -> None:
        now = self.clock.now()
        if self._deadline is not None:
            if now >= self._deadline:
                self._answer(0)  # nobody answered: not rated
                return
            self._update_countdown()
        elif self._thanks_until is not None and now >= self._thanks_until:
            self._thanks_until = None
            self.pages.setCurrentIndex(0)
            self._timer.stop()

    def closeEvent(self, event: Any) -> None:
        self._timer.stop()
        super().closeEvent(event)
