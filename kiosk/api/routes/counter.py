"""Routes of the soft caller (``kiosk counter``) and the manager's reports.

- Staff log in at a counter with their number and PIN, checked against the salted hash in
  the config (``[[staff]]``). Five wrong PINs in a row lock that staff number for five
  minutes (hall time). One staff member per counter and one counter per staff member: the
  queue rules refuse the rest (:meth:`kiosk.queue.Queue.login`).
- The counter's status: what the soft caller shows (current ticket with the masked personal
  data staff need, the service's time limit, who waits, who is logged in, whether the
  counter's evaluator is there).
- The touch evaluation: the soft caller's customer-facing prompt records a score, or 0 ("not
  rated") when the customer let it time out; source ``touch``.
- Today's own figures, and the month report (the daily report is a core route).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from fastapi import Depends, FastAPI, Query

from kiosk.api import models as m
from kiosk.api.app import ERROR_RESPONSES, ApiContext, ApiError, Principal
from kiosk.config import StaffSettings
from kiosk.hall.auth import verify_pin
from kiosk.hall.bus import Published
from kiosk.hall.reports import DayCache, closed_days, daily_report, month_report
from kiosk.hall.service import Hall
from kiosk.queue import events as ev

log = logging.getLogger("kiosk.api.counter")

PREFIX = "/api/v1"

MAX_PIN_FAILURES = 5
LOCKOUT_S = 300
NEXT_SHOWN = 5
WARM_DAYS = 92  # a quarter: the month views a manager asks for are then read from summaries

RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    429: {"model": m.ErrorOut, "description": "Too many wrong PINs: locked for a while"},
}


@dataclass
class _Failures:
    count: int = 0
    locked_until: datetime | None = None


class LoginGuard:
    """Wrong-PIN counting per staff number, on the hall's clock."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now
        self._lock = threading.Lock()
        self._failures: dict[str, _Failures] = {}

    def check(self, staff: str) -> None:
        with self._lock:
            f = self._failures.get(staff)
            if f is None or f.locked_until is None:
                return
            left = (f.locked_until - self._now()).total_seconds()
            if left <= 0:
                self._failures.pop(staff, None)
                return
        raise ApiError(
            429,
            "login_locked",
            "密码错误次数过多，工号{staff}已锁定，请{minutes}分钟后再试",
            staff=staff,
            minutes=max(1, round(left / 60)),
        )

    def failed(self, staff: str) -> int:
        """Count a wrong PIN; returns the tries left before the lock (0: locked now)."""
        with self._lock:
            f = self._failures.setdefault(staff, _Failures())
            f.count += 1
            if f.count >= MAX_PIN_FAILURES:
                f.locked_until = self._now() + timedelta(seconds=LOCKOUT_S)
                return 0
            return MAX_PIN_FAILURES - f.count

    def succeeded(self, staff: str) -> None:
        with self._lock:
            self._failures.pop(staff, None)


def _hall_locked(hall: Hall) -> AbstractContextManager[None]:
    """Read the queue consistently: requests of other threads change it under this lock."""
    return hall.reading()


def _commit(hall: Hall, decide: Callable[[datetime], list[ev.Event]]) -> None:
    """The hall's write path (rollover, decide, group commit, publish) for the staff events."""
    hall.run(decide)


def _staff_by_number(hall: Hall) -> dict[str, StaffSettings]:
    return {s.number: s for s in hall.config.staff}


def _staff_out(hall: Hall, number: str | None) -> dict[str, str] | None:
    if number is None:
        return None
    s = _staff_by_number(hall).get(number)
    return {"number": number, "name": s.name if s else ""}


def _counter_exists(hall: Hall, counter: int) -> None:
    hall.queue.counter_def(counter)  # UnknownCounter (404) when there is none


def _summarise_closed_day(hall: Hall, day: date) -> None:
    """Keep a closed day's figures (kiosk.reports.DayCache), off the request threads, so
    the month view reads one summary per day instead of every event."""

    def run() -> None:
        try:
            daily_report(hall.store.path, hall.rules, day)
        except Exception as exc:  # a convenience only: the report computes without it
            log.debug("day %s not summarised: %s", day, exc)

    threading.Thread(target=run, name="report-summary", daemon=True).start()


def _summarise_recent_days(hall: Hall, days: int = WARM_DAYS) -> None:
    """At start: closed days of the last quarter that have no summary yet (a new install,
    an upgrade that changed the figures) get one, a day at a time, in the background."""

    def run() -> None:
        try:
            path = hall.store.path
            last = hall.clock.now().date()
            first = last - timedelta(days=days)
            kept = DayCache(path, hall.rules).get(first, last)
            for key in sorted(closed_days(path, first, last) - set(kept), reverse=True):
                daily_report(path, hall.rules, date.fromisoformat(key))
                time.sleep(0.05)  # let the hall's requests through between days
        except Exception as exc:
            log.debug("recent days not summarised: %s", exc)

    threading.Thread(target=run, name="report-warm-up", daemon=True).start()


def register(app: FastAPI, ctx: ApiContext) -> None:
    hall = ctx.hall
    guard = LoginGuard(hall.clock.now)
    counter_role = Depends(ctx.allow("counter"))

    def on_hall_event(item: Published) -> None:
        m = item.message
        if item.type == ev.DayClosed.TYPE and m.get("full"):
            _summarise_closed_day(hall, date.fromisoformat(m["day"]))

    hall.bus.subscribe(on_hall_event)
    _summarise_recent_days(hall)

    def evaluator_online(counter: int) -> bool:
        addresses = {
            d.address
            for d in hall.config.hallbus.devices
            if d.role == "evaluator" and d.counter == counter
        }
        if not addresses or ctx.devices is None or ctx.devices.hallbus is None:
            return False
        # Unknown (not polled yet) counts as there; only an evaluator known to be offline
        # hands the rating to the soft caller's touch prompt.
        states = {s["name"]: s for s in ctx.devices.snapshot()}
        return any(
            states.get(f"hallbus:{a}", {}).get("detail", "offline") != "offline" for a in addresses
        )

    @app.post(
        f"{PREFIX}/counters/{{counter}}/login",
        response_model=m.LoginOut,
        responses=RESPONSES,
        tags=["counters"],
    )
    def login(counter: int, body: m.LoginIn, who: Principal = counter_role) -> dict[str, Any]:
        """Log a staff member in at the soft caller. Calls and starts at this counter then
        record them (首问负责制). Wrong PINs are counted; five in a row lock the number."""
        ctx.own_counter(who, counter)
        _counter_exists(hall, counter)
        number = body.staff.strip()
        guard.check(number)
        person = _staff_by_number(hall).get(number)
        if person is None or not verify_pin(body.pin, person.pin_hash):
            left = guard.failed(number)
            if left == 0:
                guard.check(number)  # raises: locked now
            raise ApiError(403, "login_failed", "工号或密码不正确，还可再试{left}次", left=left)
        if person.counters and counter not in person.counters:
            raise ApiError(
                403,
                "staff_not_allowed",
                "工号{staff}不能在{counter}号窗口登录",
                staff=number,
                counter=counter,
            )
        _commit(hall, lambda now: hall.queue.login(counter, number, now))
        guard.succeeded(number)
        return {"counter": counter, "staff": _staff_out(hall, number)}

    @app.post(
        f"{PREFIX}/counters/{{counter}}/logout",
        response_model=m.LoginOut,
        responses=RESPONSES,
        tags=["counters"],
    )
    def logout(
        counter: int, body: m.LogoutIn | None = None, who: Principal = counter_role
    ) -> dict[str, Any]:
        """Log the counter's staff member out (refused while a customer is at the counter,
        unless a manager forces it)."""
        ctx.own_counter(who, counter)
        body = body or m.LogoutIn(staff=None, force=False)
        if body.force and who.role != "manager":
            raise ApiError(403, "forbidden", "只有值班经理可以强制退出")
        _commit(
            hall,
            lambda now: hall.queue.logout(counter, now, staff=body.staff, force=body.force),
        )
        return {"counter": counter, "staff": None}

    @app.get(
        f"{PREFIX}/counters/{{counter}}/status",
        response_model=m.CounterStatusOut,
        responses=RESPONSES,
        tags=["counters"],
    )
    def status(counter: int, who: Principal = counter_role) -> dict[str, Any]:
        """What the soft caller shows: the counter, its services with their time limits,
        who is logged in, the current ticket (with the masked personal data staff need) and
        who waits for it."""
        ctx.own_counter(who, counter)
        with _hall_locked(hall):
            cdef = hall.queue.counter_def(counter)
            state = hall.queue.counters[counter]
            cur = hall.queue.current_ticket(counter)
            current = hall.ticket_view(cur.id) if cur else None
            waiting = hall.queue.waiting_for_counter(counter)
            services = [
                hall.rules.services[code] for code in cdef.services if code in hall.rules.services
            ]
            limit = hall.rules.services[cur.service].time_limit_s if cur else None
            logged_in = state.logged_in
            now = hall.clock.now()
            nxt = [
                {
                    "id": t.id,
                    "number": t.number,
                    "service": t.service,
                    "issued_at": t.issued_at.isoformat(),
                    "priority": t.priority.value if t.priority else None,
                }
                for t in waiting[:NEXT_SHOWN]
            ]
        if current is not None:
            current.update(hall.personal_view(current["id"]) or {})
        return {
            "counter": counter,
            "name": cdef.name,
            "services": [
                {
                    "code": s.code,
                    "name": s.name,
                    "name_en": s.name_en,
                    "target_wait_s": s.target_wait_s,
                    "time_limit_s": s.time_limit_s,
                }
                for s in services
            ],
            "state": "paused" if state.paused else ("busy" if cur else "idle"),
            "staff": _staff_out(hall, logged_in),
            "evaluator": evaluator_online(counter),
            "current": current,
            "time_limit_s": limit,
            "waiting": len(waiting),
            "next": nxt,
            "now": now.isoformat(),
        }

    @app.post(
        f"{PREFIX}/counters/{{counter}}/evaluation",
        response_model=m.TicketOut,
        status_code=201,
        responses=RESPONSES,
        tags=["counters"],
    )
    def touch_evaluation(
        counter: int, body: m.TouchEvaluationIn, who: Principal = counter_role
    ) -> dict[str, Any]:
        """The customer's rating from the soft caller's touch prompt (source ``touch``);
        score 0 records "not rated" when the prompt timed out. One per ticket."""
        ctx.own_counter(who, counter)
        ticket = hall.ticket_view(body.ticket)
        if ticket["counter"] != counter:
            raise ApiError(
                403,
                "forbidden",
                "{number}不是在{counter}号窗口办理的",
                number=ticket["number"],
                counter=counter,
            )
        return hall.evaluate(body.ticket, body.score, source="touch")

    @app.get(
        f"{PREFIX}/counters/{{counter}}/today",
        response_model=m.TodayOut,
        responses=RESPONSES,
        tags=["counters"],
    )
    def today(counter: int, who: Principal = counter_role) -> dict[str, Any]:
        """Today's own figures: the logged-in staff member's (else the counter's)."""
        ctx.own_counter(who, counter)
        _counter_exists(hall, counter)
        staff = hall.queue.counters[counter].logged_in
        day = hall.clock.now().date()
        rep = daily_report(hall.store, hall.rules, day)
        row = next(c for c in rep["counters"] if c["counter"] == counter)
        mine = row
        if staff is not None:
            mine = next((s for s in rep["staff"] if s["staff"] == staff), None) or _empty()
        return {
            "date": day.isoformat(),
            "counter": counter,
            "staff": _staff_out(hall, staff),
            "mine": mine,
            "counter_figures": row,
        }

    @app.get(
        f"{PREFIX}/reports/month",
        response_model=m.MonthReportOut,
        responses=RESPONSES,
        tags=["reports"],
    )
    def month(
        value: str | None = Query(None, alias="month", description="YYYY-MM, default this month"),
        who: Principal = Depends(ctx.allow("manage")),
    ) -> dict[str, Any]:
        """A month per day, service, counter and staff member, with arrivals by hour."""
        month_s = value or hall.clock.now().strftime("%Y-%m")
        try:
            return month_report(
                hall.store,
                hall.rules,
                month_s,
                staff_names={s.number: s.name for s in hall.config.staff},
            )
        except ValueError:
            raise ApiError(400, "invalid_request", "月份格式应为 YYYY-MM") from None


def _empty() -> dict[str, Any]:
    return {
        "tickets": 0,
        "done": 0,
        "no_show": 0,
        "transferred": 0,
        "expired": 0,
        "cancelled": 0,
        "mean_wait_s": None,
        "p90_wait_s": None,
        "within_target": None,
        "mean_service_s": None,
        "p90_service_s": None,
        "overdue": 0,
        "satisfaction": None,
        "rated": 0,
        "not_rated": 0,
        "scores": {},
    }
