"""Wording and small pure helpers of the soft caller (translation context ``Counter``).

Chinese is the source text; ``assets/translations/counter_en.ts`` has the English.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from drivers.pii import mask_account
from ui.qt.core import QCoreApplication, QObject

QObjectT = TypeVar("QObjectT", bound=QObject)


def named(obj: QObjectT, name: str) -> QObjectT:
    """``obj`` with its objectName set (tests and style sheets find widgets by it)."""
    obj.setObjectName(name)
    return obj


class TimerLevel(StrEnum):
    """The running service timer's colour (限时办结)."""

    NONE = "none"  # no ticket being served
    NORMAL = "normal"
    AMBER = "amber"  # 80 % of the service's time limit used
    RED = "red"  # past the limit

    @staticmethod
    def of(elapsed_s: float, limit_s: int | None) -> TimerLevel:
        if limit_s is None or limit_s <= 0:
            return TimerLevel.NORMAL
        if elapsed_s > limit_s:
            return TimerLevel.RED
        if elapsed_s >= 0.8 * limit_s:
            return TimerLevel.AMBER
        return TimerLevel.NORMAL


def clock_text(seconds: float) -> str:
    """754 → ``12:34``; an hour or more → ``1:02:03``."""
    s = max(0, int(seconds))
    if s >= 3600:
        return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
    return f"{s // 60:02d}:{s % 60:02d}"


def seconds_between(start: str | None, now: datetime) -> float | None:
    if not start:
        return None
    return (now - datetime.fromisoformat(start)).total_seconds()


def service_name(service: dict[str, Any], lang: str) -> str:
    en = service.get("name_en") or service.get("service_name_en")
    zh = service.get("name") or service.get("service_name") or ""
    return str(en) if lang.startswith("en") and en else str(zh)


def customer_text(ticket: dict[str, Any]) -> str:
    """What staff may see of who the customer is: masked account, ID and name."""
    parts = []
    if ticket.get("account"):
        parts.append(
            QCoreApplication.translate("Counter", "户号 {account}").format(
                account=mask_account(str(ticket["account"]))
            )
        )
    if ticket.get("name_masked"):
        parts.append(str(ticket["name_masked"]))
    if ticket.get("id_masked"):
        parts.append(
            QCoreApplication.translate("Counter", "身份证 {id}").format(id=ticket["id_masked"])
        )
    if not parts:
        return (
            QCoreApplication.translate("Counter", "已验证身份")
            if ticket.get("identified")
            else QCoreApplication.translate("Counter", "未识别客户")
        )
    return "  ".join(parts)


def status_text(ticket: dict[str, Any]) -> str:
    status = ticket.get("status")
    if status == "called":
        recalls = int(ticket.get("recalls") or 0)
        if recalls:
            return QCoreApplication.translate("Counter", "已叫号（重呼{n}次）").format(n=recalls)
        return QCoreApplication.translate("Counter", "已叫号，等客户到窗口")
    if status == "serving":
        return QCoreApplication.translate("Counter", "办理中")
    return str(status or "")


def state_text(state: str) -> str:
    return {
        "idle": QCoreApplication.translate("Counter", "空闲"),
        "busy": QCoreApplication.translate("Counter", "服务中"),
        "paused": QCoreApplication.translate("Counter", "暂停服务"),
    }.get(state, state)


def score_text(score: int) -> str:
    return {
        1: QCoreApplication.translate("Counter", "非常满意"),
        2: QCoreApplication.translate("Counter", "满意"),
        3: QCoreApplication.translate("Counter", "一般"),
        4: QCoreApplication.translate("Counter", "不满意"),
        0: QCoreApplication.translate("Counter", "未评价"),
    }.get(score, str(score))


def share_text(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def today_text(figures: dict[str, Any]) -> str:
    mean = figures.get("mean_service_s")
    return QCoreApplication.translate(
        "Counter",
        "今日 办结 {done} · 过号 {no_show} · 转移 {transferred} · 平均办理 {mean} · "
        "超时限 {overdue} · 满意率 {satisfaction}",
    ).format(
        done=figures.get("done", 0),
        no_show=figures.get("no_show", 0),
        transferred=figures.get("transferred", 0),
        mean="—" if mean is None else clock_text(mean),
        overdue=figures.get("overdue", 0),
        satisfaction=share_text(figures.get("satisfaction")),
    )
