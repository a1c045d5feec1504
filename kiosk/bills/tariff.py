"""The residential tariff (阶梯电价) the demo bills are computed with, shared by the hall's demo
source and central's demo customers."""

from __future__ import annotations

# An annual tiered residential tariff (阶梯电价) as most provinces apply it: kWh per year
# at which tiers 2 and 3 begin, and the price of each tier in yuan per kWh.
TIER_LIMITS_KWH = (2760.0, 4800.0)
TIER_PRICES = (0.4883, 0.5383, 0.7883)


def tier_of(year_kwh: float) -> int:
    return 1 + sum(1 for limit in TIER_LIMITS_KWH if year_kwh > limit)


def charge(year_kwh_before: float, kwh: float) -> float:
    """The charge for ``kwh`` consumed after ``year_kwh_before`` this year, tier by tier."""
    total, used, left = 0.0, year_kwh_before, kwh
    bounds = (*TIER_LIMITS_KWH, float("inf"))
    for price, bound in zip(TIER_PRICES, bounds, strict=True):
        if left <= 0:
            break
        room = max(0.0, bound - used)
        take = min(room, left)
        total += take * price
        used += take
        left -= take
    return round(total, 2)
