"""Realistic demo customers for central's accounts table (``kiosk demo``, tests, bench).

The same accounts as the hall's built-in demo (``3100000001`` …), each with a masked name
and address, 24 months of meter readings charged on the annual tiered tariff (阶梯电价),
and the payments of those months through the usual channels; about one in four owes the
last month. Deterministic: the same account gives the same customer on every run.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from kiosk.bills.tariff import charge
from kiosk.privacy import mask_name

FIRST_ACCOUNT = 3100000001
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁宋郑谢韩唐冯于董萧"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰"
DISTRICTS = ("天河区", "越秀区", "海珠区", "荔湾区", "白云区", "番禺区")
STREETS = ("天河路", "体育西路", "中山大道", "黄埔大道", "林和西路", "五山路", "江南大道")
CHANNELS = ("网上国网", "微信", "支付宝", "营业厅", "银行代扣")


def _months_before(now: datetime, count: int) -> list[tuple[int, int]]:
    first = (now.replace(day=1) - timedelta(days=1)).replace(day=1)  # the last full month
    y, m = first.year, first.month
    out = []
    for _ in range(count):
        out.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return list(reversed(out))


def demo_account(account: str, now: datetime) -> dict[str, Any]:
    rng = random.Random(f"central-{account}")
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    base = rng.uniform(110, 460)  # kWh a month
    readings: list[dict[str, Any]] = []
    year_used: dict[int, float] = {}
    for y, m in _months_before(now, 24):
        season = 1.65 if m in (7, 8) else 1.3 if m in (6, 9, 1, 12) else 1.0
        kwh = round(base * season * rng.uniform(0.85, 1.15), 1)
        amount = charge(year_used.get(y, 0.0), kwh)
        year_used[y] = year_used.get(y, 0.0) + kwh
        readings.append({"month": f"{y:04d}-{m:02d}", "kwh": kwh, "amount": amount})
    owes = rng.random() < 0.25
    payments = []
    for i, r in enumerate(readings):
        if owes and i == len(readings) - 1:
            break
        y, m = (int(x) for x in r["month"].split("-"))
        paid = datetime(y, m, 1, tzinfo=now.tzinfo) + timedelta(
            days=33 + rng.randint(0, 12), hours=rng.randint(8, 20), minutes=rng.randint(0, 59)
        )
        payments.append(
            {
                "paid_at": min(paid, now).isoformat(timespec="minutes"),
                "amount": round(r["amount"] + rng.choice((0, 0, 0, 50, 100)), 2),
                "channel": rng.choice(CHANNELS),
            }
        )
    paid_total = sum(p["amount"] for p in payments)
    billed_total = sum(r["amount"] for r in readings)
    return {
        "account": account,
        "name_masked": mask_name(name),
        "address_masked": f"广州市{rng.choice(DISTRICTS)}{rng.choice(STREETS)}**号",
        "balance": round(paid_total - billed_total, 2),
        "readings": readings,
        "payments": payments,
    }


def demo_accounts(
    now: datetime, count: int = 200, first: int = FIRST_ACCOUNT
) -> list[dict[str, Any]]:
    return [demo_account(str(first + i), now) for i in range(count)]
