"""Wording shared by several screens, through Qt's translation system (context ``Lobby``).

Chinese is the source text; ``assets/translations/lobby_en.ts`` has the English.
"""

from __future__ import annotations

from typing import Any

from ui.qt.core import QCoreApplication, QLocale


def is_english(lang: str) -> bool:
    return lang.startswith("en")


def pick(lang: str, zh: str, en: str) -> str:
    """A name the configuration gives in both languages (services, the hall)."""
    return en if is_english(lang) and en else zh


def service_name(service: dict[str, Any], lang: str) -> str:
    return pick(
        lang,
        service.get("name") or service.get("service_name", ""),
        service.get("name_en") or service.get("service_name_en", ""),
    )


def wait_text(seconds: int | None) -> str:
    if seconds is None:
        return QCoreApplication.translate("Lobby", "暂无窗口办理")
    minutes = round(seconds / 60)
    if minutes < 1:
        return QCoreApplication.translate("Lobby", "预计不到1分钟")
    return QCoreApplication.translate("Lobby", "预计约 %n 分钟", None, minutes)


def waiting_text(n: int) -> str:
    return QCoreApplication.translate("Lobby", "等候 %n 人", None, n)


def ahead_text(n: int) -> str:
    return QCoreApplication.translate("Lobby", "您前面还有 %n 人", None, n)


def counters_text(counters: list[int]) -> str:
    if not counters:
        return QCoreApplication.translate("Lobby", "请留意叫号")
    joined = QCoreApplication.translate("Lobby", "、").join(str(c) for c in counters)
    return QCoreApplication.translate("Lobby", "办理窗口：%1号").replace("%1", joined)


NBSP = "\u00a0"  # a figure and its unit never break apart


def yuan(amount: float) -> str:
    return f"¥{amount:,.2f}"


def kwh(value: float) -> str:
    figure = f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
    return f"{figure}{NBSP}kWh"


def month_text(month: str, lang: str) -> str:
    """``2026-10`` → ``2026年10月`` / ``October 2026``."""
    try:
        year, mon = (int(x) for x in month.split("-")[:2])
    except ValueError:
        return month
    if is_english(lang):
        return f"{QLocale(QLocale.Language.English).monthName(mon)} {year}"
    return f"{year}年{mon}月"
