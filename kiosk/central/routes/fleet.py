"""Central's health, and the fleet's figures for the utility's operators.

Every figure comes from the day summaries (``hall_day``, kept at ingest), never from a scan
of the events: a day of the fleet, a period (the 90-day report), a hall's days, and the CSV
export of one line per hall and day.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from kiosk.central import models as m
from kiosk.central.context import PREFIX, CentralContext, admin, central_context, hall_or_admin
from kiosk.central.errors import ERRORS, CentralError

router = APIRouter(prefix=PREFIX, responses=ERRORS)

MAX_PERIOD_DAYS = 400


@router.get("/health", response_model=m.CentralHealthOut, tags=["central"])
def health(ctx: CentralContext = Depends(central_context)) -> dict[str, Any]:
    """Liveness; needs no key. ``worker`` tells which worker process answered."""
    return {
        "status": "ok",
        "database": ctx.store.backend,
        "halls": len(ctx.names),
        "worker": os.getpid(),
        "busy_refusals": ctx.gate.refused,
    }


def _day(value: str | None, default: date) -> date:
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CentralError("日期格式应为 YYYY-MM-DD", status=400, code="invalid_request") from None


def _period(ctx: CentralContext, first: str | None, last: str | None) -> tuple[date, date]:
    """``from``/``to`` (inclusive); by default the 90 days up to today."""
    to = _day(last, ctx.clock().date())
    frm = _day(first, to - timedelta(days=89))
    if frm > to or (to - frm).days >= MAX_PERIOD_DAYS:
        raise CentralError(
            "日期范围应为1到{days}天", status=400, code="invalid_request", days=MAX_PERIOD_DAYS
        )
    return frm, to


@router.get("/fleet", response_model=m.FleetOut, tags=["fleet"])
def fleet(
    day: str | None = Query(None, alias="date", description="YYYY-MM-DD, default today"),
    _: None = Depends(admin),
    ctx: CentralContext = Depends(central_context),
) -> dict[str, Any]:
    """Every hall on a day: how far its events are in, when it last pushed, the day's
    figures (tickets, waits against target, overtime, satisfaction, complaints, bookings),
    refused pushes."""
    when = _day(day, ctx.clock().date())
    rows = ctx.store.fleet(when, known=list(ctx.names))
    for hall, row in rows.items():
        row["name"] = ctx.names.get(hall, "")
    return {"date": when.isoformat(), "halls": list(rows.values())}


@router.get("/fleet/report", response_model=m.FleetReportOut, tags=["fleet"])
def fleet_report(
    first: str | None = Query(None, alias="from", description="YYYY-MM-DD, default to − 89"),
    last: str | None = Query(None, alias="to", description="YYYY-MM-DD, default today"),
    _: None = Depends(admin),
    ctx: CentralContext = Depends(central_context),
) -> dict[str, Any]:
    """The fleet over a period (90 days by default): per hall, day by day, and in all."""
    frm, to = _period(ctx, first, last)
    found = ctx.store.fleet_report(frm, to)
    halls = [
        {
            "hall": h,
            "name": ctx.names.get(h, ""),
            **found["halls"].get(h, ctx.store.empty_figures()),
        }
        for h in sorted(set(ctx.names) | set(found["halls"]))
    ]
    days = [{"date": d, **f} for d, f in sorted(found["days"].items())]
    return {
        "from": frm.isoformat(),
        "to": to.isoformat(),
        "halls": halls,
        "days": days,
        "total": found["total"],
    }


@router.get("/halls/{hall}/days", response_model=m.HallDaysOut, tags=["fleet"])
def hall_days(
    hall: str,
    first: str | None = Query(None, alias="from", description="YYYY-MM-DD, default to − 89"),
    last: str | None = Query(None, alias="to", description="YYYY-MM-DD, default today"),
    who: str = Depends(hall_or_admin),
    ctx: CentralContext = Depends(central_context),
) -> dict[str, Any]:
    """One hall's figures day by day (the hall itself or an operator)."""
    ctx.known_hall(hall)
    frm, to = _period(ctx, first, last)
    return {
        "hall": hall,
        "from": frm.isoformat(),
        "to": to.isoformat(),
        "days": ctx.store.hall_days(frm, to, hall),
    }


CSV_COLUMNS = (
    ("hall", "营业厅编号"),
    ("name", "营业厅"),
    ("date", "日期"),
    ("tickets", "取号数"),
    ("done", "办结数"),
    ("no_show", "过号数"),
    ("mean_wait_s", "平均等候(秒)"),
    ("within_target", "等候达标率"),
    ("mean_service_s", "平均办理(秒)"),
    ("overtime", "超时办理数"),
    ("rated", "评价数"),
    ("satisfaction", "满意率"),
    ("complaints", "投诉数"),
    ("bookings", "预约数"),
    ("booking_no_shows", "预约爽约数"),
)


def csv_text(rows: list[dict[str, Any]], names: dict[str, str]) -> str:
    """One line per hall and day; a byte-order mark first so Excel reads it as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([title for _, title in CSV_COLUMNS])
    for row in rows:
        values = {
            **row,
            "name": names.get(row["hall"], ""),
            "complaints": sum(row["complaints"].values()),
        }
        writer.writerow(["" if values[k] is None else values[k] for k, _ in CSV_COLUMNS])
    return out.getvalue()


@router.get(
    "/fleet/export.csv",
    tags=["fleet"],
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "UTF-8 with BOM"}},
)
def export_csv(
    first: str | None = Query(None, alias="from", description="YYYY-MM-DD, default to − 89"),
    last: str | None = Query(None, alias="to", description="YYYY-MM-DD, default today"),
    hall: str | None = Query(None, description="One hall only"),
    _: None = Depends(admin),
    ctx: CentralContext = Depends(central_context),
) -> Response:
    """Every hall's days as CSV for Excel (UTF-8 with a byte-order mark), Chinese headers."""
    frm, to = _period(ctx, first, last)
    if hall is not None:
        ctx.known_hall(hall)
    text = csv_text(ctx.store.hall_days(frm, to, hall), ctx.names)
    name = f"fleet-{frm.isoformat()}-{to.isoformat()}.csv"
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/partitions", response_model=m.PartitionsOut, tags=["fleet"])
def partitions(
    _: None = Depends(admin), ctx: CentralContext = Depends(central_context)
) -> dict[str, Any]:
    """PostgreSQL: the months of events attached (created ahead of time); SQLite: none."""
    return {"months": ctx.store.attached_months(), "hall_partitions": ctx.store.hall_partitions}
