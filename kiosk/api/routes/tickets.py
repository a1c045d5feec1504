"""Tickets: take one, look one up, put a no-show back, cancel, rate."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from kiosk.api import models as m
from kiosk.api.context import PERMISSIONS, PREFIX, ApiContext, Principal, allow, api_context
from kiosk.api.errors import ERROR_RESPONSES
from kiosk.hall.service import IdCardInput
from kiosk.hall.views import TicketView

router = APIRouter(prefix=PREFIX, tags=["tickets"], responses=ERROR_RESPONSES)


@router.post("/tickets", status_code=201, response_model=m.TicketOut)
async def issue_ticket(
    body: m.IssueIn,
    who: Principal = Depends(allow("issue")),
    ctx: ApiContext = Depends(api_context),
) -> TicketView:
    """Take a ticket. Printing happens after the 201: its outcome is an event."""
    card = IdCardInput(body.id_card.id_number, body.id_card.name) if body.id_card else None
    return await ctx.hall.issue_ticket_async(
        body.service, priority=body.priority, id_card=card, account=body.account
    )


@router.get("/tickets/{ticket_id}", response_model=m.TicketWithPersonalOut)
def get_ticket(
    ticket_id: str,
    who: Principal = Depends(allow("read")),
    ctx: ApiContext = Depends(api_context),
) -> TicketView:
    """A ticket with its status and position. Counters and managers also see the masked
    personal data staff need (account, masked ID and name). A ticket of a closed day (the
    daily close, or the next morning's rollover) is 200 with the state its day left it in,
    from the log: ``expired`` if it was still open at the close, ``ahead`` and
    ``estimated_wait_s`` null, no counters; 404 only for a ticket never issued."""
    if who.role in PERMISSIONS["personal"]:
        return ctx.hall.staff_ticket_view(ticket_id)
    return ctx.hall.ticket_view(ticket_id)


@router.post("/tickets/{ticket_id}/reinstate", response_model=m.TicketOut)
def reinstate(
    ticket_id: str,
    who: Principal = Depends(allow("counter")),
    ctx: ApiContext = Depends(api_context),
) -> TicketView:
    """Put a no-show ticket back in the queue (at the back: 过号重新排队)."""
    return ctx.hall.reinstate(ticket_id)


@router.post("/tickets/{ticket_id}/cancel", response_model=m.TicketOut)
def cancel(
    ticket_id: str,
    body: m.CancelIn | None = None,
    who: Principal = Depends(allow("counter")),
    ctx: ApiContext = Depends(api_context),
) -> TicketView:
    """Withdraw a waiting ticket."""
    return ctx.hall.cancel(ticket_id, reason=body.reason if body else None)


@router.post("/evaluations", response_model=m.TicketOut, status_code=201)
def evaluate(
    body: m.EvaluationIn,
    who: Principal = Depends(allow("evaluate")),
    ctx: ApiContext = Depends(api_context),
) -> TicketView:
    """Record the customer's rating; one per ticket. A counter token rates only tickets its
    own counter served."""
    counter = who.counter if who.role == "counter" else None
    return ctx.hall.evaluate(body.ticket, body.score, source=who.role, counter=counter)
