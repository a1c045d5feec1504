"""The manager's figures, computed from the event log: a day, a month, any range of days.

One pass over the period's events, read through the store's read-only reader
(:meth:`kiosk.store.reader.EventLogReader.report_rows`: one SQL range scan per day on a
read-only connection; the hall keeps writing meanwhile and WAL readers never block it).
SQLite extracts the few JSON fields a report needs and turns timestamps into seconds, so
Python only walks tuples: a month of a busy hall (2,000 tickets a day, ~360,000 events)
takes about a second from the events, a tenth with the closed days kept
(``bench/counter.py``).

Definitions (also in ``docs/counter.md``):

- **wait**: from issue to the first call, counted for the service the ticket was taken for
  and for the counter and staff member who first called it; a transfer keeps the issue time,
  so the wait after a transfer is not a second wait.
- **within target**: share of called tickets whose wait was at most the service's target.
- **service time**: from start (or from the call when staff finished without starting) to
  办结, counted for the service, counter and staff member of that session.
- **past the time limit** (限时办结): sessions that ran longer than the service's limit,
  finished or not (a ``ticket.overdue`` alert or a finished session longer than the limit);
  once per session.
- **satisfaction**: share of 非常满意 + 满意 among rated tickets; "not rated" (score 0, the
  evaluator or the touch prompt timed out) is counted apart and never as a score.
- **tickets**: for a service, tickets taken for it; for a counter or a staff member, distinct
  tickets they called.
- **p90**: the nearest-rank 90th percentile (the value 90 % of tickets did not exceed).
- Staff are the ones recorded on the call and start events (the logged-in staff member at
  the soft caller, 首问负责制); events without one count as "" (not recorded).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from kiosk.queue import QueueRules
from kiosk.store import EventStore
from kiosk.store.reader import (
    CALLED,
    CANCELLED,
    DONE,
    EVALUATED,
    EXPIRED,
    ISSUED,
    NO_SHOW,
    OVERDUE,
    STARTED,
    TRANSFERRED,
    EventLogReader,
    ReportRow,
)
from kiosk.store.summary_cache import FILE as SUMMARY_FILE
from kiosk.store.summary_cache import SummaryCache


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def p90(values: list[float]) -> float | None:
    """Nearest-rank 90th percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)], 1)


@dataclass
class _Group:
    """Running figures of one service, counter, staff member, day or the whole period."""

    tickets: int = 0
    done: int = 0
    no_show: int = 0
    transferred: int = 0
    expired: int = 0
    cancelled: int = 0
    waits: list[float] = field(default_factory=list)
    within: int = 0
    service_s: list[float] = field(default_factory=list)
    overdue: int = 0
    scores: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])  # by score 0..4

    def figures(self) -> dict[str, Any]:
        rated = sum(self.scores[1:])
        return {
            "tickets": self.tickets,
            "done": self.done,
            "no_show": self.no_show,
            "transferred": self.transferred,
            "expired": self.expired,
            "cancelled": self.cancelled,
            "mean_wait_s": _mean(self.waits),
            "p90_wait_s": p90(self.waits),
            "within_target": round(self.within / len(self.waits), 3) if self.waits else None,
            "mean_service_s": _mean(self.service_s),
            "p90_service_s": p90(self.service_s),
            "overdue": self.overdue,
            "satisfaction": (
                round((self.scores[1] + self.scores[2]) / rated, 3) if rated else None
            ),
            "rated": rated,
            "not_rated": self.scores[0],
            "scores": {str(s): self.scores[s] for s in range(1, 5)},
        }

    _COUNTS = (
        "tickets",
        "done",
        "no_show",
        "transferred",
        "expired",
        "cancelled",
        "within",
        "overdue",
    )

    @property
    def empty(self) -> bool:
        return not (
            any(getattr(self, k) for k in self._COUNTS)
            or any(self.scores)
            or self.waits
            or self.service_s
        )

    def to_state(self) -> list[Any]:
        return [*(getattr(self, k) for k in self._COUNTS), self.scores, self.waits, self.service_s]

    @classmethod
    def from_state(cls, state: list[Any]) -> _Group:
        g = cls()
        n = len(cls._COUNTS)
        for k, v in zip(cls._COUNTS, state[:n], strict=True):
            setattr(g, k, v)
        g.scores, g.waits, g.service_s = list(state[n]), state[n + 1], state[n + 2]
        return g

    def merge(self, other: _Group) -> None:
        for k in self._COUNTS:
            setattr(self, k, getattr(self, k) + getattr(other, k))
        self.scores = [a + b for a, b in zip(self.scores, other.scores, strict=True)]
        self.waits.extend(other.waits)
        self.service_s.extend(other.service_s)


class _Ticket:
    """What the pass remembers of one ticket."""

    __slots__ = (
        "began",
        "cg",
        "counter",
        "day",
        "first",
        "groups",
        "issued",
        "original",
        "overdue",
        "seen",
        "service",
        "sg",
        "staff",
        "started",
    )

    def __init__(self, issued: float, service: str, day: _Group) -> None:
        self.issued = issued
        self.service = service  # where it queues or is served now
        self.original = service
        self.day = day
        self.began: float | None = None  # the serving session's start (or its call)
        self.started = False  # the session has a ticket.started (the time limit runs)
        self.overdue = False  # this session was already counted past its limit
        self.counter: int | None = None
        self.staff = ""
        self.cg: _Group | None = None  # the session's counter and staff groups
        self.sg: _Group | None = None
        self.groups: tuple[_Group, ...] | None = None  # every group the session counts for
        self.first: tuple[int, str] | None = None  # counter and staff of its first call
        self.seen: set[object] | None = None  # counters and staff it met, after a second call


class _Tally:
    def __init__(self, rules: QueueRules) -> None:
        self.rules = rules
        self.total = _Group()
        self.services: dict[str, _Group] = {code: _Group() for code in rules.services}
        self.counters: dict[int, _Group] = {n: _Group() for n in rules.counters}
        self.staff: dict[str, _Group] = {}
        self.days: dict[str, _Group] = {}
        self.hourly: list[int] = [0] * 24
        self.day_hourly: dict[str, list[int]] = {}
        self.limits = {code: s.time_limit_s for code, s in rules.services.items()}
        self.targets = {code: s.target_wait_s for code, s in rules.services.items()}

    def _service(self, code: str) -> _Group:
        g = self.services.get(code)
        if g is None:  # a service removed from the config since
            g = self.services[code] = _Group()
        return g

    def _counter(self, n: int) -> _Group:
        g = self.counters.get(n)
        if g is None:
            g = self.counters[n] = _Group()
        return g

    def _staff(self, number: str) -> _Group:
        g = self.staff.get(number)
        if g is None:
            g = self.staff[number] = _Group()
        return g

    def _session(self, t: _Ticket) -> tuple[_Group, ...]:
        """The groups a serving-session event counts for."""
        if t.groups is not None:
            return t.groups
        if t.cg is None or t.sg is None:
            return (self._service(t.service), t.day, self.total)
        return (self._service(t.service), t.day, self.total, t.cg, t.sg)

    def _past_limit(self, t: _Ticket, now: float) -> bool:
        if t.overdue or not t.started or t.began is None:
            return False
        limit = self.limits.get(t.service)
        return limit is not None and now - t.began > limit

    def _count_overdue(self, t: _Ticket) -> None:
        t.overdue = True
        for g in self._session(t):
            g.overdue += 1

    def _day(self, ticket: str) -> tuple[_Group, list[int]]:
        key = f"{ticket[:4]}-{ticket[4:6]}-{ticket[6:8]}"
        day = self.days.get(key)
        if day is None:
            day = self.days[key] = _Group()
            self.day_hourly[key] = [0] * 24
        return day, self.day_hourly[key]

    def day_state(self) -> dict[str, Any]:
        """A one-day tally as JSON-ready data (for the cache of closed days)."""
        groups = {"total": self.total.to_state()}
        groups |= {f"s:{k}": g.to_state() for k, g in self.services.items() if not g.empty}
        groups |= {f"c:{k}": g.to_state() for k, g in self.counters.items() if not g.empty}
        groups |= {f"p:{k}": g.to_state() for k, g in self.staff.items() if not g.empty}
        return {"groups": groups, "hourly": self.hourly}

    def add_day(self, day: str, state: dict[str, Any]) -> None:
        """Merge in one day (a :meth:`day_state`)."""
        for key, raw in state["groups"].items():
            g = _Group.from_state(raw)
            kind, _, name = key.partition(":")
            if kind == "total":
                self.total.merge(g)
                self.days[day] = _Group.from_state(raw)
            elif kind == "s":
                self._service(name).merge(g)
            elif kind == "c":
                self._counter(int(name)).merge(g)
            else:
                self._staff(name).merge(g)
        hourly = list(state["hourly"])
        self.day_hourly[day] = hourly
        self.hourly = [a + b for a, b in zip(self.hourly, hourly, strict=True)]

    def feed(self, rows: Iterable[ReportRow]) -> None:
        """One pass over (kind, ticket, counter, seconds, field) rows in log order. An issue
        starts a ticket; every later row goes to the handler of its kind (a table lookup, the
        pass stays one loop)."""
        tickets: dict[str, _Ticket] = {}
        handlers = self._handlers()
        for kind, tid, counter, t, x in rows:
            if kind == ISSUED:
                self._issued(tickets, tid, t, x)
                continue
            tk = tickets.get(tid)
            if tk is not None:  # else its issue is outside the period or the log was cut
                handlers[kind](tk, counter, t, x)

    def _handlers(self) -> dict[int, Callable[[_Ticket, int | None, float, Any], None]]:
        return {
            CALLED: self._called,
            STARTED: self._started,
            DONE: self._done,
            EVALUATED: self._evaluated,
            NO_SHOW: self._no_show,
            TRANSFERRED: self._transferred,
            OVERDUE: self._overdue,
            EXPIRED: self._expired,
            CANCELLED: self._cancelled,
        }

    def _issued(self, tickets: dict[str, _Ticket], tid: str, t: float, hour: Any) -> None:
        code = tid[9]  # the id is YYYYMMDD-A001: the prefix is the service
        day, hourly = self._day(tid)
        tickets[tid] = _Ticket(t, code, day)
        self._service(code).tickets += 1
        day.tickets += 1
        self.total.tickets += 1
        if hour is not None and 0 <= hour < 24:
            self.hourly[hour] += 1
            hourly[hour] += 1

    def _called(self, tk: _Ticket, counter: int | None, t: float, x: Any) -> None:
        if counter is None:
            return  # a call always names its counter (the column may be NULL)
        staff = x or ""
        cg = self._counter(counter)
        sg = self._staff(staff)
        if tk.first is None:
            self._first_call(tk, counter, staff, cg, sg, t)
        else:
            self._later_call(tk, counter, staff, cg, sg)
        tk.counter, tk.staff, tk.cg, tk.sg = counter, staff, cg, sg
        tk.groups = (self._service(tk.service), tk.day, self.total, cg, sg)
        tk.began = t
        tk.started = False
        tk.overdue = False

    def _first_call(
        self, tk: _Ticket, counter: int, staff: str, cg: _Group, sg: _Group, t: float
    ) -> None:
        """The first call: the ticket's wait, and one ticket each for counter and staff."""
        tk.first = (counter, staff)
        cg.tickets += 1
        sg.tickets += 1
        wait = t - tk.issued
        within = wait <= self.targets.get(tk.original, 0)
        for g in (self._service(tk.original), tk.day, self.total, sg, cg):
            g.waits.append(wait)
            if within:
                g.within += 1

    @staticmethod
    def _later_call(tk: _Ticket, counter: int, staff: str, cg: _Group, sg: _Group) -> None:
        """A call after a transfer or reinstatement: counted once per counter and staff."""
        assert tk.first is not None
        seen = tk.seen
        if seen is None:
            seen = tk.seen = {tk.first[0], f"s:{tk.first[1]}"}
        if counter not in seen:
            seen.add(counter)
            cg.tickets += 1
        if f"s:{staff}" not in seen:
            seen.add(f"s:{staff}")
            sg.tickets += 1

    def _started(self, tk: _Ticket, counter: int | None, t: float, x: Any) -> None:
        tk.began = t
        tk.started = True
        if x and x != tk.staff:
            tk.staff = x
            tk.sg = self._staff(x)
            tk.groups = None

    def _done(self, tk: _Ticket, counter: int | None, t: float, x: Any) -> None:
        began = tk.began
        if self._past_limit(tk, t):
            self._count_overdue(tk)
        for g in tk.groups or self._session(tk):
            g.done += 1
            if began is not None:
                g.service_s.append(t - began)
        tk.began = None

    def _evaluated(self, tk: _Ticket, counter: int | None, t: float, x: Any) -> None:
        score = int(x or 0)
        if not 0 <= score <= 4:
            return
        rated = [self._service(tk.service), tk.day, self.total]
        if counter is not None and counter != tk.counter:
            rated += [self._counter(counter), self._staff(tk.staff)]
        elif tk.cg is not None and tk.sg is not None:
            rated += [tk.cg, tk.sg]
        for g in rated:
            g.scores[score] += 1

    def _no_show(self, tk: _Ticket, counter: int | None, t: float, x: Any) -> None:
        for g in self._session(tk):
            g.no_show += 1
        tk.began = None

    def _transferred(self, tk: _Ticket, counter: int | None, t: float, x: Any) -> None:
        if self._past_limit(tk, t):
            self._count_overdue(tk)
        for g in self._session(tk):
            g.transferred += 1
        if x:
            tk.service = x
        tk.groups = None
        tk.began = None
        tk.started = False
        tk.overdue = False

    def _overdue(self, tk: _Ticket, counter: int | None, t: float, x: Any) -> None:
        if not tk.overdue:
            self._count_overdue(tk)

    def _expired(self, tk: _Ticket, counter: int | None, t: float, x: Any) -> None:
        for g in (self._service(tk.service), tk.day, self.total):
            g.expired += 1

    def _cancelled(self, tk: _Ticket, counter: int | None, t: float, x: Any) -> None:
        for g in (self._service(tk.service), tk.day, self.total):
            g.cancelled += 1


def _store_path(store: EventStore | Path | str) -> Path:
    return store.path if isinstance(store, EventStore) else Path(store)


class DayCache:
    """Figures of closed days, kept beside the store (``hall-reports.db``, a
    :class:`kiosk.store.summary_cache.SummaryCache`, which says why it lives in the store).

    A day that was closed in full (nothing of it open any more) can never change, so its
    one-day tally is computed once and kept; a month or a quarter then merges kept days
    instead of reading every event again. The key holds what the figures depend on (the
    services' targets and limits, the counters, this code's version): change any and the
    kept days are recomputed. Only a convenience: a store that cannot be written (a report
    run by another user) just computes everything.
    """

    VERSION = 1
    FILE = SUMMARY_FILE

    def __init__(self, store: Path, rules: QueueRules) -> None:
        self.store = store
        self._cache = SummaryCache(store)
        self.path = self._cache.path
        spec = {
            "v": self.VERSION,
            "services": sorted(
                (c, s.target_wait_s, s.time_limit_s) for c, s in rules.services.items()
            ),
            "counters": sorted(rules.counters),
        }
        self.key = hashlib.sha256(json.dumps(spec).encode()).hexdigest()[:16]

    def get(self, first: date, last: date) -> dict[str, dict[str, Any]]:
        return self._cache.get(self.key, first, last)

    def put(self, states: dict[str, dict[str, Any]]) -> None:
        self._cache.put(self.key, states)


def closed_days(path: Path, first: date, last: date) -> set[str]:
    """Days of the period closed in full (the daily close left nothing open), ISO dates."""
    with EventLogReader(path) as reader:
        return {d.isoformat() for d in reader.closed_days(first, last)}


def _tally(store: EventStore | Path | str, rules: QueueRules, first: date, last: date) -> _Tally:
    tally = _Tally(rules)
    path = _store_path(store)
    if not path.exists():
        return tally
    cache = DayCache(path, rules)
    kept = cache.get(first, last)
    fresh: dict[str, dict[str, Any]] = {}
    with EventLogReader(path) as reader:
        closed = reader.closed_days(first, last) if len(kept) < (last - first).days + 1 else set()
        day = first
        while day <= last:
            key = day.isoformat()
            state = kept.get(key)
            if state is None:
                one = _Tally(rules)
                one.feed(reader.report_rows(day, day))
                state = one.day_state()
                if day in closed:
                    fresh[key] = state
            tally.add_day(key, state)
            day += timedelta(days=1)
    cache.put(fresh)
    return tally


def _rows(
    tally: _Tally, rules: QueueRules, staff_names: Mapping[str, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    services = []
    for code, g in tally.services.items():
        spec = rules.services.get(code)
        f = g.figures()
        services.append(
            {
                "service": code,
                "name": spec.name if spec else code,
                "name_en": spec.name_en if spec else code,
                "issued": f["tickets"],
                **f,
                "target_wait_s": spec.target_wait_s if spec else None,
                "time_limit_s": spec.time_limit_s if spec else None,
            }
        )
    counters = []
    for n in sorted(tally.counters):
        cdef = rules.counters.get(n)
        counters.append(
            {
                "counter": n,
                "name": cdef.name if cdef else f"{n}号窗口",
                "services": list(cdef.services) if cdef else [],
                **tally.counters[n].figures(),
            }
        )
    staff = [
        {"staff": number, "name": staff_names.get(number), **tally.staff[number].figures()}
        for number in sorted(tally.staff, key=lambda s: (s == "", s))
    ]
    return services, counters, staff


def _summary(g: _Group) -> dict[str, Any]:
    f = g.figures()
    return {
        "issued": f["tickets"],
        "done": f["done"],
        "no_show": f["no_show"],
        "transferred": f["transferred"],
        "expired": f["expired"],
        "cancelled": f["cancelled"],
        "mean_wait_s": f["mean_wait_s"],
        "p90_wait_s": f["p90_wait_s"],
        "within_target": f["within_target"],
        "mean_service_s": f["mean_service_s"],
        "p90_service_s": f["p90_service_s"],
        "overdue": f["overdue"],
        "satisfaction": f["satisfaction"],
        "rated": f["rated"],
        "not_rated": f["not_rated"],
    }


def daily_report(
    store: EventStore | Path | str,
    rules: QueueRules,
    day: date,
    *,
    staff_names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A day's figures: the whole hall, per service, per counter, per staff member, and the
    arrivals per hour."""
    tally = _tally(store, rules, day, day)
    services, counters, staff = _rows(tally, rules, staff_names or {})
    return {
        "date": day.isoformat(),
        **_summary(tally.total),
        "services": services,
        "counters": counters,
        "staff": staff,
        "hourly_arrivals": tally.hourly,
    }


def month_bounds(month: str) -> tuple[date, date]:
    """``2026-11`` → (first day, last day); ValueError when it is not a month."""
    first = date.fromisoformat(f"{month}-01")
    nxt = (
        first.replace(year=first.year + 1, month=1)
        if first.month == 12
        else first.replace(month=first.month + 1)
    )
    return first, nxt - timedelta(days=1)


def period_report(
    store: EventStore | Path | str,
    rules: QueueRules,
    first: date,
    last: date,
    *,
    staff_names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Figures over a range of days (a month, a quarter): the totals, per service, counter
    and staff member, one row per day, arrivals per hour of day summed over the period, and
    the arrivals of every day by hour (the month's first and last days are the peaks)."""
    if last < first:
        raise ValueError("the period ends before it begins")
    tally = _tally(store, rules, first, last)
    services, counters, staff = _rows(tally, rules, staff_names or {})
    days = []
    d = first
    while d <= last:
        key = d.isoformat()
        g = tally.days.get(key, _Group())
        days.append(
            {
                "date": key,
                **_summary(g),
                "hourly_arrivals": tally.day_hourly.get(key, [0] * 24),
            }
        )
        d += timedelta(days=1)
    open_days = sum(1 for row in days if row["issued"])
    return {
        "first": first.isoformat(),
        "last": last.isoformat(),
        "open_days": open_days,
        **_summary(tally.total),
        "services": services,
        "counters": counters,
        "staff": staff,
        "hourly_arrivals": tally.hourly,
        "days": days,
    }


def month_report(
    store: EventStore | Path | str,
    rules: QueueRules,
    month: str,
    *,
    staff_names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    first, last = month_bounds(month)
    return {"month": month, **period_report(store, rules, first, last, staff_names=staff_names)}


def empty_figures() -> dict[str, Any]:
    """The figures of a group with nothing in it (a staff member with no ticket today)."""
    return _Group().figures()
