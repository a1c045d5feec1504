"""Services, counters and tickets: the nouns of the queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Priority(StrEnum):
    """Green channel (绿色通道) reasons. Any priority ticket is called before ordinary ones."""

    ELDERLY = "elderly"
    DISABLED = "disabled"
    APPOINTMENT = "appointment"


class SelectionPolicy(StrEnum):
    """How a counter picks among the services it serves."""

    FIFO = "fifo"  # the longest-waiting ticket across all its services
    SERVICE_ORDER = "service-order"  # its first service with anyone waiting, then the next


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def is_open(self) -> bool:
        """Still somebody's business today (not finished one way or another)."""
        return self in (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING)


@dataclass(frozen=True)
class ServiceDef:
    code: str  # the ticket prefix, one capital letter: A, B, ...
    name: str  # Chinese first
    name_en: str
    target_wait_s: int  # the wait the hall promises (share served within it is reported)
    time_limit_s: int | None  # 限时办结: serving past it alerts the counter and the manager
    default_service_s: int  # estimate of a service's length before any was measured today


@dataclass(frozen=True)
class CounterDef:
    number: int
    name: str
    services: tuple[str, ...]  # ordered: the order matters for the service-order policy
    policy: SelectionPolicy = SelectionPolicy.FIFO


@dataclass(frozen=True)
class QueueRules:
    services: dict[str, ServiceDef]
    counters: dict[int, CounterDef]
    max_recalls: int = 3
    elderly_age: int = 70
    recent_window: int = 20  # service times kept per service for the wait estimate


@dataclass
class Ticket:
    """A ticket as the queue sees it. Mutated only by :meth:`Queue.apply`."""

    id: str
    number: str
    day: date
    seq: int
    service: str  # where it queues now (changes on transfer)
    original_service: str
    priority: Priority | None
    issued_at: datetime
    queued_at: datetime  # ordering key: the issue time, kept through transfers
    queue_order: int = 0  # tie-break in log order (equal timestamps, reinstated tickets)
    identified: bool = False
    status: TicketStatus = TicketStatus.WAITING
    counter: int | None = None  # the counter that called it last
    target_counter: int | None = None  # set when transferred to one counter
    called_at: datetime | None = None
    first_called_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    recalls: int = 0
    transfers: int = 0
    first_staff: str | None = None  # 首问负责制: kept through transfers
    staff: str | None = None
    score: int | None = None  # 1..4, or 0 for "not rated"
    overdue_alerted: bool = False

    @property
    def priority_rank(self) -> int:
        return 0 if self.priority is not None else 1


@dataclass
class CounterState:
    number: int
    paused: bool = False
    current: str | None = None  # ticket id being called or served
    last: str | None = None  # the ticket it finished last (for a late evaluation)
    staff: str | None = None  # who called last (given with the call, or the logged-in staff)
    logged_in: str | None = None  # staff number logged in on the soft caller, if any


@dataclass
class ServiceTimes:
    """Recent service durations of one service, for the wait estimate."""

    window: int
    seconds: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        self.seconds.append(value)
        if len(self.seconds) > self.window:
            del self.seconds[0]

    def mean(self, default: float) -> float:
        return sum(self.seconds) / len(self.seconds) if self.seconds else default
