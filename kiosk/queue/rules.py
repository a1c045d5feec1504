"""The queue rules: decisions that return events, and the reducer that applies them.

``decide``-style methods (``issue``, ``call_next``, ``done`` ...) check the request against
the current state and either raise a :class:`~kiosk.queue.errors.QueueError` that says why,
or return the events the request causes. They never change state: the caller makes the events
durable first and then passes each to :meth:`Queue.apply`. Time is always given by the caller.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kiosk.queue import errors as err
from kiosk.queue import events as ev
from kiosk.queue.model import (
    CounterDef,
    CounterState,
    Priority,
    QueueRules,
    SelectionPolicy,
    ServiceTimes,
    Ticket,
    TicketStatus,
)

MAX_SEQ = 999  # prefix + 3 digits: what screens, pads and tickets are sized for


@dataclass(frozen=True)
class WaitEstimate:
    ahead: int  # people who will be called before this ticket
    seconds: int | None  # None when no open counter serves the service
    open_counters: int


@dataclass(frozen=True)
class ServiceSummary:
    service: str
    waiting: int
    estimated_wait_s: int | None
    open_counters: int


def ticket_id(day: date, number: str) -> str:
    return f"{day:%Y%m%d}-{number}"


class Queue:
    """The whole queue of one hall for the current business day."""

    def __init__(self, rules: QueueRules) -> None:
        self.rules = rules
        self.tickets: dict[str, Ticket] = {}
        self.counters: dict[int, CounterState] = {n: CounterState(number=n) for n in rules.counters}
        self.issued: dict[tuple[date, str], int] = {}  # (day, service) -> last seq
        self.day: date | None = None  # the business day of the newest ticket
        self.closed_day: date | None = None
        self.service_times = {
            code: ServiceTimes(window=rules.recent_window) for code in rules.services
        }
        self.last_event_at: datetime | None = None
        self._queue_order = 0
        # Indexes kept by apply(): requests look at what is open, never at the whole day.
        self._waiting: dict[str, Ticket] = {}
        # The waiting tickets per service, under the service they were queued with.
        self._waiting_in: dict[str, dict[str, Ticket]] = {}
        self._queued_with: dict[str, str] = {}
        self._open: dict[str, Ticket] = {}
        self._open_days: dict[date, int] = {}  # open tickets per business day

    def reconfigure(self, rules: QueueRules) -> None:
        """New services and counters, same tickets: nobody waiting is dropped. A ticket whose
        service is gone keeps waiting (staff can transfer it); a removed counter's state is
        kept until its current ticket is finished."""
        self.rules = rules
        for n in rules.counters:
            self.counters.setdefault(n, CounterState(number=n))
        for code in rules.services:
            if code in self.service_times:
                self.service_times[code].window = rules.recent_window
            else:
                self.service_times[code] = ServiceTimes(window=rules.recent_window)

    # ------------------------------------------------------------------ queries

    def ticket(self, ticket_id: str) -> Ticket:
        t = self.tickets.get(ticket_id)
        if t is None:
            raise err.UnknownTicket("没有这张号票：{ticket}", ticket=ticket_id)
        return t

    def counter_def(self, number: int) -> CounterDef:
        c = self.rules.counters.get(number)
        if c is None:
            raise err.UnknownCounter("没有{counter}号窗口", counter=number)
        return c

    def current_ticket(self, counter: int) -> Ticket | None:
        cur = self.counters[counter].current
        return self.tickets[cur] if cur is not None else None

    def waiting(self) -> list[Ticket]:
        return list(self._waiting.values())

    def _sort_key(self, t: Ticket) -> tuple[int, datetime, int]:
        return (t.priority_rank, t.queued_at, t.queue_order)

    def waiting_for_service(self, service: str) -> list[Ticket]:
        """Tickets queueing for ``service`` (not those sent to one counter), in call order."""
        tickets = [
            t
            for t in self._waiting_in.get(service, {}).values()
            if t.service == service and t.target_counter is None
        ]
        return sorted(tickets, key=self._sort_key)

    def open_counters_for(self, service: str) -> list[int]:
        return [
            n
            for n, c in self.rules.counters.items()
            if service in c.services and not self.counters[n].paused
        ]

    def counters_serving(self, service: str) -> list[int]:
        return [n for n, c in self.rules.counters.items() if service in c.services]

    def position(self, ticket_id: str) -> int | None:
        """How many will be called before this ticket; None when it is not waiting."""
        t = self.ticket(ticket_id)
        if t.status is not TicketStatus.WAITING:
            return None
        if t.target_counter is not None:
            mine = [
                x
                for x in self.waiting()
                if x.target_counter == t.target_counter and self._sort_key(x) < self._sort_key(t)
            ]
            return len(mine)
        key = self._sort_key(t)
        return sum(
            1
            for x in self._waiting_in.get(t.service, {}).values()
            if x.service == t.service and x.target_counter is None and self._sort_key(x) < key
        )

    def estimate(self, service: str, ahead: int) -> WaitEstimate:
        """Expected wait for somebody with ``ahead`` people before them in ``service``.

        The open counters serving the service share the people ahead; each takes the mean of
        the service's recent service times (or its configured default before any was
        measured). When every one of those counters is busy, the first free one is on
        average half a service away.
        """
        spec = self.rules.services[service]
        open_ = self.open_counters_for(service)
        if not open_:
            return WaitEstimate(ahead=ahead, seconds=None, open_counters=0)
        mean = self.service_times[service].mean(spec.default_service_s)
        busy = sum(1 for n in open_ if self.counters[n].current is not None)
        seconds = mean * ahead / len(open_)
        if busy == len(open_):
            seconds += mean / 2
        return WaitEstimate(ahead=ahead, seconds=math.ceil(seconds), open_counters=len(open_))

    def summary(self) -> list[ServiceSummary]:
        out = []
        for code in self.rules.services:
            waiting = len(self.waiting_for_service(code))
            est = self.estimate(code, waiting)
            out.append(
                ServiceSummary(
                    service=code,
                    waiting=waiting,
                    estimated_wait_s=est.seconds,
                    open_counters=est.open_counters,
                )
            )
        return out

    def waiting_for_counter(self, counter: int) -> list[Ticket]:
        """The tickets this counter could call, in the order it would call them."""
        cdef = self.counter_def(counter)
        order = {code: i for i, code in enumerate(cdef.services)}
        candidates = [
            t
            for t in self.waiting()
            if t.target_counter == counter or (t.target_counter is None and t.service in order)
        ]
        if cdef.policy is SelectionPolicy.SERVICE_ORDER:

            def key(t: Ticket) -> tuple[int, int, datetime, int]:
                rank = -1 if t.target_counter == counter else order[t.service]
                return (t.priority_rank, rank, t.queued_at, t.queue_order)

            return sorted(candidates, key=key)
        return sorted(candidates, key=self._sort_key)

    def overdue(self, now: datetime) -> list[ev.Event]:
        """Alerts for services running past their time limit, once per ticket."""
        out: list[ev.Event] = []
        for cnum, c in self.counters.items():
            t = self.current_ticket(cnum)
            if t is None or t.status is not TicketStatus.SERVING or t.overdue_alerted:
                continue
            limit = self.rules.services[t.service].time_limit_s
            assert t.started_at is not None
            if limit is not None and (now - t.started_at).total_seconds() > limit:
                out.append(ev.TicketOverdue(at=now, ticket=t.id, counter=c.number, limit_s=limit))
        return out

    # ---------------------------------------------------------------- decisions

    def rollover(self, now: datetime) -> list[ev.Event]:
        """When the first request of a new day arrives and an earlier day was left open
        (nobody ran the daily close), close that day first: expire whatever it left."""
        today = now.date()
        if not self._open_days or min(self._open_days) >= today:
            return []  # every request asks: answered without looking at the day's tickets
        stale = [t for t in self._open.values() if t.day < today]
        days = sorted({t.day for t in stale})
        out: list[ev.Event] = [ev.TicketExpired(at=now, ticket=t.id) for t in stale]
        out += [ev.DayClosed(at=now, day=d, full=True, automatic=True) for d in days]
        return out

    def issue(
        self,
        service: str,
        now: datetime,
        *,
        priority: Priority | None = None,
        identified: bool = False,
        id_hash: str | None = None,
    ) -> list[ev.Event]:
        spec = self.rules.services.get(service)
        if spec is None:
            raise err.UnknownService("没有这项业务：{service}", service=service)
        if not self.counters_serving(service):
            raise err.NoCounterServes("没有窗口办理{name}", name=spec.name)
        today = now.date()
        if self.closed_day == today:
            raise err.DayClosed("今日已结束营业，请明日再来")
        seq = self.issued.get((today, service), 0) + 1
        if seq > MAX_SEQ:
            raise err.NumbersExhausted("{name}今日号票已发完", name=spec.name)
        number = f"{service}{seq:03d}"
        return [
            ev.TicketIssued(
                at=now,
                ticket=ticket_id(today, number),
                number=number,
                service=service,
                day=today,
                serial=seq,
                priority=priority.value if priority else None,
                identified=identified,
                id_hash=id_hash,
            )
        ]

    def _require_counter(self, counter: int) -> CounterState:
        self.counter_def(counter)
        return self.counters[counter]

    def _require_current(self, counter: int) -> Ticket:
        self._require_counter(counter)
        t = self.current_ticket(counter)
        if t is None:
            raise err.NoCurrentTicket("{counter}号窗口当前没有叫号", counter=counter)
        return t

    def call_next(self, counter: int, now: datetime, *, staff: str | None = None) -> list[ev.Event]:
        """Call the next ticket. A ticket still at the counter is finished first (a caller
        pad has one "next" key). Returns no TicketCalled when nobody waits."""
        state = self._require_counter(counter)
        if state.paused:
            raise err.CounterPaused("{counter}号窗口已暂停服务，请先恢复", counter=counter)
        staff = staff or state.logged_in  # 首问负责制: a pad key records who is logged in
        out: list[ev.Event] = []
        current = self.current_ticket(counter)
        if current is not None:
            out.append(ev.TicketDone(at=now, ticket=current.id, counter=counter))
        candidates = self.waiting_for_counter(counter)
        if candidates:
            out.append(
                ev.TicketCalled(at=now, ticket=candidates[0].id, counter=counter, staff=staff)
            )
        return out

    def recall(self, counter: int, now: datetime) -> list[ev.Event]:
        t = self._require_current(counter)
        if t.status is not TicketStatus.CALLED:
            raise err.WrongTicketState("{number}已开始办理，不能重呼", number=t.number)
        if t.recalls >= self.rules.max_recalls:
            raise err.RecallLimitReached(
                "{number}已重呼{n}次，请按过号", number=t.number, n=t.recalls
            )
        return [ev.TicketRecalled(at=now, ticket=t.id, counter=counter, recall=t.recalls + 1)]

    def start(self, counter: int, now: datetime, *, staff: str | None = None) -> list[ev.Event]:
        t = self._require_current(counter)
        if t.status is not TicketStatus.CALLED:
            raise err.WrongTicketState("{number}已在办理中", number=t.number)
        staff = staff or self.counters[counter].logged_in
        return [ev.TicketStarted(at=now, ticket=t.id, counter=counter, staff=staff)]

    def done(self, counter: int, now: datetime) -> list[ev.Event]:
        t = self._require_current(counter)
        return [ev.TicketDone(at=now, ticket=t.id, counter=counter)]

    def no_show(self, counter: int, now: datetime) -> list[ev.Event]:
        t = self._require_current(counter)
        if t.status is not TicketStatus.CALLED:
            raise err.WrongTicketState("{number}已开始办理，不能过号", number=t.number)
        return [ev.TicketNoShow(at=now, ticket=t.id, counter=counter)]

    def reinstate(self, ticket_id: str, now: datetime) -> list[ev.Event]:
        t = self.ticket(ticket_id)
        if t.status is not TicketStatus.NO_SHOW:
            raise err.WrongTicketState("{number}不是过号状态，无需重新排队", number=t.number)
        if t.day != now.date():
            raise err.WrongTicketState("{number}不是今天的号票", number=t.number)
        return [ev.TicketReinstated(at=now, ticket=t.id)]

    def transfer(
        self,
        counter: int,
        now: datetime,
        *,
        to_service: str | None = None,
        to_counter: int | None = None,
        reason: str | None = None,
    ) -> list[ev.Event]:
        if (to_service is None) == (to_counter is None):
            raise err.InvalidRequest("转移需指定业务或窗口之一")
        t = self._require_current(counter)
        if to_service is not None:
            spec = self.rules.services.get(to_service)
            if spec is None:
                raise err.UnknownService("没有这项业务：{service}", service=to_service)
            if not self.counters_serving(to_service):
                raise err.NoCounterServes("没有窗口办理{name}", name=spec.name)
            if to_service == t.service:
                raise err.InvalidRequest(
                    "{number}已在{name}队列中", number=t.number, name=spec.name
                )
        if to_counter is not None:
            self.counter_def(to_counter)
            if to_counter == counter:
                raise err.InvalidRequest("不能转移到本窗口")
        return [
            ev.TicketTransferred(
                at=now,
                ticket=t.id,
                counter=counter,
                to_service=to_service,
                to_counter=to_counter,
                reason=reason,
            )
        ]

    def pause(self, counter: int, now: datetime) -> list[ev.Event]:
        state = self._require_counter(counter)
        if state.paused:
            raise err.CounterPaused("{counter}号窗口已经暂停", counter=counter)
        return [ev.CounterPaused(at=now, counter=counter)]

    def resume(self, counter: int, now: datetime) -> list[ev.Event]:
        state = self._require_counter(counter)
        if not state.paused:
            raise err.CounterNotPaused("{counter}号窗口没有暂停", counter=counter)
        return [ev.CounterResumed(at=now, counter=counter)]

    def toggle_pause(self, counter: int, now: datetime) -> list[ev.Event]:
        """A caller pad's one pause key: pause an open counter, resume a paused one."""
        state = self._require_counter(counter)
        return self.resume(counter, now) if state.paused else self.pause(counter, now)

    def staff_counter(self, staff: str) -> int | None:
        """The counter ``staff`` is logged in at, if any."""
        return next((n for n, c in self.counters.items() if c.logged_in == staff), None)

    def login(self, counter: int, staff: str, now: datetime) -> list[ev.Event]:
        """Log a staff member in at a counter. One staff member per counter and one counter
        per staff member; logging in again where one already is changes nothing."""
        state = self._require_counter(counter)
        if not staff:
            raise err.InvalidRequest("请输入工号")
        if state.logged_in == staff:
            return []
        if state.logged_in is not None:
            raise err.StaffLoginConflictError(
                "{counter}号窗口已由工号{other}登录，请该员工先退出",
                counter=counter,
                other=state.logged_in,
            )
        elsewhere = self.staff_counter(staff)
        if elsewhere is not None:
            raise err.StaffLoginConflictError(
                "工号{staff}已在{other}号窗口登录，请先在该窗口退出", staff=staff, other=elsewhere
            )
        return [ev.StaffLoggedIn(at=now, counter=counter, staff=staff)]

    def logout(
        self, counter: int, now: datetime, *, staff: str | None = None, force: bool = False
    ) -> list[ev.Event]:
        """Log the counter's staff member out. Refused while a customer is still at the
        counter (finish, transfer or mark the no-show first) unless ``force``d by a manager."""
        state = self._require_counter(counter)
        if state.logged_in is None or (staff is not None and staff != state.logged_in):
            raise err.StaffNotLoggedInError(
                "{counter}号窗口没有工号{staff}登录",
                counter=counter,
                staff=staff or "",
            )
        current = self.current_ticket(counter)
        if current is not None and not force:
            raise err.WrongTicketState(
                "{number}还在本窗口，请先办结、转移或过号再退出", number=current.number
            )
        return [ev.StaffLoggedOut(at=now, counter=counter, staff=state.logged_in, forced=force)]

    def request_evaluation(self, counter: int, now: datetime) -> list[ev.Event]:
        """Ask the customer at the counter to rate the service: the ticket being served,
        or the one just finished."""
        state = self._require_counter(counter)
        tid = state.current or state.last
        if tid is None:
            raise err.NoCurrentTicket("{counter}号窗口还没有办理过业务", counter=counter)
        t = self.tickets[tid]
        if t.score is not None:
            raise err.AlreadyEvaluated("{number}已经评价过", number=t.number)
        return [ev.EvaluationRequested(at=now, ticket=t.id, counter=counter)]

    def evaluate(
        self, ticket_id: str, score: int, now: datetime, *, source: str = "api"
    ) -> list[ev.Event]:
        t = self.ticket(ticket_id)
        if not 0 <= score <= 4:
            raise err.InvalidRequest("评价分值应为1到4（0表示未评价）")
        if t.status not in (TicketStatus.SERVING, TicketStatus.DONE, TicketStatus.CALLED):
            raise err.WrongTicketState("{number}尚未办理，不能评价", number=t.number)
        if t.score is not None:
            raise err.AlreadyEvaluated("{number}已经评价过", number=t.number)
        return [
            ev.TicketEvaluated(at=now, ticket=t.id, score=score, counter=t.counter, source=source)
        ]

    def cancel(self, ticket_id: str, now: datetime, *, reason: str | None = None) -> list[ev.Event]:
        t = self.ticket(ticket_id)
        if t.status is not TicketStatus.WAITING:
            raise err.WrongTicketState("{number}不在等候中，不能取消", number=t.number)
        return [ev.TicketCancelled(at=now, ticket=t.id, reason=reason)]

    def close_day(self, now: datetime) -> list[ev.Event]:
        """The daily close: whatever still waits, is called or missed its call expires.
        A service in progress is left to finish; numbering for today stops."""
        today = now.date()
        if self.closed_day == today:
            raise err.DayClosed("今日已经日结")
        out: list[ev.Event] = []
        left_serving = False
        for t in self._open.values():
            if t.status in (TicketStatus.WAITING, TicketStatus.CALLED):
                out.append(ev.TicketExpired(at=now, ticket=t.id))
            elif t.status is TicketStatus.SERVING:
                left_serving = True
        out.append(ev.DayClosed(at=now, day=today, full=not left_serving))
        return out

    # ------------------------------------------------------------------ reducer

    def apply_all(self, events: Iterable[ev.Event]) -> None:
        for e in events:
            self.apply(e)

    def apply(self, e: ev.Event) -> None:
        """Change state by one event. Events come from the log: they are not re-checked.
        Events that carry no queue state (devices, printing, notices, evaluation requests)
        only move :attr:`last_event_at`."""
        self.last_event_at = e.at
        reducer = _REDUCERS.get(type(e))
        if reducer is not None:
            reducer(self, e)

    def _on_issued(self, e: ev.TicketIssued) -> None:
        prio = Priority(e.priority) if e.priority else None
        self.tickets[e.ticket] = Ticket(
            id=e.ticket,
            number=e.number,
            day=e.day,
            seq=e.serial,
            service=e.service,
            original_service=e.service,
            priority=prio,
            issued_at=e.at,
            queued_at=e.at,
            queue_order=self._next_order(),
            identified=e.identified,
        )
        self._set_status(self.tickets[e.ticket], TicketStatus.WAITING)
        key = (e.day, e.service)
        self.issued[key] = max(self.issued.get(key, 0), e.serial)
        if self.day is None or e.day > self.day:
            self.day = e.day

    def _on_called(self, e: ev.TicketCalled) -> None:
        t = self.tickets[e.ticket]
        self._set_status(t, TicketStatus.CALLED)
        t.counter = e.counter
        t.called_at = e.at
        t.first_called_at = t.first_called_at or e.at
        t.recalls = 0
        t.target_counter = None
        if e.staff:
            t.staff = e.staff
            t.first_staff = t.first_staff or e.staff
            self.counters[e.counter].staff = e.staff
        self.counters[e.counter].current = t.id

    def _on_recalled(self, e: ev.TicketRecalled) -> None:
        self.tickets[e.ticket].recalls = e.recall

    def _on_started(self, e: ev.TicketStarted) -> None:
        t = self.tickets[e.ticket]
        self._set_status(t, TicketStatus.SERVING)
        t.started_at = e.at
        if e.staff:
            t.staff = e.staff
            t.first_staff = t.first_staff or e.staff

    def _on_done(self, e: ev.TicketDone) -> None:
        t = self.tickets[e.ticket]
        self._set_status(t, TicketStatus.DONE)
        t.finished_at = e.at
        began = t.started_at or t.called_at
        if began is not None:
            self.service_times[t.service].add((e.at - began).total_seconds())
        self._release(e.counter, t.id)

    def _on_no_show(self, e: ev.TicketNoShow) -> None:
        t = self.tickets[e.ticket]
        self._set_status(t, TicketStatus.NO_SHOW)
        t.finished_at = e.at
        self._release(e.counter, t.id, finished=False)

    def _on_reinstated(self, e: ev.TicketReinstated) -> None:
        t = self.tickets[e.ticket]
        self._set_status(t, TicketStatus.WAITING)
        t.queued_at = e.at  # back of the queue: 过号重新排队
        t.queue_order = self._next_order()
        t.finished_at = None

    def _on_transferred(self, e: ev.TicketTransferred) -> None:
        t = self.tickets[e.ticket]
        t.transfers += 1
        t.started_at = None
        t.called_at = None
        t.overdue_alerted = False
        if e.to_service is not None:
            t.service = e.to_service
            t.target_counter = None
        if e.to_counter is not None:
            t.target_counter = e.to_counter
        self._set_status(t, TicketStatus.WAITING)  # queued under its new service
        self._release(e.counter, t.id, finished=False)

    def _on_withdrawn(self, e: ev.TicketCancelled | ev.TicketExpired) -> None:
        t = self.tickets[e.ticket]
        cancelled = isinstance(e, ev.TicketCancelled)
        self._set_status(t, TicketStatus.CANCELLED if cancelled else TicketStatus.EXPIRED)
        t.finished_at = e.at
        for c in self.counters.values():
            if c.current == t.id:
                c.current = None

    def _on_overdue(self, e: ev.TicketOverdue) -> None:
        self.tickets[e.ticket].overdue_alerted = True

    def _on_evaluated(self, e: ev.TicketEvaluated) -> None:
        self.tickets[e.ticket].score = e.score

    def _on_paused(self, e: ev.CounterPaused | ev.CounterResumed) -> None:
        self.counters[e.counter].paused = isinstance(e, ev.CounterPaused)

    def _on_logged_in(self, e: ev.StaffLoggedIn) -> None:
        self.counters.setdefault(e.counter, CounterState(number=e.counter)).logged_in = e.staff

    def _on_logged_out(self, e: ev.StaffLoggedOut) -> None:
        state = self.counters.get(e.counter)
        if state is not None and state.logged_in == e.staff:
            state.logged_in = None

    def _on_day_closed(self, e: ev.DayClosed) -> None:
        if not e.automatic or self.closed_day is None or e.day > self.closed_day:
            self.closed_day = e.day
        self._forget_before(e)

    def _set_status(self, t: Ticket, status: TicketStatus) -> None:
        t.status = status
        queued = self._queued_with.pop(t.id, None)
        if queued is not None:
            self._waiting_in[queued].pop(t.id, None)
        if status is TicketStatus.WAITING:
            self._waiting[t.id] = t
            self._waiting_in.setdefault(t.service, {})[t.id] = t
            self._queued_with[t.id] = t.service
        else:
            self._waiting.pop(t.id, None)
        if status.is_open:
            if t.id not in self._open:
                self._open_days[t.day] = self._open_days.get(t.day, 0) + 1
            self._open[t.id] = t
        elif self._open.pop(t.id, None) is not None:
            left = self._open_days[t.day] - 1
            if left:
                self._open_days[t.day] = left
            else:
                del self._open_days[t.day]

    def _next_order(self) -> int:
        self._queue_order += 1
        return self._queue_order

    def _release(self, counter: int, ticket: str, *, finished: bool = True) -> None:
        c = self.counters[counter]
        if c.current == ticket:
            c.current = None
        if finished:
            c.last = ticket

    def _forget_before(self, e: ev.DayClosed) -> None:
        """After a full close nothing of that day can change any more: drop its tickets so
        memory stays flat over months (the store keeps them for reports)."""
        if not e.full or any(t.day <= e.day for t in self._open.values()):
            return
        self.tickets = {k: t for k, t in self.tickets.items() if t.day > e.day}
        self.issued = {k: v for k, v in self.issued.items() if k[0] > e.day}
        for c in self.counters.values():
            if c.last is not None and c.last not in self.tickets:
                c.last = None


# Which reducer applies which event (events missing here carry no queue state).
_REDUCERS: dict[type[ev.Event], Callable[[Queue, Any], None]] = {
    ev.TicketIssued: Queue._on_issued,
    ev.TicketCalled: Queue._on_called,
    ev.TicketRecalled: Queue._on_recalled,
    ev.TicketStarted: Queue._on_started,
    ev.TicketDone: Queue._on_done,
    ev.TicketNoShow: Queue._on_no_show,
    ev.TicketReinstated: Queue._on_reinstated,
    ev.TicketTransferred: Queue._on_transferred,
    ev.TicketCancelled: Queue._on_withdrawn,
    ev.TicketExpired: Queue._on_withdrawn,
    ev.TicketOverdue: Queue._on_overdue,
    ev.TicketEvaluated: Queue._on_evaluated,
    ev.CounterPaused: Queue._on_paused,
    ev.CounterResumed: Queue._on_paused,
    ev.StaffLoggedIn: Queue._on_logged_in,
    ev.StaffLoggedOut: Queue._on_logged_out,
    ev.DayClosed: Queue._on_day_closed,
}
