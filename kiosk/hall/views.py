"""What the hall service answers with: frozen snapshots of its live state.

The hall's public methods return these instead of dictionaries, so a reader sees what each
answer holds and mypy checks every use. They are plain data taken under the hall lock: a
view never changes afterwards and holds no reference into the queue. The LAN API's models
(:mod:`kiosk.api.models`) have the same fields; FastAPI serialises a view through them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

CounterState = Literal["idle", "busy", "paused"]


class View:
    """Shared by the views: the JSON-ready form (tools, the WebSocket, the demo)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]


@dataclass(frozen=True)
class TicketView(View):
    id: str
    number: str
    service: str
    service_name: str
    service_name_en: str
    status: str
    priority: str | None
    issued_at: str
    ahead: int | None  # people called before it; None unless waiting
    estimated_wait_s: int | None
    counters: list[int]  # the counters that may call it
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


@dataclass(frozen=True)
class PersonalView(View):
    """The masked personal data staff need during the day (purged at the daily close)."""

    account: str | None = None
    id_masked: str | None = None
    name_masked: str | None = None


@dataclass(frozen=True)
class StaffTicketView(TicketView):
    """A ticket as counter staff and managers see it: with :class:`PersonalView`'s fields."""

    account: str | None = None
    id_masked: str | None = None
    name_masked: str | None = None


@dataclass(frozen=True)
class CurrentView(View):
    id: str
    number: str
    status: str


@dataclass(frozen=True)
class CounterView(View):
    counter: int
    name: str
    services: list[str]
    state: CounterState
    current: CurrentView | None
    waiting: int


@dataclass(frozen=True)
class ServiceQueueView(View):
    service: str
    name: str
    name_en: str
    waiting: int
    estimated_wait_s: int | None
    open_counters: int


@dataclass(frozen=True)
class QueueView(View):
    services: list[ServiceQueueView]
    counters: list[CounterView]
    closed: bool


@dataclass(frozen=True)
class CounterActionView(View):
    counter: CounterView
    ticket: TicketView | None


@dataclass(frozen=True)
class StaffView(View):
    number: str
    name: str


@dataclass(frozen=True)
class LoginView(View):
    counter: int
    staff: StaffView | None


@dataclass(frozen=True)
class ServiceInfoView(View):
    code: str
    name: str
    name_en: str
    target_wait_s: int
    time_limit_s: int | None


@dataclass(frozen=True)
class WaitingView(View):
    id: str
    number: str
    service: str
    issued_at: str
    priority: str | None


@dataclass(frozen=True)
class CounterStatusView(View):
    """What the soft caller shows."""

    counter: int
    name: str
    services: list[ServiceInfoView]
    state: CounterState
    staff: StaffView | None
    current: StaffTicketView | None
    time_limit_s: int | None
    waiting: int
    next: list[WaitingView]
    now: str
    evaluator: bool = False  # set by the API from the devices' state


@dataclass(frozen=True)
class CloseDayView(View):
    day: str
    expired: int
    purged: int
    full: bool


@dataclass(frozen=True)
class DayTicketView(View):
    """A ticket of any day, rebuilt from the log (``kiosk tickets``)."""

    id: str
    number: str
    service: str
    status: str
    priority: str | None
    issued_at: str
    called_at: str | None
    finished_at: str | None
    counter: int | None
    transfers: int
    score: int | None


@dataclass(frozen=True)
class ConfigAppliedView(View):
    digest: str
    services: list[str]
    counters: list[int]
    waiting: int  # tickets waiting, all kept through the change


@dataclass(frozen=True)
class NoticeView(View):
    """An outage notice (停电公告) or another hall notice, as central sent it."""

    id: str
    title: str
    body: str = ""
    area: str = ""
    starts_at: str | None = None
    ends_at: str | None = None


@dataclass(frozen=True)
class NoticesView(View):
    notices: list[NoticeView]
    changed: int = 0
    withdrawn: int = 0


@dataclass(frozen=True)
class HealthView(View):
    status: Literal["ok", "degraded"]
    hall: str
    last_seq: int
    storage_error: str | None


@dataclass(frozen=True)
class TodayView(View):
    """A counter's own figures today (the logged-in staff member's, else the counter's)."""

    date: str
    counter: int
    staff: StaffView | None
    mine: dict[str, Any]
    counter_figures: dict[str, Any] = field(default_factory=dict)
