"""The manager's figures, computed from the event log: a day, a month, any range of days.

One pass over the period's events, read with a single SQL query on a read-only connection of
its own (the hall keeps writing meanwhile; WAL readers never block it). SQLite extracts the
few JSON fields a report needs and turns timestamps into seconds, so Python only walks
tuples: a month of a busy hall (2,000 tickets a day, ~360,000 events) takes well under the
2 s budget (``bench/counter.py``).

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

import math
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from kiosk.queue import QueueRules
from kiosk.store import EventStore

#: Event types a report reads; the rest (printing, devices, logins) carry no figures.
REPORT_TYPES = (
    "ticket.issued",
    "ticket.called",
    "ticket.started",
    "ticket.done",
    "ticket.no_show",
    "ticket.transferred",
    "ticket.expired",
    "ticket.cancelled",
    "ticket.overdue",
    "ticket.evaluated",
)

_SQL = f"""
SELECT day, type, ticket, counter,
       round((julianday(at) - 2440587.5) * 86400.0, 3) AS t,
       CAST(substr(at, 12, 2) AS INTEGER) AS hour,
       CASE type
           WHEN 'ticket.issued' THEN json_extract(data, '$.service')
           WHEN 'ticket.transferred' THEN json_extract(data, '$.to_service')
           WHEN 'ticket.evaluated' THEN json_extract(data, '$.score')
           WHEN 'ticket.called' THEN json_extract(data, '$.staff')
           WHEN 'ticket.started' THEN json_extract(data, '$.staff')
       END AS x
FROM events
WHERE day BETWEEN ? AND ? AND type IN ({", ".join("?" * len(REPORT_TYPES))})
ORDER BY day, seq
"""


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


@dataclass
class _Ticket:
    """What the pass remembers of one ticket while walking its day."""

    issued: float
    service: str  # where it queues or is served now
    original: str
    day: _Group
    called: bool = False
    began: float | None = None  # the serving session's start (or its call)
    started: bool = False  # the session has a ticket.started (the time limit runs)
    overdue: bool = False  # this session was already counted past its limit
    counter: int | None = None
    staff: str = ""
    seen_counters: set[int] = field(default_factory=set)
    seen_staff: set[str] = field(default_factory=set)


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

    def _counter(self, n: int | None) -> _Group | None:
        if n is None:
            return None
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
        """The groups a serving-session event counts for: service, counter, staff, day,
        total."""
        groups = [self._service(t.service), t.day, self.total]
        c = self._counter(t.counter)
        if c is not None:
            groups.append(c)
            groups.append(self._staff(t.staff))
        return tuple(groups)

    def _past_limit(self, t: _Ticket, now: float) -> bool:
        limit = self.limits.get(t.service)
        return (
            not t.overdue
            and t.started
            and t.began is not None
            and limit is not None
            and now - t.began > limit
        )

    def _count_overdue(self, t: _Ticket) -> None:
        t.overdue = True
        for g in self._session(t):
            g.overdue += 1

    def feed(self, rows: Iterable[tuple[Any, ...]]) -> None:
        tickets: dict[str, _Ticket] = {}
        current_day = ""
        day = _Group()
        hourly = [0] * 24
        for day_s, type_, tid, counter, t, hour, x in rows:
            if day_s != current_day:
                current_day = day_s
                tickets = {}  # a ticket's events all belong to its own day
                day = self.days.setdefault(day_s, _Group())
                hourly = self.day_hourly.setdefault(day_s, [0] * 24)
            if type_ == "ticket.issued":
                code = str(x)
                tickets[tid] = _Ticket(issued=t, service=code, original=code, day=day)
                for g in (self._service(code), day, self.total):
                    g.tickets += 1
                if 0 <= hour < 24:
                    self.hourly[hour] += 1
                    hourly[hour] += 1
                continue
            tk = tickets.get(tid)
            if tk is None:
                continue  # its issue is outside the period or the log was cut
            if type_ == "ticket.called":
                tk.counter = counter
                tk.staff = str(x or "")
                cg = self._counter(counter)
                sg = self._staff(tk.staff)
                if cg is not None and counter not in tk.seen_counters:
                    tk.seen_counters.add(counter)
                    cg.tickets += 1
                if tk.staff not in tk.seen_staff:
                    tk.seen_staff.add(tk.staff)
                    sg.tickets += 1
                if not tk.called:
                    tk.called = True
                    wait = t - tk.issued
                    within = wait <= self.targets.get(tk.original, 0)
                    waited = [self._service(tk.original), day, self.total, sg]
                    if cg is not None:
                        waited.append(cg)
                    for g in waited:
                        g.waits.append(wait)
                        if within:
                            g.within += 1
                tk.began = t
                tk.started = False
                tk.overdue = False
            elif type_ == "ticket.started":
                tk.began = t
                tk.started = True
                if x:
                    tk.staff = str(x)
            elif type_ == "ticket.done":
                if self._past_limit(tk, t):
                    self._count_overdue(tk)
                groups = self._session(tk)
                for g in groups:
                    g.done += 1
                if tk.began is not None:
                    duration = t - tk.began
                    for g in groups:
                        g.service_s.append(duration)
                tk.began = None
            elif type_ == "ticket.no_show":
                for g in self._session(tk):
                    g.no_show += 1
                tk.began = None
            elif type_ == "ticket.transferred":
                if self._past_limit(tk, t):
                    self._count_overdue(tk)
                for g in self._session(tk):
                    g.transferred += 1
                if x:
                    tk.service = str(x)
                tk.began = None
                tk.started = False
                tk.overdue = False
            elif type_ == "ticket.overdue":
                if not tk.overdue:
                    self._count_overdue(tk)
            elif type_ == "ticket.evaluated":
                score = int(x or 0)
                if 0 <= score <= 4:
                    rated = [self._service(tk.service), day, self.total]
                    cg = self._counter(counter if counter is not None else tk.counter)
                    if cg is not None:
                        rated += [cg, self._staff(tk.staff)]
                    for g in rated:
                        g.scores[score] += 1
            elif type_ in ("ticket.expired", "ticket.cancelled"):
                attr = "expired" if type_ == "ticket.expired" else "cancelled"
                for g in (self._service(tk.service), day, self.total):
                    setattr(g, attr, getattr(g, attr) + 1)


def _read(path: Path, first: date, last: date) -> list[tuple[Any, ...]]:
    """The period's report events, on a read-only connection of our own."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    try:
        conn.execute("PRAGMA query_only=1")
        return conn.execute(_SQL, (first.isoformat(), last.isoformat(), *REPORT_TYPES)).fetchall()
    finally:
        conn.close()


def _store_path(store: EventStore | Path | str) -> Path:
    return store.path if isinstance(store, EventStore) else Path(store)


def _tally(store: EventStore | Path | str, rules: QueueRules, first: date, last: date) -> _Tally:
    tally = _Tally(rules)
    path = _store_path(store)
    if path.exists():
        tally.feed(_read(path, first, last))
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
