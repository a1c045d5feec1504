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


class ReportFiguresOut(BaseModel):
    """Figures of one group (service, counter, staff member); see docs/counter.md."""

    tickets: int = Field(0, description="Service: taken for it; counter/staff: they called")
    done: int
    no_show: int
    transferred: int
    expired: int = 0
    cancelled: int = 0
    mean_wait_s: float | None
    p90_wait_s: float | None = None
    within_target: float | None = Field(description="Share of calls within the target wait")
    mean_service_s: float | None
    p90_service_s: float | None = None
    overdue: int = Field(description="Serving sessions past the time limit (限时办结)")
    satisfaction: float | None = Field(None, description="Share of 非常满意+满意 among rated")
    rated: int = 0
    not_rated: int = Field(0, description="Evaluations that timed out (score 0)")
    scores: dict[str, int] = Field(default_factory=dict, description="Count per score 1..4")


class ReportServiceOut(ReportFiguresOut):
    service: str
    name: str = ""
    name_en: str = ""
    issued: int
    target_wait_s: int | None = None
    time_limit_s: int | None = None


class ReportCounterOut(ReportFiguresOut):
    counter: int
    name: str
    services: list[str]


class ReportStaffOut(ReportFiguresOut):
    staff: str = Field(description="Staff number (工号); empty: calls that recorded none")
    name: str | None


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
    transferred: int = 0
    expired: int = 0
    cancelled: int = 0
    p90_wait_s: float | None = None
    within_target: float | None = None
    mean_service_s: float | None = None
    p90_service_s: float | None = None
    overdue: int = 0
    counters: list[ReportCounterOut] = Field(default_factory=list)
    staff: list[ReportStaffOut] = Field(default_factory=list)
    hourly_arrivals: list[int] = Field(default_factory=list, description="Tickets per hour 0-23")


class DeviceOut(BaseModel):
    name: str = Field(description="printer | idcard | hallbus | hallbus:N | voice")
    kind: str
    url: str
    ok: bool = Field(description="It works (level ok or warn)")
    detail: str = Field(description="The driver's own account of a fault, when there is one")
    paper: str | None = Field(None, description="printer only: ok | near_end | out")
    state: str = Field(
        "ok",
        description="One state per device, a key of drivers/device_states.py: ok, "
        "paper_near_end, paper_out, cover_open, unavailable, offline, not_answering, …",
    )
    level: Literal["ok", "warn", "fail"] = Field(
        "ok", description="✓ works, ! works but needs a look (paper near end), ✗ does not work"
    )
    label: str = Field("", description="What the device is called (打印机)")
    text: str = Field("", description="Its state in words (缺纸)")
    fix: str = Field("", description="What to do ('' when nothing)")
    role: str | None = Field(None, description="hall-bus addresses: screen, pad, evaluator…")
    counter: int | None = Field(None, description="hall-bus addresses: the counter")


class PrintTestOut(BaseModel):
    printed: bool
    bytes: int
    reason: str | None
    warnings: list[str]
    url: str | None = Field(None, description="The printer it was sent to (its configured URL)")


class PrintTestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    printer_url: str | None = Field(
        None,
        description="The printer the caller means (its config's [printer] url): when the "
        "daemon drives another one it refuses (409 other_printer) instead of printing there",
    )


# -- lobby touchscreen (kiosk/api/routes/lobby.py) ----------------------------------------


class LobbyHallOut(BaseModel):
    id: str
    name: str
    name_en: str


class LobbySettingsOut(BaseModel):
    hall: LobbyHallOut
    idle_timeout_s: int
    ticket_screen_s: int
    ask_identification: bool
    elderly_offer: bool
    elderly_age: int
    orientation: Literal["auto", "portrait", "landscape"]
    large_type: bool
    voice_guidance: bool
    admin_enabled: bool = Field(description="False: no PIN is configured, the panel is closed")
    printer: bool = Field(description="A ticket printer is configured")
    idcard: bool = Field(description="An ID-card reader is configured")


class AdminUnlockIn(Strict):
    pin: str = Field(min_length=1, max_length=32)


class AdminUnlockOut(BaseModel):
    unlocked: bool


class GuidanceIn(Strict):
    key: str | None = Field(None, max_length=40, description="A stock phrase, e.g. welcome")
    text: str | None = Field(None, max_length=300, description="Any text to read aloud")
    lang: Literal["zh", "en"] = "zh"


class GuidanceOut(BaseModel):
    queued: bool = Field(description="False when the voice is off or absent: nothing is said")


class BillLookupIn(Strict):
    id_number: str = Field(min_length=18, max_length=18, description="18-character ID number")


class BillAccountOut(BaseModel):
    account: str
    account_masked: str
    name_masked: str
    address_masked: str


class BillLookupOut(BaseModel):
    accounts: list[BillAccountOut]


class StatementPrintOut(BaseModel):
    printed: bool
    bytes: int
    reason: str | None
    warnings: list[str]


# -- soft caller and manager view (kiosk/api/routes/counter.py) ------------------------------


class LoginIn(Strict):
    staff: str = Field(min_length=1, max_length=8, description="Staff number (工号)")
    pin: str = Field(min_length=1, max_length=16)


class LogoutIn(Strict):
    staff: str | None = Field(None, max_length=8)
    force: bool = Field(False, description="Manager only: also with a customer at the counter")


class StaffOut(BaseModel):
    number: str
    name: str


class LoginOut(BaseModel):
    counter: int
    staff: StaffOut | None


class ServiceInfoOut(BaseModel):
    code: str
    name: str
    name_en: str
    target_wait_s: int
    time_limit_s: int | None = Field(description="限时办结 limit; null: none")


class WaitingOut(BaseModel):
    id: str
    number: str
    service: str
    issued_at: str
    priority: str | None


class CounterStatusOut(BaseModel):
    counter: int
    name: str
    services: list[ServiceInfoOut]
    state: Literal["idle", "busy", "paused"]
    staff: StaffOut | None = Field(description="Who is logged in at the soft caller")
    evaluator: bool = Field(description="A hall-bus evaluator of this counter is online")
    current: TicketWithPersonalOut | None
    time_limit_s: int | None = Field(description="Time limit of the current ticket's service")
    waiting: int
    next: list[WaitingOut] = Field(description="The next few tickets this counter would call")
    now: str = Field(description="The hall's time, to compute waited and serving times")


class TouchEvaluationIn(Strict):
    ticket: str
    score: int = Field(
        ge=0, le=4, description="1 非常满意, 2 满意, 3 一般, 4 不满意, 0 not rated (timed out)"
    )


class TodayOut(BaseModel):
    date: str
    counter: int
    staff: StaffOut | None
    mine: ReportFiguresOut = Field(description="The logged-in staff member's, else the counter's")
    counter_figures: ReportFiguresOut


class ReportDayOut(BaseModel):
    date: str
    issued: int
    done: int
    no_show: int
    transferred: int
    mean_wait_s: float | None
    p90_wait_s: float | None
    within_target: float | None
    mean_service_s: float | None
    overdue: int
    satisfaction: float | None
    rated: int
    not_rated: int
    hourly_arrivals: list[int]


class MonthReportOut(BaseModel):
    month: str
    first: str
    last: str
    open_days: int
    issued: int
    done: int
    no_show: int
    transferred: int
    expired: int
    cancelled: int
    mean_wait_s: float | None
    p90_wait_s: float | None
    within_target: float | None
    mean_service_s: float | None
    p90_service_s: float | None
    overdue: int
    satisfaction: float | None
    rated: int
    not_rated: int
    services: list[ReportServiceOut]
    counters: list[ReportCounterOut]
    staff: list[ReportStaffOut]
    hourly_arrivals: list[int]
    days: list[ReportDayOut]
