"""The hall as a whole: health, the queue, the daily close."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from kiosk.api import models as m
from kiosk.api.context import PREFIX, ApiContext, Principal, allow, api_context
from kiosk.api.errors import ERROR_RESPONSES
from kiosk.hall.views import CloseDayView, HealthView, QueueView

router = APIRouter(prefix=PREFIX, tags=["hall"])


@router.get("/health", response_model=m.HealthOut)
def health(ctx: ApiContext = Depends(api_context)) -> HealthView:
    """Liveness for systemd and technicians; needs no token."""
    return ctx.hall.health()


@router.get("/queue", response_model=m.QueueOut, responses=ERROR_RESPONSES)
def get_queue(
    who: Principal = Depends(allow("read")), ctx: ApiContext = Depends(api_context)
) -> QueueView:
    """Per service: people waiting, the estimate; per counter: state and current ticket."""
    return ctx.hall.queue_view()


@router.post("/admin/close-day", response_model=m.CloseDayOut, responses=ERROR_RESPONSES)
def close_day(
    who: Principal = Depends(allow("manage")), ctx: ApiContext = Depends(api_context)
) -> CloseDayView:
    """The daily close (日结): expire what is left, stop numbering, purge personal data."""
    return ctx.hall.close_day()
