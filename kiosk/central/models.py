"""Bodies of central's API: they are its OpenAPI document's schemas (/openapi.json)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kiosk.api.models import BillOut, ErrorOut

__all__ = ["BillOut", "ErrorOut"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EventIn(Strict):
    seq: int = Field(ge=1, description="The hall's gap-free sequence number")
    type: str = Field(description="Event type, e.g. ticket.issued (docs/architecture.md)")
    at: str = Field(description="ISO 8601 time with offset")
    day: str = Field(description="Business day YYYY-MM-DD the event belongs to")
    ticket: str | None = None
    counter: int | None = None
    data: dict[str, Any] = Field(description="The event's fields")


class EventBatchIn(Strict):
    hall: str = Field(description="The sending hall; must be the key's hall")
    events: list[EventIn] = Field(max_length=5000, description="Contiguous, in sequence order")


class AckOut(BaseModel):
    hall: str
    acked_seq: int = Field(description="Highest sequence central holds for the hall, gap-free")
    stored: int = Field(description="How many events of this batch were new")


class HallConfigIn(Strict):
    text: str = Field(
        max_length=200_000,
        description="TOML with only [queue], [[services]], [[counters]], [[staff]], [[tokens]]",
    )


class HallConfigOut(BaseModel):
    hall: str
    text: str
    digest: str = Field(description="sha256 of text: the version")
    updated_at: str | None


class NoticeIn(Strict):
    title: str = Field(min_length=1, max_length=100, description="e.g. 计划停电通知")
    body: str = Field("", max_length=2000)
    area: str = Field("", max_length=200, description="Streets or villages affected")
    starts_at: str | None = Field(None, description="ISO 8601 with offset")
    ends_at: str | None = Field(None, description="ISO 8601 with offset; ended notices vanish")
    halls: list[str] = Field(default_factory=lambda: ["*"], description='Hall ids, or ["*"]')


class NoticeOut(BaseModel):
    id: str
    title: str
    body: str
    area: str
    starts_at: str | None
    ends_at: str | None
    updated_at: str | None = None


class NoticesOut(BaseModel):
    hall: str
    digest: str = Field(description="sha256 of the list: changes when any notice changes")
    notices: list[NoticeOut]


class CentralHealthOut(BaseModel):
    status: str
    database: str
    halls: int
    worker: int = Field(0, description="Process id of the worker that answered")
    busy_refusals: int = Field(0, description="429s this worker answered since it started")


class RefusalOut(BaseModel):
    hall: str
    at: str | None
    code: str
    message: str


class Figures(BaseModel):
    """A hall's (or the fleet's) figures over a day or a period, from the summaries. The
    hall's own definitions (docs/counter.md); satisfaction runs one way everywhere: higher
    is better."""

    tickets: int = Field(description="Tickets issued")
    called: int = Field(description="Tickets called at least once (their wait is known)")
    done: int
    no_show: int
    transferred: int
    cancelled: int
    expired: int
    mean_wait_s: float | None = Field(description="Issue → first call, mean, seconds")
    within_target: float | None = Field(
        description="Share of called tickets whose wait was within their service's target"
    )
    mean_service_s: float | None
    overtime: int = Field(description="Services past their time limit (限时办结)")
    rated: int
    not_rated: int
    satisfaction: float | None = Field(
        description="满意率: share of 1 非常满意 + 2 满意 among the rated (0-1), as the hall"
    )
    scores: dict[str, int] = Field(description="Ratings by score, 1 非常满意 … 4 不满意")
    complaints: dict[str, int] = Field(
        description="complaint.<status> events by status (issue 14's complaints)"
    )
    bookings: int = Field(description="booking.created events (issue 15's appointments)")
    booking_no_shows: int = Field(description="booking.no_show events")
    booking_events: dict[str, int] = Field(description="booking.<status> events by status")


class FleetHallOut(Figures):
    hall: str
    name: str = ""
    last_seq: int
    events: int
    last_push_at: str | None
    issued: int = Field(description="Same as tickets (kept for older clients)")
    refusals: int
    last_refusal: RefusalOut | None


class FleetOut(BaseModel):
    date: str
    halls: list[FleetHallOut]


class HallDayOut(Figures):
    hall: str
    date: str
    events: int


class HallDaysOut(BaseModel):
    hall: str
    from_: str = Field(alias="from")
    to: str
    days: list[HallDayOut]


class ReportHallOut(Figures):
    hall: str
    name: str = ""


class ReportDayOut(Figures):
    date: str


class FleetReportOut(BaseModel):
    from_: str = Field(alias="from")
    to: str
    halls: list[ReportHallOut] = Field(description="Every hall over the period")
    days: list[ReportDayOut] = Field(description="The fleet day by day")
    total: Figures


class PartitionsOut(BaseModel):
    months: list[str] = Field(description="Months attached to the events table, oldest first")
    hall_partitions: int = Field(description="Hash leaves per month for new months")
