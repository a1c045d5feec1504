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


class RefusalOut(BaseModel):
    hall: str
    at: str | None
    code: str
    message: str


class FleetHallOut(BaseModel):
    hall: str
    name: str = ""
    last_seq: int
    events: int
    last_push_at: str | None
    issued: int
    done: int
    no_show: int
    rated: int
    satisfaction: float | None = Field(description="Mean score of the rated, 1 best … 4")
    refusals: int
    last_refusal: RefusalOut | None


class FleetOut(BaseModel):
    date: str
    halls: list[FleetHallOut]
