"""The lobby window: header, the stack of screens, the maintenance overlay, the admin corner.

Kiosk mode (``kiosk_mode=True``, what ``kiosk ui`` runs by default): full screen, frameless,
on top, no cursor, and no way out by keys or window-manager close; only the admin panel's
exit (behind a 3-second press in the top-left corner and a PIN) closes it. Escapes below
Qt (virtual-terminal switching, the compositor's own keys) belong to the kiosk session
(docs/lobby.md).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from ui.common.touch import min_target_px
from ui.lobby import screens as sc
from ui.lobby import text as tx
from ui.lobby.theme import Metrics, metrics_for, stylesheet
from ui.lobby.widgets import button, label
from ui.qt.core import QCoreApplication, QEvent, Qt, Signal
from ui.qt.gui import QCloseEvent, QKeyEvent, QMouseEvent, QResizeEvent
from ui.qt.immortals import keep_immortal
from ui.qt.widgets import (
    QApplication,
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

LONG_PRESS_S = 3.0


class Header(QWidget):
    """Hall name, date and time, language, large type and voice guidance."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("header")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.hall_name = label("hall_name", "hall")
        self.clock = label("clock", "clock", wrap=False)
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.lang_toggle = button("lang_toggle", "toggle")
        self.large_toggle = button("large_toggle", "toggle")
        self.voice_toggle = button("voice_toggle", "toggle")
        for b in (self.large_toggle, self.voice_toggle):
            b.setCheckable(True)
        # The hall and the time on the left (stacked in portrait), the toggles on the right:
        # one band, as low as it can be, so the screens below get the height.
        self.top = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.top.addWidget(self.hall_name)
        self.top.addWidget(self.clock)
        self.toggles = QHBoxLayout()
        for b in (self.lang_toggle, self.large_toggle, self.voice_toggle):
            self.toggles.addWidget(b)
        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.box.addLayout(self.top, 1)
        self.box.addLayout(self.toggles)
        self.names = ("", "")
        self.lang = "zh_CN"

    def set_portrait(self, portrait: bool) -> None:
        self.top.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        align = Qt.AlignmentFlag.AlignLeft if portrait else Qt.AlignmentFlag.AlignRight
        self.clock.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)

    def apply_metrics(self, m: Metrics) -> None:
        self.box.setContentsMargins(m.px(36), m.px(18), m.px(36), m.px(18))
        self.box.setSpacing(m.px(14))
        self.toggles.setSpacing(m.px(16))
        self.top.setSpacing(m.px(24))

    def set_time(self, now: datetime) -> None:
        if tx.is_english(self.lang):
            text = now.strftime("%Y-%m-%d  %H:%M")
        else:
            weekday = "一二三四五六日"[now.weekday()]
            text = f"{now.year}年{now.month}月{now.day}日 星期{weekday}  {now:%H:%M}"
        self.clock.setText(text)

    def retranslate(self) -> None:
        self.hall_name.setText(tx.pick(self.lang, *self.names))
        # The language button says the *other* language in that language.
        self.lang_toggle.setText("English" if not tx.is_english(self.lang) else "中文")
        self.large_toggle.setText(QCoreApplication.translate("Lobby", "大字模式"))
        self.voice_toggle.setText(QCoreApplication.translate("Lobby", "语音引导"))


class MaintenanceOverlay(QWidget):
    """Covers everything while the hall daemon cannot be reached (系统维护中)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("maintenance")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.title = label("maintenance_title", "overlay", align=Qt.AlignmentFlag.AlignCenter)
        self.text = label("maintenance_text", "small", align=Qt.AlignmentFlag.AlignCenter)
        box = QVBoxLayout(self)
        box.addStretch(1)
        box.addWidget(self.title)
        box.addWidget(self.text)
        box.addStretch(1)
        self.hide()

    def retranslate(self) -> None:
        self.title.setText(QCoreApplication.translate("Lobby", "系统维护中"))
        self.text.setText(
            QCoreApplication.translate(
                "Lobby", "请稍候，马上恢复。急需办理请到服务台，工作人员会为您服务"
            )
        )


class AdminCorner(QWidget):
    """An invisible square in the top-left corner: held for 3 s, it opens the admin PIN."""

    def __init__(self, parent: QWidget, clock: Callable[[], float]) -> None:
        super().__init__(parent)
        self.setObjectName("admin_corner")
        self._clock = clock
        self.pressed_at: float | None = None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.pressed_at = self._clock()
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self.pressed_at = None
        event.accept()

    def held_long_enough(self) -> bool:
        return self.pressed_at is not None and self._clock() - self.pressed_at >= LONG_PRESS_S


class LobbyWindow(QWidget):
    """The lobby touchscreen's window.

    Signals:
        screen_changed(str): the name of the screen now shown.
        admin_requested(): the corner was held for 3 s.
        exit_requested(): the admin panel's exit (the application quits).
        ticked(): once per tick (the controller's countdowns run on it).
    """

    screen_changed = Signal(str)
    admin_requested = Signal()
    exit_requested = Signal()
    ticked = Signal()

    def __init__(
        self,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = datetime.now,
        kiosk_mode: bool = False,
        orientation: str = "auto",
    ) -> None:
        super().__init__()
        self.setObjectName("lobby_window")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.monotonic = monotonic
        self.wall = wall
        self.kiosk_mode = kiosk_mode
        self.orientation = orientation
        self.large_type = False
        self.lang = "zh_CN"
        self.portrait: bool | None = None
        self._metrics_key: tuple[float, int] | None = None
        self.metrics: Metrics | None = None
        self._exit_allowed = not kiosk_mode
        self._last_minute = ""

        self.header = Header()
        self.stack = QStackedWidget()
        self.stack.setObjectName("stack")
        self.home = sc.HomeScreen()
        self.identify = sc.IdentifyScreen()
        self.account = sc.KeypadScreen("account", masked=False, max_digits=20)
        self.pin = sc.KeypadScreen("pin", masked=True, max_digits=12)
        self.green = sc.GreenChannelScreen()
        self.services = sc.ServicePickScreen()
        self.offer = sc.ElderlyOfferScreen()
        self.ticket = sc.TicketScreen()
        self.accounts = sc.AccountsScreen()
        self.bill = sc.BillScreen()
        self.pay = sc.PayScreen()
        self.message = sc.MessageScreen()
        self.wait = sc.WaitScreen()
        self.admin = sc.AdminScreen()
        self.screens: dict[str, sc.Screen] = {}
        for s in (
            self.home,
            self.identify,
            self.account,
            self.pin,
            self.green,
            self.services,
            self.offer,
            self.ticket,
            self.accounts,
            self.bill,
            self.pay,
            self.message,
            self.wait,
            self.admin,
        ):
            self.screens[s.NAME] = s
            self.stack.addWidget(s)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        # The window's size is the screen's: its contents never resize it (and the
        # offscreen platform would warn at every minimum-size change).
        box.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        box.addWidget(self.header)
        box.addWidget(self.stack, 1)
        self.overlay = MaintenanceOverlay(self)
        self.corner = AdminCorner(self, monotonic)
        self.stack.currentChanged.connect(self._on_stack_changed)
        self.retranslate()
        self._update_clock(force=True)

    # ----------------------------------------------------------------- screens
    @property
    def current(self) -> str:
        w = self.stack.currentWidget()
        return w.NAME if isinstance(w, sc.Screen) else ""

    def show_screen(self, name: str) -> sc.Screen:
        screen = self.screens[name]
        if self.stack.currentWidget() is not screen:
            self.stack.setCurrentWidget(screen)
        else:
            self.screen_changed.emit(name)
        return screen

    def _on_stack_changed(self, index: int) -> None:
        self.screen_changed.emit(self.current)

    # ---------------------------------------------------------- look and layout
    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.header.lang = lang
        for s in self.screens.values():
            s.lang = lang
        self.retranslate()
        self._update_clock(force=True)

    def retranslate(self) -> None:
        self.header.retranslate()
        self.overlay.retranslate()
        for s in self.screens.values():
            s.retranslate()

    def set_hall_names(self, name: str, name_en: str) -> None:
        self.header.names = (name, name_en)
        self.header.retranslate()

    def set_large_type(self, large: bool) -> None:
        self.large_type = large
        self.header.large_toggle.setChecked(large)
        self._apply_metrics(force=True)

    def set_orientation(self, orientation: str) -> None:
        self.orientation = orientation
        self._apply_metrics(force=True)

    def _apply_metrics(self, force: bool = False) -> None:
        w, h = self.width(), self.height()
        portrait = h >= w if self.orientation == "auto" else self.orientation == "portrait"
        if portrait != self.portrait:
            self.portrait = portrait
            self.header.set_portrait(portrait)
            for s in self.screens.values():
                s.set_portrait(portrait)
        m = metrics_for(w, h, large=self.large_type, min_target=min_target_px(self.screen()))
        key = (round(m.scale, 3), m.min_target)
        if key == self._metrics_key and not force:
            return
        self._metrics_key = key
        self.metrics = m
        self.setStyleSheet(stylesheet(m))
        self.header.apply_metrics(m)
        for s in self.screens.values():
            s.apply_metrics(m)
        side = m.min_target * 2
        self.corner.setGeometry(0, 0, side, side)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_metrics()
        self.overlay.setGeometry(self.rect())
        self.corner.raise_()

    def set_maintenance(self, on: bool) -> None:
        self.overlay.setGeometry(self.rect())
        self.overlay.setVisible(on)
        if on:
            self.overlay.raise_()
        self.corner.raise_()

    @property
    def in_maintenance(self) -> bool:
        return self.overlay.isVisible()

    # -------------------------------------------------------------------- time
    def tick(self) -> None:
        """Once a second (the app's timer; tests call it after moving the fake clock)."""
        keep_immortal()
        self._update_clock()
        if self.corner.held_long_enough():
            self.corner.pressed_at = None
            self.admin_requested.emit()
        self.ticked.emit()

    def _update_clock(self, force: bool = False) -> None:
        now = self.wall()
        minute = now.strftime("%Y%m%d%H%M")
        if force or minute != self._last_minute:
            self._last_minute = minute
            self.header.set_time(now)

    # ---------------------------------------------------------------- lockdown
    def enter_kiosk_mode(self) -> None:
        self.kiosk_mode = True
        self._exit_allowed = False
        self.setWindowFlags(
            Qt.WindowType.Window
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
        )
        QApplication.setOverrideCursor(Qt.CursorShape.BlankCursor)
        self.showFullScreen()

    def allow_exit(self) -> None:
        self._exit_allowed = True

    def leave_kiosk_mode(self) -> None:
        """Give the cursor back and let the window close (the admin panel's exit)."""
        if self.kiosk_mode and QApplication.overrideCursor() is not None:
            QApplication.restoreOverrideCursor()
        self.kiosk_mode = False
        self._exit_allowed = True

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._exit_allowed:
            event.accept()
        else:
            event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.kiosk_mode:
            event.accept()  # no key leads anywhere on a kiosk (Esc, F11, Alt+F4…)
            return
        super().keyPressEvent(event)

    def event(self, event: QEvent) -> bool:
        if self.kiosk_mode and event.type() == QEvent.Type.ShortcutOverride:
            event.accept()
            return True
        return super().event(event)

    def find_button(self, name: str) -> QPushButton:
        b = self.findChild(QPushButton, name)
        if b is None:
            raise LookupError(f"no button {name!r}")
        return b

    def find_label(self, name: str) -> QLabel:
        w = self.findChild(QLabel, name)
        if w is None:
            raise LookupError(f"no label {name!r}")
        return w
