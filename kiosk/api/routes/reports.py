"""The manager's reports: a day, a month."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query

from kiosk.api import models as m
from kiosk.api.context import PREFIX, ApiContext, Principal, allow, api_context
from kiosk.api.errors import ERROR_RESPONSES, ApiError

router = APIRouter(prefix=f"{PREFIX}/reports", tags=["reports"], responses=ERROR_RESPONSES)


@router.get("/daily", response_model=m.DailyReportOut)
def daily(
    day: str | None = Query(None, alias="date", description="YYYY-MM-DD, default today"),
    who: Principal = Depends(allow("manage")),
    ctx: ApiContext = Depends(api_context),
) -> dict[str, Any]:
    """A day's figures per service, counter and staff member, with arrivals per hour."""
    try:
        when = date.fromisoformat(day) if day else None
    except ValueError:
        raise ApiError(400, "invalid_request", "日期格式应为 YYYY-MM-DD") from None
    return ctx.hall.daily_report(when)


@router.get("/month", response_model=m.MonthReportOut)
def month(
    value: str | None = Query(None, alias="month", description="YYYY-MM, default this month"),
    who: Principal = Depends(allow("manage")),
    ctx: ApiContext = Depends(api_context),
) -> dict[str, Any]:
    """A month per day, service, counter and staff member, with arrivals by hour."""
    try:
        return ctx.hall.month_report(value)
    except ValueError:
        raise ApiError(400, "invalid_request", "月份格式应为 YYYY-MM") from None
