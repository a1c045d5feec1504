"""Request and response bodies: they are the OpenAPI document's schemas."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(BaseModel):
    code: str = Field(description="Stable machine code, e.g. counter_paused")
    message: str = Field(description="What happened and what to do, in the caller's language")


class ErrorOut(BaseModel):
    error: ErrorBody


class IdCardIn(Strict):
    id_number: str = Field(min_length=18, max_length=18, description="18-character ID number")
    name: str = Field("", max_length=30)


class IssueIn(Strict):
    service: str = Field(min_length=1, max_length=1, description="Service code, e.g. A")
    id_card: IdCardIn | None = None
    account: str | None = Field(None, max_length=32, description="户号 (account number)")
    priority: Literal["elderly", "disabled", "appointment"] | None = None


class TicketOut(BaseModel):
    id: str
    number: str
    service: str
    service_name: str
    service_name_en: str
    status: Literal["waiting", "called", "serving", "done", "no_show", "cancelled", "expired"]
    priority: str | None
    issued_at: str
    ahead: int | None = Field(description="People called before this ticket; null unless waiting")
    estimated_wait_s: int | None
    counters: list[int] = Field(description="Counters that may call it")
    counter: int | None
    called_at: str | None
    started_at: str | None
    finished_at: str | None
    recalls: int
    transfers: int
    original_service: str
    first_staff: str | None
    identified: bool
    score: int | None


class TicketWithPersonalOut(TicketOut):
    account: str | None = None
    id_masked: str | None = None
    name_masked: str | None = None


class ServiceQueueOut(BaseModel):
    service: str
    name: str
    name_en: str
    waiting: int
    estimated_wait_s: int | None
    open_counters: int


class CurrentOut(BaseModel):
    id: str
    number: str
    status: str


class CounterOut(BaseModel):
    counter: int
    name: str
    services: list[str]
    state: Literal["idle", "busy", "paused"]
    current: CurrentOut | None
    waiting: int


class QueueOut(BaseModel):
    services: list[ServiceQueueOut]
    counters: list[CounterOut]
    closed: bool


class CounterActionOut(BaseModel):
    counter: CounterOut
    ticket: TicketOut | None


class CallNextIn(Strict):
    staff: str | None = Field(None, max_length=32, description="Staff number (首问负责制)")


class StartIn(CallNextIn):
    pass


class TransferIn(Strict):
    service: str | None = Field(None, min_length=1, max_length=1)
    counter: int | None = Field(None, ge=1, le=99)
    reason: str | None = Field(None, max_length=200)


class EvaluationIn(Strict):
    ticket: str
    score: int = Field(ge=1, le=4, description="1 非常满意, 2 满意, 3 一般, 4 不满意")


class CancelIn(Strict):
    reason: str | None = Field(None, max_length=200)


class CloseDayOut(BaseModel):
    day: str
    expired: int
    purged: int
    full: bool


class HealthOut(BaseModel):
    status: Literal["ok", "degraded"]
    hall: str
    last_seq: int
    storage_error: str | None


class BillMonthOut(BaseModel):
    month: str
    kwh: float
    amount: float


class PaymentOut(BaseModel):
    paid_at: str
    amount: float
    channel: str


class TariffOut(BaseModel):
    tier: int = Field(description="阶梯: 1, 2 or 3")
    year_kwh: float
    tier1_limit_kwh: float
    tier2_limit_kwh: float
    prices: list[float] = Field(description="Price per kWh of each tier, yuan")


class BillOut(BaseModel):
    account: str
    name_masked: str
    address_masked: str
    balance: float = Field(description="Positive: prepaid balance 余额; negative: arrears 欠费")
    month: str
    month_kwh: float
    month_amount: float
    tariff: TariffOut
    history: list[BillMonthOut]
    payments: list[PaymentOut]
    pay_url: str
    as_of: str
    cached: bool


class ReportServiceOut(BaseModel):
    service: str
    issued: int
    done: int
    no_show: int
    transferred: int
    expired: int
    mean_wait_s: float | None
    mean_service_s: float | None
    within_target: float | None
    overdue: int


class DailyReportOut(BaseModel):
    date: str
    issued: int
    done: int
    no_show: int
    mean_wait_s: float | None
    satisfaction: float | None
    rated: int
    not_rated: int
    services: list[ReportServiceOut]


class DeviceOut(BaseModel):
    name: str = Field(description="printer | idcard | hallbus | hallbus:N | voice")
    kind: str
    url: str
    ok: bool
    detail: str
    paper: str | None = None


class PrintTestOut(BaseModel):
    printed: bool
    bytes: int
    reason: str | None
    warnings: list[str]
