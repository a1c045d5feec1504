"""The admin panel: device states, paper, the way out."""

from __future__ import annotations

from typing import Any

from ui.lobby.screens.base import Screen
from ui.lobby.widgets import button, label
from ui.qt.core import QCoreApplication, Qt, Signal
from ui.qt.widgets import QHBoxLayout, QVBoxLayout


class AdminScreen(Screen):
    """Device states, paper, and the way out. Signals: refresh_requested(), exit_requested()."""

    NAME = "admin"
    refresh_requested = Signal()
    exit_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.connection = label("admin_connection", "small")
        self.devices = label("admin_devices", "body")
        self.more_devices = [label(f"admin_devices_{i}", "body") for i in (2, 3)]
        self.device_columns = QHBoxLayout()
        for w in (self.devices, *self.more_devices):
            w.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            self.device_columns.addWidget(w, 1)
        self.paper = label("admin_paper", "subtitle")
        self.refresh_button = button("admin_refresh")
        self.exit_button = button("admin_exit", "primary")
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.exit_button.clicked.connect(self.exit_requested)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.connection)
        box.addWidget(self.paper)
        box.addLayout(self.device_columns)
        box.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.refresh_button)
        row.addWidget(self.exit_button)
        box.addLayout(row)
        box.addLayout(self.nav_bar(back=False, home=True))
        self.device_list: list[dict[str, Any]] = []
        self.base_url = ""

    def set_portrait(self, portrait: bool) -> None:
        super().set_portrait(portrait)
        self.retranslate()

    def set_devices(self, devices: list[dict[str, Any]], base_url: str) -> None:
        self.device_list, self.base_url = devices, base_url
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(QCoreApplication.translate("Lobby", "管理面板"))
        self.connection.setText(
            QCoreApplication.translate("Lobby", "营业厅服务：%1").replace("%1", self.base_url)
        )
        lines = []
        paper = ""
        for d in self.device_list:
            mark = "✓" if d.get("ok") else "✗"
            state = (
                QCoreApplication.translate("Lobby", "正常")
                if d.get("ok")
                else QCoreApplication.translate("Lobby", "故障")
            )
            detail = f"（{d['detail']}）" if d.get("detail") and not d.get("ok") else ""
            lines.append(f"{mark} {d['name']}　{state}{detail}")
            if d.get("name") == "printer":
                paper = str(d.get("paper") or "")
        if not lines:
            lines.append(QCoreApplication.translate("Lobby", "没有配置设备"))
        columns = 2 if self.portrait else 3
        per = max(1, -(-len(lines) // columns))
        for i, w in enumerate((self.devices, *self.more_devices)):
            chunk = lines[i * per : (i + 1) * per] if i < columns else []
            w.setText("\n".join(chunk))
            w.setVisible(bool(chunk))
        papers = {
            "ok": QCoreApplication.translate("Lobby", "打印纸：正常"),
            "near_end": QCoreApplication.translate("Lobby", "打印纸：即将用完，请尽快更换"),
            "out": QCoreApplication.translate("Lobby", "打印纸：已用完，请更换纸卷"),
        }
        self.paper.setText(
            papers.get(paper, QCoreApplication.translate("Lobby", "打印纸：状态未知"))
        )
        self.refresh_button.setText(QCoreApplication.translate("Lobby", "刷新"))
        self.exit_button.setText(QCoreApplication.translate("Lobby", "退出程序"))
        self.retranslate_nav()
