"""What the sync daemon hands to the hall daemon: central's configuration and outage notices.

- ``PUT /api/v1/admin/config``: central's fragment (queue, services, counters, staff,
  tokens) replaces those sections of the hall's file, validated, written atomically and
  applied while running (:meth:`kiosk.hall.service.Hall.apply_central_config`): nobody
  waiting is dropped, and the API takes the new tokens at once. A configuration that would
  lock the caller out (its own token gone) is refused.
- ``PUT /api/v1/notices``: the complete list of current outage notices (停电公告); each new,
  changed or withdrawn one becomes a ``notice.changed`` event. ``GET /api/v1/notices``
  lists those to show now, for the kiosk and display UIs.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from kiosk.api.context import PREFIX, ApiContext, Principal, allow, api_context
from kiosk.api.errors import ERROR_RESPONSES
from kiosk.hall.views import ConfigAppliedView, NoticesView, NoticeView

router = APIRouter(prefix=PREFIX, tags=["sync"], responses=ERROR_RESPONSES)


class ConfigIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=200_000, description="Central's TOML fragment")
    digest: str | None = Field(None, description="sha256 of text, checked when given")


class ConfigAppliedOut(BaseModel):
    digest: str
    services: list[str]
    counters: list[int]
    waiting: int = Field(description="Tickets waiting, all kept through the change")


class NoticeIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=100)
    body: str = Field("", max_length=2000)
    area: str = Field("", max_length=200)
    starts_at: str | None = None
    ends_at: str | None = None


class NoticesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    notices: list[NoticeIn] = Field(max_length=200)


class NoticesOut(BaseModel):
    notices: list[NoticeIn]
    changed: int = 0
    withdrawn: int = 0


@router.put("/admin/config", response_model=ConfigAppliedOut)
def put_config(
    body: ConfigIn,
    who: Principal = Depends(allow("sync")),
    ctx: ApiContext = Depends(api_context),
) -> ConfigAppliedView:
    """Apply central's configuration fragment while running; saved to the hall's file."""
    return ctx.hall.apply_central_config(
        body.text, digest=body.digest, keep_token=who.token, role=who.role
    )


@router.put("/notices", response_model=NoticesOut)
def put_notices(
    body: NoticesIn,
    who: Principal = Depends(allow("sync")),
    ctx: ApiContext = Depends(api_context),
) -> NoticesView:
    """Replace the outage notices with central's current list; changes become events.
    ``starts_at`` / ``ends_at`` are ISO 8601: a time without an offset is the hall's
    wall-clock time (``[hall] timezone``) and is kept with the hall's offset; text that is
    not a time is refused (400) and nothing changes."""
    return ctx.hall.replace_notices([NoticeView(**n.model_dump()) for n in body.notices])


@router.get("/notices", response_model=NoticesOut)
def get_notices(
    who: Principal = Depends(allow("read")), ctx: ApiContext = Depends(api_context)
) -> NoticesView:
    """Outage notices (停电公告) to show now, as central last sent them."""
    return NoticesView(notices=ctx.hall.notices())
