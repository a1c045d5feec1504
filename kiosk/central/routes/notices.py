"""Outage notices (停电公告): published by operators for some halls or all, pulled by the
halls."""

from __future__ import annotations

import json
from datetime import tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends

from kiosk.central import models as m
from kiosk.central.context import PREFIX, CentralContext, admin, central_context, hall_or_admin
from kiosk.central.errors import ERRORS, CentralError
from kiosk.clock import in_zone
from kiosk.sync import fragment

router = APIRouter(prefix=PREFIX, tags=["notices"], responses=ERRORS)


@router.get("/halls/{hall}/notices", response_model=m.NoticesOut)
def get_notices(
    hall: str, who: str = Depends(hall_or_admin), ctx: CentralContext = Depends(central_context)
) -> dict[str, Any]:
    """Outage notices (停电公告) the hall shows now: not withdrawn, not ended."""
    notices = ctx.store.notices(hall, ctx.clock())
    text = json.dumps(notices, sort_keys=True, ensure_ascii=False)
    return {"hall": hall, "digest": fragment.digest(text), "notices": notices}


def _zoned_time(value: str | None, tz: tzinfo) -> str | None:
    """The time with its offset; one written without is the halls' wall-clock time
    (``[central] timezone``), never UTC."""
    if value is None:
        return None
    try:
        return in_zone(value, tz).astimezone(tz).isoformat()
    except ValueError:
        raise CentralError(
            "时间格式不正确，应为 ISO 8601：{value}",
            status=400,
            code="invalid_request",
            value=value,
        ) from None


@router.put("/notices/{notice_id}", response_model=m.NoticeOut)
def put_notice(
    notice_id: str,
    body: m.NoticeIn,
    _: None = Depends(admin),
    ctx: CentralContext = Depends(central_context),
) -> dict[str, Any]:
    """Publish or change an outage notice for some halls or all (``["*"]``)."""
    if not 1 <= len(notice_id) <= 64:
        raise CentralError("公告编号长度应为1到64", status=400, code="invalid_request")
    tz = ZoneInfo(ctx.config.central.timezone)
    body = body.model_copy(
        update={
            "starts_at": _zoned_time(body.starts_at, tz),
            "ends_at": _zoned_time(body.ends_at, tz),
        }
    )
    targets = sorted(set(body.halls)) or ["*"]
    if "*" in targets:
        targets = ["*"]
    for hall in targets:
        if hall != "*":
            ctx.known_hall(hall)
    ctx.store.put_notice({**body.model_dump(), "id": notice_id}, targets, ctx.clock())
    return {
        "id": notice_id,
        "title": body.title,
        "body": body.body,
        "area": body.area,
        "starts_at": body.starts_at,
        "ends_at": body.ends_at,
    }


@router.delete("/notices/{notice_id}", status_code=204)
def withdraw_notice(
    notice_id: str, _: None = Depends(admin), ctx: CentralContext = Depends(central_context)
) -> None:
    """Withdraw a notice: the halls drop it at their next pull."""
    if not ctx.store.withdraw_notice(notice_id, ctx.clock()):
        raise CentralError("没有公告{notice}", status=404, code="unknown_notice", notice=notice_id)
