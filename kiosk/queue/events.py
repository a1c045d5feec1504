"""Every change in the hall is one of these events, appended to the store.

Current state is derived from them (:meth:`kiosk.queue.rules.Queue.apply`), reports are
computed from them and sync ships them. Each event is a frozen dataclass with a dotted
``TYPE`` that is its name on the wire, in the store and on the WebSocket.

Personal data never enters an event: an identified customer appears only as a keyed hash.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar, TypeVar

EVENT_TYPES: dict[str, type[Event]] = {}

E = TypeVar("E", bound="Event")


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type[Event]) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.name != "at")
    return names


def _register(cls: type[E]) -> type[E]:
    if cls.TYPE in EVENT_TYPES:
        raise TypeError(f"duplicate event type {cls.TYPE}")
    EVENT_TYPES[cls.TYPE] = cls
    return cls


@dataclass(frozen=True, kw_only=True)
class Event:
    TYPE: ClassVar[str] = ""
    at: datetime

    @property
    def ticket_id(self) -> str | None:
        return getattr(self, "ticket", None)

    @property
    def counter_number(self) -> int | None:
        return getattr(self, "counter", None)

    def to_data(self) -> dict[str, Any]:
        """The event's own fields (without ``at``), JSON-ready."""
        out: dict[str, Any] = {}
        for name in _field_names(type(self)):
            value = getattr(self, name)
            if isinstance(value, datetime | date):
                value = value.isoformat()
            out[name] = value
        return out

    @staticmethod
    def from_data(type_: str, at: datetime, data: dict[str, Any]) -> Event:
        cls = EVENT_TYPES.get(type_)
        if cls is None:
            raise ValueError(f"unknown event type {type_!r}")
        kwargs: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name == "at" or f.name not in data:
                continue
            value = data[f.name]
            if value is not None and f.type in ("date",):
                value = date.fromisoformat(value)
            elif value is not None and f.type in ("datetime",):
                value = datetime.fromisoformat(value)
            kwargs[f.name] = value
        return cls(at=at, **kwargs)


@_register
@dataclass(frozen=True, kw_only=True)
class TicketIssued(Event):
    TYPE: ClassVar[str] = "ticket.issued"
    ticket: str
    number: str
    service: str
    day: date
    serial: int  # the number's digits: the n-th ticket of this service today
    priority: str | None = None
    identified: bool = False
    id_hash: str | None = None  # keyed hash of the ID number, for repeat-visit counts


@_register
@dataclass(frozen=True, kw_only=True)
class TicketCalled(Event):
    TYPE: ClassVar[str] = "ticket.called"
    ticket: str
    counter: int
    staff: str | None = None


@_register
@dataclass(frozen=True, kw_only=True)
class TicketRecalled(Event):
    TYPE: ClassVar[str] = "ticket.recalled"
    ticket: str
    counter: int
    recall: int  # 1 for the first recall


@_register
@dataclass(frozen=True, kw_only=True)
class TicketStarted(Event):
    TYPE: ClassVar[str] = "ticket.started"
    ticket: str
    counter: int
    staff: str | None = None


@_register
@dataclass(frozen=True, kw_only=True)
class TicketDone(Event):
    TYPE: ClassVar[str] = "ticket.done"
    ticket: str
    counter: int


@_register
@dataclass(frozen=True, kw_only=True)
class TicketNoShow(Event):
    TYPE: ClassVar[str] = "ticket.no_show"
    ticket: str
    counter: int


@_register
@dataclass(frozen=True, kw_only=True)
class TicketReinstated(Event):
    TYPE: ClassVar[str] = "ticket.reinstated"
    ticket: str


@_register
@dataclass(frozen=True, kw_only=True)
class TicketTransferred(Event):
    TYPE: ClassVar[str] = "ticket.transferred"
    ticket: str
    counter: int  # from
    to_service: str | None = None
    to_counter: int | None = None
    reason: str | None = None


@_register
@dataclass(frozen=True, kw_only=True)
class TicketCancelled(Event):
    TYPE: ClassVar[str] = "ticket.cancelled"
    ticket: str
    reason: str | None = None


@_register
@dataclass(frozen=True, kw_only=True)
class TicketExpired(Event):
    TYPE: ClassVar[str] = "ticket.expired"
    ticket: str


@_register
@dataclass(frozen=True, kw_only=True)
class TicketOverdue(Event):
    """Serving has run past the service's time limit (限时办结)."""

    TYPE: ClassVar[str] = "ticket.overdue"
    ticket: str
    counter: int
    limit_s: int


@_register
@dataclass(frozen=True, kw_only=True)
class EvaluationRequested(Event):
    TYPE: ClassVar[str] = "evaluation.requested"
    ticket: str
    counter: int


@_register
@dataclass(frozen=True, kw_only=True)
class TicketEvaluated(Event):
    TYPE: ClassVar[str] = "ticket.evaluated"
    ticket: str
    score: int  # 1 非常满意, 2 满意, 3 一般, 4 不满意, 0 not rated (timed out)
    counter: int | None = None
    source: str = "api"  # api | evaluator | touch


@_register
@dataclass(frozen=True, kw_only=True)
class CounterPaused(Event):
    TYPE: ClassVar[str] = "counter.paused"
    counter: int


@_register
@dataclass(frozen=True, kw_only=True)
class CounterResumed(Event):
    TYPE: ClassVar[str] = "counter.resumed"
    counter: int


@_register
@dataclass(frozen=True, kw_only=True)
class DayClosed(Event):
    """The daily close. ``full`` means nothing at all was left open from that day."""

    TYPE: ClassVar[str] = "day.closed"
    day: date
    full: bool
    automatic: bool = False


@_register
@dataclass(frozen=True, kw_only=True)
class DeviceFault(Event):
    TYPE: ClassVar[str] = "device.fault"
    device: str
    message: str


@_register
@dataclass(frozen=True, kw_only=True)
class DeviceRecovered(Event):
    TYPE: ClassVar[str] = "device.recovered"
    device: str


@_register
@dataclass(frozen=True, kw_only=True)
class TicketPrinted(Event):
    TYPE: ClassVar[str] = "ticket.printed"
    ticket: str
    bytes: int = 0


@_register
@dataclass(frozen=True, kw_only=True)
class TicketPrintFailed(Event):
    TYPE: ClassVar[str] = "ticket.print_failed"
    ticket: str
    reason: str


@_register
@dataclass(frozen=True, kw_only=True)
class NoticeChanged(Event):
    """An outage notice (停电公告) appeared, changed or was withdrawn."""

    TYPE: ClassVar[str] = "notice.changed"
    notice: str
    title: str = ""
    withdrawn: bool = False


@_register
@dataclass(frozen=True, kw_only=True)
class HallReconfigured(Event):
    """A new hall configuration was applied while running (services, counters, tokens)."""

    TYPE: ClassVar[str] = "hall.reconfigured"
    source: str  # where it came from: "central", "file", ...
    digest: str  # sha256 of the configuration text, to tell versions apart


@_register
@dataclass(frozen=True, kw_only=True)
class StaffLoggedIn(Event):
    """A staff member logged in at a counter (soft caller): the counter's calls and starts
    record them (首问负责制) until they log out."""

    TYPE: ClassVar[str] = "staff.logged_in"
    counter: int
    staff: str  # staff number (工号), never a name


@_register
@dataclass(frozen=True, kw_only=True)
class StaffLoggedOut(Event):
    TYPE: ClassVar[str] = "staff.logged_out"
    counter: int
    staff: str
    forced: bool = False  # a manager logged them out (e.g. a soft caller left logged in)
