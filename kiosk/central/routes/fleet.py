"""Central's health, and the fleet report for the utility's operators."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query

from kiosk.central import models as m
from kiosk.central.context import PREFIX, CentralContext, admin, central_context
from kiosk.central.errors import ERRORS, CentralError

router = APIRouter(prefix=PREFIX, responses=ERRORS)


@router.get("/health", response_model=m.CentralHealthOut, tags=["central"])
def health(ctx: CentralContext = Depends(central_context)) -> dict[str, Any]:
    """Liveness; needs no key."""
    return {"status": "ok", "database": ctx.store.backend, "halls": len(ctx.names)}


@router.get("/fleet", response_model=m.FleetOut, tags=["fleet"])
def fleet(
    day: str | None = Query(None, alias="date", description="YYYY-MM-DD, default today"),
    _: None = Depends(admin),
    ctx: CentralContext = Depends(central_context),
) -> dict[str, Any]:
    """Every hall: how far its events are in, when it last pushed, the day's tickets and
    satisfaction, refused pushes."""
    try:
        when = date.fromisoformat(day) if day else ctx.clock().date()
    except ValueError:
        raise CentralError("日期格式应为 YYYY-MM-DD", status=400, code="invalid_request") from None
    rows = ctx.store.fleet(when, known=list(ctx.names))
    for hall, row in rows.items():
        row["name"] = ctx.names.get(hall, "")
    return {"date": when.isoformat(), "halls": list(rows.values())}
