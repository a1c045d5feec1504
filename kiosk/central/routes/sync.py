"""The halls' event pushes (docs/sync.md): idempotent by (hall, seq), answered with the
highest sequence central holds. A refused push (forged hall, wrong order, unknown type,
malformed event) writes nothing and is recorded, so it shows in the fleet report."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from kiosk.central import models as m
from kiosk.central.context import PREFIX, CentralContext, admin, central_context, hall_key, own_hall
from kiosk.central.errors import ERRORS, BatchRefused, CentralError
from kiosk.central.store import GapError, WireEvent
from kiosk.queue.events import EVENT_TYPES, Event

log = logging.getLogger("kiosk.central")

router = APIRouter(prefix=f"{PREFIX}/halls", tags=["sync"], responses=ERRORS)


def _checked_event(e: m.EventIn) -> WireEvent:
    if e.type not in EVENT_TYPES:
        raise BatchRefused(
            "未知的事件类型{type}（序号{seq}）",
            status=400,
            code="unknown_type",
            type=e.type,
            seq=e.seq,
        )
    try:
        at = datetime.fromisoformat(e.at)
        day = date.fromisoformat(e.day)
        if at.tzinfo is None:
            raise ValueError("a time without an offset")
        Event.from_data(e.type, at, e.data)
    except (ValueError, TypeError) as exc:
        raise BatchRefused(
            "事件格式不正确（序号{seq}）：{detail}",
            status=400,
            code="bad_event",
            seq=e.seq,
            detail=str(exc)[:200],
        ) from None
    return WireEvent(e.seq, e.type, at.isoformat(), day.isoformat(), e.ticket, e.counter, e.data)


def validate_batch(hall: str, batch: m.EventBatchIn) -> list[WireEvent]:
    """Every event checked before anything is written: contiguous order, known types, fields
    that make a valid event of that type."""
    if batch.hall != hall:
        raise BatchRefused(
            "批次声明的营业厅{claimed}与密钥不符",
            status=403,
            code="forged_hall",
            claimed=batch.hall,
        )
    out: list[WireEvent] = []
    for e in batch.events:
        if out and e.seq != out[-1].seq + 1:
            raise BatchRefused(
                "事件顺序错误：序号{seq}应为{expected}",
                status=400,
                code="bad_order",
                seq=e.seq,
                expected=out[-1].seq + 1,
            )
        out.append(_checked_event(e))
    return out


@router.post("/{hall}/events", response_model=m.AckOut)
def push_events(
    hall: str,
    batch: m.EventBatchIn,
    request: Request,
    ctx: CentralContext = Depends(central_context),
) -> dict[str, Any]:
    """Store a batch of the hall's events, idempotently: events central already holds are
    skipped. Answers the highest sequence central holds; the hall advances its cursor only
    on this answer. A batch starting after that sequence is refused (409 ``gap``, with
    ``acked_seq``) and the hall resends from there."""
    key_hall = hall_key(request)
    try:
        if key_hall != hall:
            raise BatchRefused(
                "此密钥只能写入本营业厅（{hall}）的事件",
                status=403,
                code="forged_hall",
                hall=key_hall,
            )
        events = validate_batch(hall, batch)
    except BatchRefused as exc:
        log.warning("refused a batch of hall %s: %s", key_hall, exc.code)
        ctx.store.refuse(key_hall, exc.code, str(exc), ctx.clock())
        raise
    try:
        result = ctx.store.ingest(hall, events, ctx.clock())
    except GapError as exc:
        raise CentralError(
            "事件不连续：中心已有到{acked}，批次从{first}开始",
            status=409,
            code="gap",
            extra={"acked_seq": exc.acked_seq},
            acked=exc.acked_seq,
            first=exc.first_seq,
        ) from None
    return {"hall": hall, "acked_seq": result.acked_seq, "stored": result.stored}


@router.get("/{hall}/cursor", response_model=m.AckOut)
def cursor(
    hall: str, who: str = Depends(own_hall), ctx: CentralContext = Depends(central_context)
) -> dict[str, Any]:
    """The highest sequence central holds for the hall (a hall that lost its state asks)."""
    return {"hall": hall, "acked_seq": ctx.store.acked_seq(hall), "stored": 0}


@router.get("/{hall}/events", response_model=list[m.EventIn])
def list_events(
    hall: str,
    after: int = Query(0, ge=0),
    limit: int = Query(1000, ge=1, le=10000),
    _: None = Depends(admin),
    ctx: CentralContext = Depends(central_context),
) -> list[dict[str, Any]]:
    """A hall's stored events in order (operators, audits, tests)."""
    return ctx.store.events(hall, after=after, limit=limit)
