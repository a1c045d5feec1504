"""A counter's work: call, recall, start, finish, no-show, pause, transfer, ask for a rating;
and the soft caller's own routes: staff login and logout, the counter's status, the touch
rating, today's own figures."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response

from kiosk.api import models as m
from kiosk.api.context import PREFIX, ApiContext, Principal, allow, api_context, own_counter
from kiosk.api.errors import ERROR_RESPONSES, ApiError
from kiosk.hall.views import (
    CounterActionView,
    CounterStatusView,
    LoginView,
    TicketView,
    TodayView,
)
from kiosk.queue.errors import InvalidRequest

RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    429: {"model": m.ErrorOut, "description": "Too many wrong PINs: locked for a while"},
}

router = APIRouter(prefix=f"{PREFIX}/counters", tags=["counters"], responses=RESPONSES)

ACTIONS = (
    ("recall", "Call the current ticket again (up to queue.max_recalls times)."),
    ("start", "The customer arrived: serving starts (the time limit runs from here)."),
    ("done", "Finish the current ticket (办结)."),
    ("no-show", "The called customer did not come (过号)."),
    ("pause", "Pause the counter (暂停服务): it calls nobody until resumed."),
    ("resume", "Resume a paused counter."),
    ("evaluate", "Ask the customer to rate the service (请评价)."),
)


@router.post(
    "/{counter}/call-next",
    response_model=m.TicketOut,
    responses={204: {"description": "Nobody waits for this counter"}},
)
async def call_next(
    counter: int,
    body: m.CallNextIn | None = None,
    who: Principal = Depends(allow("counter")),
    ctx: ApiContext = Depends(api_context),
) -> TicketView | Response:
    """Call the next ticket; a ticket still at the counter is finished first."""
    own_counter(who, counter)
    called = await ctx.hall.call_next_async(counter, staff=body.staff if body else None)
    return called if called is not None else Response(status_code=204)


def _action_route(action: str, doc: str) -> None:
    async def handler(
        counter: int,
        body: m.StartIn | None = None,
        who: Principal = Depends(allow("counter")),
        ctx: ApiContext = Depends(api_context),
    ) -> CounterActionView:
        own_counter(who, counter)
        staff = body.staff if body else None
        return await ctx.hall.counter_action_async(counter, action, staff=staff)

    handler.__doc__ = doc
    router.add_api_route(
        f"/{{counter}}/{action}",
        handler,
        methods=["POST"],
        response_model=m.CounterActionOut,
        operation_id=f"counter_{action.replace('-', '_')}",
        name=f"counter_{action}",
    )


for _action, _doc in ACTIONS:
    _action_route(_action, _doc)


@router.post("/{counter}/transfer", response_model=m.CounterActionOut)
async def transfer(
    counter: int,
    body: m.TransferIn,
    who: Principal = Depends(allow("counter")),
    ctx: ApiContext = Depends(api_context),
) -> CounterActionView:
    """Send the current ticket to another service or counter; it keeps its original issue
    time (so it is not sent to the back) and its first-ask staff member."""
    own_counter(who, counter)
    if (body.service is None) == (body.counter is None):
        raise InvalidRequest("转移需指定业务或窗口之一")
    return await ctx.hall.counter_action_async(
        counter, "transfer", to_service=body.service, to_counter=body.counter, reason=body.reason
    )


@router.post("/{counter}/login", response_model=m.LoginOut)
def login(
    counter: int,
    body: m.LoginIn,
    who: Principal = Depends(allow("counter")),
    ctx: ApiContext = Depends(api_context),
) -> LoginView:
    """Log a staff member in at the soft caller. Calls and starts at this counter then
    record them (首问负责制). Wrong PINs are counted per staff number and per device;
    ``auth.max_failures`` in a row lock for ``auth.lockout_min`` minutes (429)."""
    own_counter(who, counter)
    return ctx.hall.login(counter, body.staff, body.pin, device=who.name)


@router.post("/{counter}/logout", response_model=m.LoginOut)
def logout(
    counter: int,
    body: m.LogoutIn | None = None,
    who: Principal = Depends(allow("counter")),
    ctx: ApiContext = Depends(api_context),
) -> LoginView:
    """Log the counter's staff member out (refused while a customer is at the counter,
    unless a manager forces it)."""
    own_counter(who, counter)
    body = body or m.LogoutIn(staff=None, force=False)
    if body.force and who.role != "manager":
        raise ApiError(403, "forbidden", "只有值班经理可以强制退出")
    return ctx.hall.logout(counter, staff=body.staff, force=body.force)


@router.get("/{counter}/status", response_model=m.CounterStatusOut)
def status(
    counter: int,
    who: Principal = Depends(allow("counter")),
    ctx: ApiContext = Depends(api_context),
) -> CounterStatusView:
    """What the soft caller shows: the counter, its services with their time limits, who is
    logged in, the current ticket (with the masked personal data staff need), who waits."""
    own_counter(who, counter)
    view = ctx.hall.counter_status(counter)
    online = ctx.devices.evaluator_online(counter) if ctx.devices is not None else False
    return view if view.evaluator == online else _with_evaluator(view, online)


def _with_evaluator(view: CounterStatusView, online: bool) -> CounterStatusView:
    from dataclasses import replace

    return replace(view, evaluator=online)


@router.post("/{counter}/evaluation", response_model=m.TicketOut, status_code=201)
def touch_evaluation(
    counter: int,
    body: m.TouchEvaluationIn,
    who: Principal = Depends(allow("counter")),
    ctx: ApiContext = Depends(api_context),
) -> TicketView:
    """The customer's rating from the soft caller's touch prompt (source ``touch``); score 0
    records "not rated" when the prompt timed out. One per ticket, only for a ticket this
    counter served."""
    own_counter(who, counter)
    return ctx.hall.evaluate(body.ticket, body.score, source="touch", counter=counter)


@router.get("/{counter}/today", response_model=m.TodayOut)
def today(
    counter: int,
    who: Principal = Depends(allow("counter")),
    ctx: ApiContext = Depends(api_context),
) -> TodayView:
    """Today's own figures: the logged-in staff member's (else the counter's)."""
    own_counter(who, counter)
    return ctx.hall.counter_today(counter)
