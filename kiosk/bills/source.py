"""Bills for self-service lookup (电费查询).

The hall daemon answers ``GET /api/v1/bills/{account}`` from a :class:`BillSource`. Until the
sync daemon's central source is configured, :class:`DemoBills` generates realistic,
deterministic demo customers: accounts ``3100000001`` to ``3100000200``.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from kiosk.bills.tariff import TIER_LIMITS_KWH, TIER_PRICES, charge, tier_of
from kiosk.i18n import N_
from kiosk.privacy import mask_name

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
_STREETS = ("天河路", "体育西路", "中山大道", "黄埔大道", "林和西路", "五山路", "龙口东路")


class UnknownAccount(LookupError):
    """No customer has this account number."""


class BillsUnavailable(LookupError):
    """The source cannot answer now (central away) and holds no recent copy of the bill.
    The LAN API answers 503 ``bills_unavailable`` with :data:`UNAVAILABLE_MESSAGE`."""


UNAVAILABLE_MESSAGE = N_("暂时无法查询电费，请稍后再试或到窗口咨询")


@dataclass(frozen=True)
class Bill:
    data: dict[str, Any]


class BillSource(Protocol):
    def lookup(self, account: str, now: datetime) -> dict[str, Any]: ...


class BillsByIdSource(Protocol):
    """A bill source that can also find a customer's accounts from their ID card."""

    def accounts_for_id(self, id_number: str) -> list[str]: ...


class DemoBills:
    """200 demo customers, the same on every run, with 24 months of readings and payments."""

    FIRST = 3100000001
    COUNT = 200

    def accounts(self) -> list[str]:
        return [str(self.FIRST + i) for i in range(self.COUNT)]

    def accounts_for_id(self, id_number: str) -> list[str]:
        """One to three demo accounts for an ID number, the same on every run (a real source
        asks central which accounts are registered to the card)."""
        digest = hashlib.sha256(id_number.strip().upper().encode()).digest()
        rng = random.Random(digest)
        count = 1 + digest[0] % 3
        return sorted(rng.sample(self.accounts(), count))

    def lookup(self, account: str, now: datetime) -> dict[str, Any]:
        if not account.isdigit() or not self.FIRST <= int(account) < self.FIRST + self.COUNT:
            raise UnknownAccount(account)
        rng = random.Random(int(account))
        name = rng.choice(_SURNAMES) + "".join(
            rng.choice(_GIVEN) for _ in range(rng.choice((1, 2)))
        )
        base = rng.uniform(120, 420)  # kWh a month
        months = []
        first = (now.replace(day=1) - timedelta(days=1)).replace(day=1)  # last full month
        y, m = first.year, first.month
        for _ in range(24):
            months.append((y, m))
            y, m = (y, m - 1) if m > 1 else (y - 1, 12)
        months.reverse()
        history: list[dict[str, Any]] = []
        year_used: dict[int, float] = {}
        for y, m in months:
            season = 1.6 if m in (7, 8) else 1.3 if m in (6, 9, 1, 12) else 1.0
            kwh = round(base * season * rng.uniform(0.85, 1.15), 1)
            amount = charge(year_used.get(y, 0.0), kwh)
            year_used[y] = year_used.get(y, 0.0) + kwh
            history.append({"month": f"{y:04d}-{m:02d}", "kwh": kwh, "amount": amount})
        last = history[-1]
        owed = rng.random() < 0.25
        balance = -round(last["amount"], 2) if owed else round(rng.uniform(5, 300), 2)
        payments = []
        for i, h in enumerate(history[-6:]):
            if owed and i == 5:
                break
            y, m = (int(x) for x in h["month"].split("-"))
            paid = datetime(y, m, 1, tzinfo=now.tzinfo) + timedelta(days=35 + rng.randint(0, 10))
            payments.append(
                {
                    "paid_at": min(paid, now).isoformat(timespec="minutes"),
                    "amount": round(h["amount"] + rng.choice((0, 0, 50, 100)), 2),
                    "channel": rng.choice(("网上国网", "微信", "支付宝", "营业厅")),
                }
            )
        payments.reverse()
        this_year = year_used.get(first.year, 0.0)
        return {
            "account": account,
            "name_masked": mask_name(name),
            "address_masked": f"广州市天河区{rng.choice(_STREETS)}**号",
            "balance": balance,
            "month": last["month"],
            "month_kwh": last["kwh"],
            "month_amount": last["amount"],
            "tariff": {
                "tier": tier_of(this_year),
                "year_kwh": round(this_year, 1),
                "tier1_limit_kwh": TIER_LIMITS_KWH[0],
                "tier2_limit_kwh": TIER_LIMITS_KWH[1],
                "prices": list(TIER_PRICES),
            },
            "history": history[-12:],
            "payments": payments[:5],
            "pay_url": f"https://pay.example.invalid/electricity?account={account}",
            "as_of": now.isoformat(timespec="seconds"),
            "cached": False,
        }
