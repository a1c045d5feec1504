"""The admin panel: device states, what to do about them, the way out.

Each device is one row with one state, in the daemon's words (the device-state table of
``drivers/device_states.py``, in the lobby's language: the request carries it), the same
words ``kiosk devices`` and ``kiosk doctor`` print: the device's name on the left, its state
on the right of the same row, never wrapped into the next. Under the rows, what to do for
each device that is not ✓."""

from __future__ import annotations

from typing import Any

from ui.lobby.screens.base import Screen
from ui.lobby.widgets import button, label, set_tone
from ui.qt.core import QCoreApplication, Qt, Signal
from ui.qt.widgets import QGridLayout, QLabel, QSizePolicy, QVBoxLayout

_MARKS = {"ok": "✓", "warn": "!", "fail": "✗"}
_TONES = {"ok": "", "warn": "caution", "fail": "error"}
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
# What to do is shown for this many devices at most (the rest are counted).
MAX_TODO = 3


class AdminScreen(Screen):
    """Device states and the way out. Signals: refresh_requested(), exit_requested()."""

    NAME = "admin"
    TITLE_OPTIONAL = True  # landscape in large type needs the height for the devices
    refresh_requested = Signal()
    exit_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.connection = label("admin_connection", "small")
        self.devices = label("admin_devices", "body")  # "没有配置设备" when there are none
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(24)
        self.grid.setVerticalSpacing(0)
        self.rows: list[tuple[QLabel, QLabel]] = []
        self.attention = label("admin_attention", "subtitle")
        self.refresh_button = button("admin_refresh")
        self.exit_button = button("admin_exit", "primary")
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.exit_button.clicked.connect(self.exit_requested)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.connection)
        box.addWidget(self.devices)
        box.addLayout(self.grid)
        box.addWidget(self.attention)
        box.addStretch(1)
        # One row of buttons: the height goes to the devices (landscape is short of it).
        row = self.nav_bar(back=False, home=True)
        for i, b in enumerate((self.refresh_button, self.exit_button)):
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            row.insertWidget(i, b)
        box.addLayout(row)
        self.device_list: list[dict[str, Any]] = []
        self.base_url = ""

    def set_portrait(self, portrait: bool) -> None:
        super().set_portrait(portrait)
        self.retranslate()

    def set_devices(self, devices: list[dict[str, Any]], base_url: str) -> None:
        self.device_list, self.base_url = devices, base_url
        self.retranslate()

    def shown_lines(self) -> list[str]:
        """The device rows as they read on screen: ``✗ 打印机　缺纸``."""
        return [
            f"{name.text()}　{state.text()}" for name, state in self.rows if name.isVisibleTo(self)
        ]

    def _row(self, i: int) -> tuple[QLabel, QLabel]:
        while len(self.rows) <= i:
            n = len(self.rows)
            name = label(f"admin_device_{n}", "body", wrap=False, align=LEFT)
            state = label(f"admin_device_state_{n}", "body", wrap=False, align=LEFT)
            self.rows.append((name, state))
        return self.rows[i]

    def _lay_out_rows(self, count: int) -> None:
        """One group of rows in portrait, two side by side in landscape."""
        groups = 1 if self.portrait else 2
        per = max(1, -(-count // groups))
        for w in (w for pair in self.rows for w in pair):
            self.grid.removeWidget(w)
        for i, (name, state) in enumerate(self.rows):
            shown = i < count
            name.setVisible(shown)
            state.setVisible(shown)
            if shown:
                group, r = divmod(i, per)
                self.grid.addWidget(name, r, group * 3)
                self.grid.addWidget(state, r, group * 3 + 1)
        for c in range(6):
            self.grid.setColumnStretch(c, 1 if c % 3 == 2 else 0)

    def retranslate(self) -> None:
        self.title.setText(QCoreApplication.translate("Lobby", "管理面板"))
        self.connection.setText(
            QCoreApplication.translate("Lobby", "营业厅服务：%1").replace("%1", self.base_url)
        )
        attention = []
        for i, d in enumerate(self.device_list):
            level, name, text, fix = _device_words(d)
            name_label, state_label = self._row(i)
            name_label.setText(f"{_MARKS.get(level, '✗')} {name}")
            state_label.setText(text)
            set_tone(state_label, _TONES.get(level, "error"))
            if fix:
                todo = QCoreApplication.translate("Lobby", "%1：%2").replace("%1", name)
                attention.append(f"{_MARKS.get(level, '✗')} {todo.replace('%2', fix)}")
        if len(attention) > MAX_TODO:  # a bus unplugged: every address on it
            more = QCoreApplication.translate("Lobby", "……另有%1台设备需处理")
            attention[MAX_TODO - 1 :] = [more.replace("%1", str(len(attention) - MAX_TODO + 1))]
        self._lay_out_rows(len(self.device_list))
        self.devices.setText(QCoreApplication.translate("Lobby", "没有配置设备"))
        self.devices.setVisible(not self.device_list)
        if self.device_list and not attention:
            attention.append(QCoreApplication.translate("Lobby", "所有设备正常"))
        self.attention.setText("\n".join(attention))
        self.refresh_button.setText(QCoreApplication.translate("Lobby", "刷新"))
        self.exit_button.setText(QCoreApplication.translate("Lobby", "退出程序"))
        self.retranslate_nav()


def _device_words(d: dict[str, Any]) -> tuple[str, str, str, str]:
    """(level, name, state, what to do) of one entry of ``GET /devices``: the daemon's
    words; a daemon too old to send them gives its id and 正常 / 故障."""
    level = str(d.get("level") or ("ok" if d.get("ok") else "fail"))
    name = str(d.get("label") or d.get("name", ""))
    text = str(d.get("text") or "")
    if not text and level == "ok":
        text = QCoreApplication.translate("Lobby", "正常")
    elif not text:
        text = QCoreApplication.translate("Lobby", "故障")
    return level, name, text, str(d.get("fix") or "")
