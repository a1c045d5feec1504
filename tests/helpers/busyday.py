"""Days of hall events generated with known answers, for the report tests and the bench.

Each ticket's story is drawn first (service, counter, staff, wait, service time, outcome,
rating); the events are written from the stories, and the expected figures are computed from
the stories too, by a separate, plain route. A report that agrees with them read the events
right.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.queue import QueueRules
from kiosk.queue import events as ev

TZ = ZoneInfo("Asia/Shanghai")
MIX = {"A": 0.45, "B": 0.10, "C": 0.10, "D": 0.20, "E": 0.15}
MEAN_SERVICE_S = {"A": 200, "B": 800, "C": 600, "D": 240, "E": 420}


def staff_at(counter: int, when: datetime) -> str:
    """Two shifts per counter: 10c1 in the morning, 10c2 from 13:00 (the demo staff)."""
    return f"10{counter}{1 if when.hour < 13 else 2}"


@dataclass
class Session:
    """One stretch of a ticket at one counter."""

    counter: int
    staff: str  # "" when the call recorded nobody (a pad without a login)
    service: str
    called: datetime
    started: datetime | None
    end: datetime | None
    outcome: str  # done | no_show | transferred | open
    overdue_event: bool = False
    to_service: str | None = None


@dataclass
class Story:
    ticket: str
    number: str
    service: str
    issued: datetime
    sessions: list[Session] = field(default_factory=list)
    ending: str | None = None  # expired | cancelled (never called)
    score: int | None = None
    score_counter: int | None = None


def _issued_event(at: datetime, ticket: str, number: str, service: str, serial: int) -> ev.Event:
    # Through the stored form, so it works whatever the serial field is called this week.
    data = {
        "ticket": ticket,
        "number": number,
        "service": service,
        "day": at.date().isoformat(),
        "seq": serial,
        "serial": serial,
    }
    return ev.Event.from_data(ev.TicketIssued.TYPE, at, data)


def arrivals_weight(hour: float, day: date) -> float:
    """Morning and afternoon peaks; the month's first and last days are twice as busy."""
    base = (
        1.0 if hour < 9 else 1.8 if hour < 11 else 0.9 if hour < 13.5 else 1.5 if hour < 16 else 0.6
    )
    nxt = day + timedelta(days=1)
    return base * (2.0 if day.day == 1 or nxt.day == 1 else 1.0)


def generate_day(rules: QueueRules, day: date, tickets: int, seed: int = 1) -> list[Story]:
    rng = random.Random(seed * 1_000_003 + day.toordinal())
    open_at = datetime(day.year, day.month, day.day, 8, 30, tzinfo=TZ)
    minutes = 8 * 60
    weights = [arrivals_weight(8.5 + m / 60, day) for m in range(minutes)]
    offsets = sorted(rng.choices(range(minutes), weights=weights, k=tickets))
    serial: dict[str, int] = defaultdict(int)
    stories = []
    for minute in offsets:
        service = rng.choices(list(MIX), weights=list(MIX.values()))[0]
        serial[service] += 1
        if serial[service] > 999:
            continue
        number = f"{service}{serial[service]:03d}"
        issued = open_at + timedelta(minutes=minute, seconds=rng.randrange(60))
        story = Story(f"{day:%Y%m%d}-{number}", number, service, issued)
        stories.append(story)
        fate = rng.random()
        if fate < 0.03:
            story.ending = "expired"
            continue
        if fate < 0.05:
            story.ending = "cancelled"
            continue
        t = issued + timedelta(seconds=rng.randrange(0, 2400))
        here = service
        counters = [n for n, c in rules.counters.items() if here in c.services]
        counter = rng.choice(counters)
        staff = "" if rng.random() < 0.05 else staff_at(counter, t)
        if fate < 0.11:  # no-show; a third come back and are served after all
            story.sessions.append(
                Session(counter, staff, here, t, None, t + timedelta(seconds=90), "no_show")
            )
            if rng.random() < 0.66:
                continue
            t += timedelta(seconds=rng.randrange(300, 1200))
            counter = rng.choice(counters)
            staff = staff_at(counter, t)
        if 0.11 <= fate < 0.16:  # transferred after some service, then served elsewhere
            started = t + timedelta(seconds=rng.randrange(10, 60))
            end = started + timedelta(seconds=rng.randrange(30, 400))
            to = rng.choice([s for s in rules.services if s != here])
            story.sessions.append(
                Session(counter, staff, here, t, started, end, "transferred", to_service=to)
            )
            here = to
            t = end + timedelta(seconds=rng.randrange(30, 1200))
            counters = [n for n, c in rules.counters.items() if here in c.services]
            counter = rng.choice(counters)
            staff = staff_at(counter, t)
        skip_start = rng.random() < 0.05
        started_at = None if skip_start else t + timedelta(seconds=rng.randrange(10, 60))
        duration = max(20, round(rng.lognormvariate(math.log(MEAN_SERVICE_S[here]), 0.5)))
        begin = started_at or t
        end_at = begin + timedelta(seconds=duration)
        limit = rules.services[here].time_limit_s
        overdue_event = (
            started_at is not None and limit is not None and duration > limit and rng.random() < 0.5
        )
        story.sessions.append(
            Session(
                counter, staff, here, t, started_at, end_at, "done", overdue_event=overdue_event
            )
        )
        r = rng.random()
        if r < 0.7:
            story.score = rng.choice([1, 1, 1, 2, 2, 3, 4])
            story.score_counter = counter
        elif r < 0.8:
            story.score = 0  # the evaluator timed out: not rated
            story.score_counter = counter
    return stories


def events_of(rules: QueueRules, stories: list[Story], *, closed: bool = True) -> list[ev.Event]:
    """The stories as the hall would have logged them, in time order, ending with the daily
    close (``closed``) the next morning."""
    timed: list[tuple[datetime, int, ev.Event]] = []
    order = 0

    def add(e: ev.Event) -> None:
        nonlocal order
        order += 1
        timed.append((e.at, order, e))

    for s in stories:
        serial = int(s.number[1:])
        add(_issued_event(s.issued, s.ticket, s.number, s.service, serial))
        add(ev.TicketPrinted(at=s.issued + timedelta(seconds=1), ticket=s.ticket, bytes=320))
        if s.ending == "expired":
            close = s.issued.replace(hour=17, minute=0, second=0)
            add(ev.TicketExpired(at=max(close, s.issued), ticket=s.ticket))
            continue
        if s.ending == "cancelled":
            add(ev.TicketCancelled(at=s.issued + timedelta(seconds=300), ticket=s.ticket))
            continue
        reinstate = False
        for sess in s.sessions:
            if reinstate:
                add(ev.TicketReinstated(at=sess.called - timedelta(seconds=60), ticket=s.ticket))
                reinstate = False
            add(
                ev.TicketCalled(
                    at=sess.called, ticket=s.ticket, counter=sess.counter, staff=sess.staff or None
                )
            )
            if sess.outcome == "no_show":
                add(
                    ev.TicketRecalled(
                        at=sess.called + timedelta(seconds=45),
                        ticket=s.ticket,
                        counter=sess.counter,
                        recall=1,
                    )
                )
                assert sess.end is not None
                add(ev.TicketNoShow(at=sess.end, ticket=s.ticket, counter=sess.counter))
                reinstate = True
                continue
            if sess.started is not None:
                add(
                    ev.TicketStarted(
                        at=sess.started,
                        ticket=s.ticket,
                        counter=sess.counter,
                        staff=sess.staff or None,
                    )
                )
            if sess.overdue_event:
                assert sess.started is not None
                limit = rules.services[sess.service].time_limit_s
                assert limit is not None
                add(
                    ev.TicketOverdue(
                        at=sess.started + timedelta(seconds=limit + 1),
                        ticket=s.ticket,
                        counter=sess.counter,
                        limit_s=limit,
                    )
                )
            assert sess.end is not None
            if sess.outcome == "transferred":
                add(
                    ev.TicketTransferred(
                        at=sess.end,
                        ticket=s.ticket,
                        counter=sess.counter,
                        to_service=sess.to_service,
                        reason="转其他业务",
                    )
                )
            else:
                add(ev.TicketDone(at=sess.end, ticket=s.ticket, counter=sess.counter))
        if s.score is not None:
            last = s.sessions[-1]
            assert last.end is not None
            add(ev.EvaluationRequested(at=last.end, ticket=s.ticket, counter=last.counter))
            add(
                ev.TicketEvaluated(
                    at=last.end + timedelta(seconds=8),
                    ticket=s.ticket,
                    score=s.score,
                    counter=s.score_counter,
                    source="evaluator",
                )
            )
    timed.sort(key=lambda x: (x[0], x[1]))
    out = [e for _, _, e in timed]
    if closed and stories:
        day = stories[0].issued.date()
        close_at = datetime(day.year, day.month, day.day, tzinfo=TZ) + timedelta(days=1, hours=8)
        out.append(ev.DayClosed(at=close_at, day=day, full=True, automatic=True))
    return out


# ------------------------------------------------------------------ the known answers


class _Expect:
    def __init__(self) -> None:
        self.tickets = 0
        self.done = self.no_show = self.transferred = self.expired = self.cancelled = 0
        self.waits: list[float] = []
        self.within = 0
        self.service_s: list[float] = []
        self.overdue = 0
        self.scores = [0] * 5

    def out(self) -> dict[str, Any]:
        def mean(v: list[float]) -> float | None:
            return round(sum(v) / len(v), 1) if v else None

        def p90(v: list[float]) -> float | None:
            return round(sorted(v)[math.ceil(0.9 * len(v)) - 1], 1) if v else None

        rated = sum(self.scores[1:])
        return {
            "tickets": self.tickets,
            "done": self.done,
            "no_show": self.no_show,
            "transferred": self.transferred,
            "expired": self.expired,
            "cancelled": self.cancelled,
            "mean_wait_s": mean(self.waits),
            "p90_wait_s": p90(self.waits),
            "within_target": round(self.within / len(self.waits), 3) if self.waits else None,
            "mean_service_s": mean(self.service_s),
            "p90_service_s": p90(self.service_s),
            "overdue": self.overdue,
            "satisfaction": round((self.scores[1] + self.scores[2]) / rated, 3) if rated else None,
            "rated": rated,
            "not_rated": self.scores[0],
        }


def expected(rules: QueueRules, stories: list[Story]) -> dict[str, Any]:
    """The figures, straight from the stories."""
    total = _Expect()
    services: dict[str, _Expect] = defaultdict(_Expect)
    counters: dict[int, _Expect] = defaultdict(_Expect)
    staff: dict[str, _Expect] = defaultdict(_Expect)
    hourly = [0] * 24
    for s in stories:
        hourly[s.issued.hour] += 1
        total.tickets += 1
        services[s.service].tickets += 1
        if s.ending:
            for g in (total, services[s.service]):
                setattr(g, s.ending, getattr(g, s.ending) + 1)
            continue
        first = s.sessions[0]
        wait = (first.called - s.issued).total_seconds()
        within = wait <= rules.services[s.service].target_wait_s
        for g in (total, services[s.service], counters[first.counter], staff[first.staff]):
            g.waits.append(wait)
            g.within += within
        seen_c: set[int] = set()
        seen_s: set[str] = set()
        for sess in s.sessions:
            if sess.counter not in seen_c:
                seen_c.add(sess.counter)
                counters[sess.counter].tickets += 1
            if sess.staff not in seen_s:
                seen_s.add(sess.staff)
                staff[sess.staff].tickets += 1
            groups = (total, services[sess.service], counters[sess.counter], staff[sess.staff])
            assert sess.end is not None
            begin = sess.started or sess.called
            limit = rules.services[sess.service].time_limit_s
            past = (
                sess.started is not None
                and limit is not None
                and (sess.end - sess.started).total_seconds() > limit
            )
            for g in groups:
                if sess.outcome == "done":
                    g.done += 1
                    g.service_s.append((sess.end - begin).total_seconds())
                elif sess.outcome == "no_show":
                    g.no_show += 1
                elif sess.outcome == "transferred":
                    g.transferred += 1
                if past and sess.outcome in ("done", "transferred"):
                    g.overdue += 1
        if s.score is not None:
            last = s.sessions[-1]
            for g in (total, services[last.service], counters[last.counter], staff[last.staff]):
                g.scores[s.score] += 1
    return {
        "total": total.out(),
        "services": {k: v.out() for k, v in services.items()},
        "counters": {k: v.out() for k, v in counters.items()},
        "staff": {k: v.out() for k, v in staff.items()},
        "hourly_arrivals": hourly,
    }
