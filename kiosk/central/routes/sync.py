"""The halls' event pushes (docs/sync.md): idempotent by (hall, seq), answered with the
highest sequence central holds. A refused push (forged hall, wrong order, unknown type,
malformed event, a resent sequence with other content) writes nothing and is recorded, so it
shows in the fleet report.

The event loop only reads the body: decoding (pydantic's JSON parser, in Rust), the checks
and the write run on a worker thread, after the worker's :class:`~kiosk.central.gate.
IngestGate` gave the push a turn (or answered 429 with ``Retry-After``).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from kiosk.central import models as m
from kiosk.central.context import PREFIX, CentralContext, admin, central_context, hall_key, own_hall
from kiosk.central.errors import ERRORS, BatchRefused, CentralError, validation_detail
from kiosk.central.gate import Busy
from kiosk.central.store import ConflictError, GapError, WireEvent
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


MAX_BODY_BYTES = 16 * 1024 * 1024  # 5,000 events are about 1.2 MB
BATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventBatchIn"}}},
    }
}


def _refused(ctx: CentralContext, hall: str, exc: BatchRefused) -> BatchRefused:
    log.warning("refused a batch of hall %s: %s", hall, exc.code)
    ctx.store.refuse(hall, exc.code, str(exc), ctx.clock())
    return exc


def _decode(hall: str, body: bytes) -> list[WireEvent]:
    try:
        batch = m.EventBatchIn.model_validate_json(body)
    except ValidationError as exc:
        raise BatchRefused(
            "请求格式不正确：{detail}",
            status=400,
            code="invalid_request",
            detail=validation_detail(exc.errors()),
        ) from None
    return validate_batch(hall, batch)


def store_batch(ctx: CentralContext, hall: str, body: bytes) -> dict[str, Any]:
    """Decode, check and store one push (on a worker thread, never on the event loop)."""
    try:
        events = _decode(hall, body)
    except BatchRefused as exc:
        raise _refused(ctx, hall, exc) from None
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
    except ConflictError as exc:
        raise _refused(
            ctx,
            hall,
            BatchRefused(
                "序号{seq}已存有内容不同的事件：营业厅的事件日志被改写过？",
                status=409,
                code="seq_conflict",
                extra={"seq": exc.seq, "field": exc.field},
                seq=exc.seq,
            ),
        ) from None
    return {"hall": hall, "acked_seq": result.acked_seq, "stored": result.stored}


@router.post(
    "/{hall}/events",
    response_model=m.AckOut,
    openapi_extra=BATCH_BODY,
    responses={413: {"model": m.ErrorOut}, 429: {"model": m.ErrorOut}},
)
async def push_events(
    hall: str, request: Request, ctx: CentralContext = Depends(central_context)
) -> dict[str, Any]:
    """Store a batch of the hall's events (body: ``EventBatchIn``), idempotently: events
    central already holds are checked to be the same and skipped (409 ``seq_conflict`` when
    one differs: refused and recorded). Answers the highest sequence central holds; the hall
    advances its cursor only on this answer. A batch starting after that sequence is refused
    (409 ``gap``, with ``acked_seq``) and the hall resends from there. When the worker has
    more pushes than it can store at once: 429 ``busy`` with ``Retry-After``, nothing decoded."""
    key_hall = hall_key(request)
    if key_hall != hall:
        raise _refused(
            ctx,
            key_hall,
            BatchRefused(
                "此密钥只能写入本营业厅（{hall}）的事件",
                status=403,
                code="forged_hall",
                hall=key_hall,
            ),
        )
    if int(request.headers.get("content-length") or 0) > MAX_BODY_BYTES:
        raise CentralError("批次过大", status=413, code="too_large")
    # The body is read even when the answer is 429: a connection closed with a request
    # unread reaches the client as a reset, not as the answer.
    body = await request.body()
    try:
        async with ctx.gate.turn():
            return await run_in_threadpool(store_batch, ctx, hall, body)
    except Busy as exc:
        seconds = int(exc.retry_after_s)
        raise CentralError(
            "中心繁忙，请{seconds}秒后重试",
            status=429,
            code="busy",
            extra={"retry_after_s": exc.retry_after_s},
            headers={"Retry-After": str(seconds)},
            seconds=seconds,
        ) from None


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
