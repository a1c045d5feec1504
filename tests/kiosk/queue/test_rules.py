"""The queue rules through the domain API: decide → apply, no I/O, no clock of their own."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kiosk.queue import Priority, Queue, TicketStatus
from kiosk.queue import errors as err
from kiosk.queue import events as ev
from tests.helpers.hall import example_config, morning


@pytest.fixture
def rules(tmp_path: Path):
    return example_config(tmp_path).queue_rules()


class Hall:
    """A queue plus its log, driven like the hall daemon drives it."""

    def __init__(self, rules, now: datetime | None = None) -> None:
        self.q = Queue(rules)
        self.log: list[ev.Event] = []
        self.now = now or morning()

    def tick(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def do(self, name: str, *args, **kwargs) -> list[ev.Event]:
        self.q.apply_all(self._commit(self.q.rollover(self.now)))
        events = (
            getattr(self.q, name)(*args, self.now, **kwargs)
            if name not in ("evaluate", "reinstate", "cancel")
            else getattr(self.q, name)(*args, now=self.now, **kwargs)
        )
        self.q.apply_all(self._commit(events))
        return events

    def _commit(self, events: list[ev.Event]) -> list[ev.Event]:
        self.log.extend(events)
        return events

    def issue(self, service: str = "A", **kw) -> str:
        e = self.do("issue", service, **kw)[0]
        assert isinstance(e, ev.TicketIssued)
        self.tick(1)
        return e.ticket

    def call(self, counter: int, **kw) -> str | None:
        events = self.do("call_next", counter, **kw)
        called = [e for e in events if isinstance(e, ev.TicketCalled)]
        return called[0].ticket if called else None

    def number(self, tid: str) -> str:
        return self.q.tickets[tid].number


def test_numbers_are_per_service_per_day_with_three_digits(rules):
    h = Hall(rules)
    ids = [h.issue("A"), h.issue("A"), h.issue("B"), h.issue("A")]
    assert [h.number(t) for t in ids] == ["A001", "A002", "B001", "A003"]
    assert ids[0] == "20261123-A001"


def test_numbering_restarts_the_next_day_and_yesterday_is_expired(rules):
    h = Hall(rules)
    left = h.issue("A")
    h.now = morning(day=24)
    t = h.issue("A")
    assert h.number(t) == "A001"
    assert h.q.tickets.get(left) is None or h.q.tickets[left].status is TicketStatus.EXPIRED
    closes = [e for e in h.log if isinstance(e, ev.DayClosed)]
    assert closes and closes[0].automatic and str(closes[0].day) == "2026-11-23"


def test_after_the_daily_close_no_number_is_issued_that_day(rules):
    h = Hall(rules)
    h.issue("A")
    h.do("close_day")
    with pytest.raises(err.DayClosed):
        h.do("issue", "A")
    h.now = morning(day=24)
    assert h.number(h.issue("A")) == "A001"


def test_unknown_service_is_refused_and_nothing_changes(rules):
    h = Hall(rules)
    with pytest.raises(err.UnknownService) as exc:
        h.do("issue", "Z")
    assert exc.value.code == "unknown_service" and "Z" in exc.value.message
    assert h.log == [] and h.q.tickets == {}


def test_priority_tickets_are_called_first(rules):
    h = Hall(rules)
    a1 = h.issue("A")
    a2 = h.issue("A", priority=Priority.ELDERLY)
    assert h.call(1) == a2
    assert h.call(1) == a1


def test_fifo_counter_takes_the_longest_wait_across_its_services(rules):
    h = Hall(rules)  # counter 1: A, D fifo
    d = h.issue("D")
    a = h.issue("A")
    assert h.call(1) == d
    assert h.call(1) == a


def test_service_order_counter_takes_its_first_service_first(rules):
    h = Hall(rules)  # counter 2: A, D, E service-order
    e = h.issue("E")
    d = h.issue("D")
    a = h.issue("A")
    assert [h.call(2), h.call(2), h.call(2)] == [a, d, e]


def test_call_next_on_a_paused_counter_is_refused_with_reason(rules):
    h = Hall(rules)
    h.issue("A")
    h.do("pause", 1)
    with pytest.raises(err.CounterPaused) as exc:
        h.do("call_next", 1)
    assert "1号窗口已暂停服务" in exc.value.message
    with pytest.raises(err.CounterPaused):
        h.do("pause", 1)
    h.do("resume", 1)
    with pytest.raises(err.CounterNotPaused):
        h.do("resume", 1)
    assert h.call(1) is not None


def test_call_next_with_nobody_waiting_calls_nobody(rules):
    h = Hall(rules)
    assert h.call(1) is None
    assert h.q.counters[1].current is None


def test_call_next_finishes_the_ticket_still_at_the_counter(rules):
    h = Hall(rules)
    first, second = h.issue("A"), h.issue("A")
    h.call(1)
    h.do("start", 1)
    assert h.call(1) == second
    assert h.q.tickets[first].status is TicketStatus.DONE


def test_finishing_a_ticket_that_was_never_called_is_refused(rules):
    h = Hall(rules)
    h.issue("A")
    for action in ("done", "start", "recall", "no_show"):
        with pytest.raises(err.NoCurrentTicket):
            h.do(action, 1)


def test_unknown_counter_is_refused(rules):
    h = Hall(rules)
    with pytest.raises(err.UnknownCounter):
        h.do("call_next", 9)


def test_recall_counts_and_stops_at_the_limit(rules):
    h = Hall(rules)
    h.issue("A")
    h.call(1)
    for n in range(1, rules.max_recalls + 1):
        (e,) = h.do("recall", 1)
        assert isinstance(e, ev.TicketRecalled) and e.recall == n
    with pytest.raises(err.RecallLimitReached):
        h.do("recall", 1)


def test_started_ticket_cannot_be_recalled_or_marked_no_show(rules):
    h = Hall(rules)
    h.issue("A")
    h.call(1)
    h.do("start", 1)
    with pytest.raises(err.WrongTicketState):
        h.do("recall", 1)
    with pytest.raises(err.WrongTicketState):
        h.do("no_show", 1)
    with pytest.raises(err.WrongTicketState):
        h.do("start", 1)


def test_no_show_then_reinstate_goes_to_the_back_of_the_queue(rules):
    h = Hall(rules)
    missed = h.issue("A")
    later = h.issue("A")
    h.call(1)
    h.do("no_show", 1)
    assert h.q.tickets[missed].status is TicketStatus.NO_SHOW
    h.do("reinstate", missed)
    assert h.q.tickets[missed].status is TicketStatus.WAITING
    assert h.call(1) == later
    assert h.call(1) == missed
    with pytest.raises(err.WrongTicketState):
        h.do("reinstate", later)


def test_transfer_to_a_service_keeps_issue_time_and_first_ask_staff(rules):
    h = Hall(rules)
    t = h.issue("A")
    h.tick(600)
    newer_b = h.issue("B")
    h.call(1, staff="1001")
    h.do("start", 1, staff="1001")
    h.do("transfer", 1, to_service="B", reason="需办理增容")
    moved = h.q.tickets[t]
    assert moved.status is TicketStatus.WAITING and moved.service == "B"
    assert moved.number == "A001" and moved.original_service == "A"
    assert moved.issued_at == morning()
    # Its original issue time puts it before a B ticket taken later.
    assert h.q.position(t) == 0 and h.q.position(newer_b) == 1
    assert [x.id for x in h.q.waiting_for_service("B")] == [t, newer_b]
    assert h.q.waiting_for_service("A") == []
    assert h.call(3, staff="3001") == t
    assert h.q.tickets[t].first_staff == "1001" and h.q.tickets[t].staff == "3001"
    assert h.call(3) == newer_b


def test_transfer_to_a_counter_is_called_only_there(rules):
    h = Hall(rules)
    t = h.issue("A")
    h.call(1)
    h.do("transfer", 1, to_counter=2)
    assert h.q.tickets[t].target_counter == 2
    assert h.call(1) is None
    assert h.call(2) == t


def test_transfer_refusals_say_why(rules):
    h = Hall(rules)
    h.issue("A")
    h.call(1)
    with pytest.raises(err.UnknownService):
        h.do("transfer", 1, to_service="Z")
    with pytest.raises(err.UnknownCounter):
        h.do("transfer", 1, to_counter=42)
    with pytest.raises(err.InvalidRequest):
        h.do("transfer", 1, to_counter=1)
    with pytest.raises(err.InvalidRequest):
        h.do("transfer", 1, to_service="A")
    with pytest.raises(err.InvalidRequest):
        h.do("transfer", 1)
    with pytest.raises(err.NoCurrentTicket):
        h.do("transfer", 3, to_service="A")


def test_daily_close_expires_waiting_and_called_but_lets_serving_finish(rules):
    h = Hall(rules)
    called = h.issue("D")
    waiting = h.issue("A")
    serving = h.issue("B")
    assert h.call(1) == called  # counter 1 (A, D, fifo) takes the older D
    h.call(3)
    h.do("start", 3)
    h.do("close_day")
    assert h.q.tickets[called].status is TicketStatus.EXPIRED
    assert h.q.tickets[waiting].status is TicketStatus.EXPIRED
    assert h.q.tickets[serving].status is TicketStatus.SERVING
    assert h.q.counters[1].current is None
    h.do("done", 3)
    assert h.q.tickets[serving].status is TicketStatus.DONE


def test_time_limit_alerts_once_when_serving_runs_past_it(rules):
    h = Hall(rules)  # A: 5 min limit
    t = h.issue("A")
    h.call(1)
    h.do("start", 1)
    h.tick(299)
    assert h.q.overdue(h.now) == []
    h.tick(2)
    alerts = h.q.overdue(h.now)
    assert [(a.ticket, a.limit_s) for a in alerts] == [(t, 300)]
    h.q.apply_all(alerts)
    h.tick(60)
    assert h.q.overdue(h.now) == []


def test_service_without_time_limit_never_alerts(rules):
    h = Hall(rules)  # D: no limit
    h.issue("D")
    h.call(1)
    h.do("start", 1)
    h.tick(5 * 3600)
    assert h.q.overdue(h.now) == []


def test_wait_estimate_uses_people_ahead_open_counters_and_recent_times(rules):
    h = Hall(rules)
    # A is served by counters 1 and 2, default service 3 min.
    assert h.q.estimate("A", 0).seconds == 0
    assert h.q.estimate("A", 4).seconds == 4 * 180 // 2
    h.do("pause", 2)
    assert h.q.estimate("A", 4).seconds == 4 * 180
    h.do("pause", 1)
    assert h.q.estimate("A", 4).seconds is None
    h.do("resume", 1)
    h.do("resume", 2)
    # Measured services of 60 s replace the default.
    for _ in range(3):
        h.issue("A")
        h.call(1)
        h.do("start", 1)
        h.tick(60)
        h.do("done", 1)
    assert h.q.estimate("A", 4).seconds == 4 * 60 // 2


def test_evaluation_once_per_served_ticket(rules):
    h = Hall(rules)
    t = h.issue("A")
    with pytest.raises(err.WrongTicketState):
        h.do("evaluate", t, 1)
    h.call(1)
    h.do("start", 1)
    h.do("done", 1)
    (req,) = h.do("request_evaluation", 1)
    assert req.ticket == t
    h.do("evaluate", t, 2)
    assert h.q.tickets[t].score == 2
    with pytest.raises(err.AlreadyEvaluated):
        h.do("evaluate", t, 1)
    with pytest.raises(err.AlreadyEvaluated):
        h.do("request_evaluation", 1)


def test_evaluation_score_out_of_range_is_refused(rules):
    h = Hall(rules)
    t = h.issue("A")
    h.call(1)
    with pytest.raises(err.InvalidRequest):
        h.do("evaluate", t, 5)


def test_cancel_only_while_waiting(rules):
    h = Hall(rules)
    t = h.issue("A")
    h.do("cancel", t)
    assert h.q.tickets[t].status is TicketStatus.CANCELLED
    assert h.call(1) is None
    with pytest.raises(err.WrongTicketState):
        h.do("cancel", t)


def test_numbers_run_out_at_999_with_a_clear_refusal(rules):
    h = Hall(rules)
    h.q.issued[(h.now.date(), "A")] = 999
    with pytest.raises(err.NumbersExhausted) as exc:
        h.do("issue", "A")
    assert "电费缴纳" in exc.value.message


def test_position_counts_who_is_called_before(rules):
    h = Hall(rules)
    a1, a2 = h.issue("A"), h.issue("A")
    p = h.issue("A", priority=Priority.DISABLED)
    assert h.q.position(p) == 0
    assert h.q.position(a1) == 1
    assert h.q.position(a2) == 2
    h.call(1)
    assert h.q.position(p) is None


def snapshot(q: Queue) -> object:
    return (
        {k: vars(t).copy() for k, t in q.tickets.items()},
        {k: vars(c).copy() for k, c in q.counters.items()},
        dict(q.issued),
        q.closed_day,
    )


@pytest.mark.parametrize("seed", range(12))
def test_replaying_the_log_rebuilds_exactly_the_same_state(rules, seed):
    """Random days of operations: the state rebuilt from the log equals the live one."""
    rng = random.Random(seed)
    h = Hall(rules)
    actions = [
        "issue",
        "call_next",
        "start",
        "done",
        "no_show",
        "recall",
        "pause",
        "resume",
        "transfer",
        "reinstate",
        "evaluate",
        "tick",
        "close_day",
        "new_day",
    ]
    for _ in range(300):
        a = rng.choice(actions)
        counter = rng.choice(list(rules.counters))
        try:
            if a == "issue":
                h.issue(rng.choice("ABCDE"), priority=rng.choice([None, None, Priority.ELDERLY]))
            elif a == "tick":
                h.tick(rng.uniform(1, 900))
            elif a == "new_day":
                if rng.random() < 0.1:
                    h.now = h.now.replace(hour=9) + timedelta(days=1)
            elif a == "transfer":
                h.do("transfer", counter, to_service=rng.choice("ABCDE"))
            elif a in ("reinstate", "evaluate"):
                if h.q.tickets:
                    t = rng.choice(list(h.q.tickets))
                    h.do(a, t) if a == "reinstate" else h.do(a, t, rng.randint(0, 4))
            elif a == "close_day":
                if rng.random() < 0.05:
                    h.do("close_day")
            else:
                h.do(a, counter)
        except err.QueueError:
            pass
        h.q.apply_all(h._commit(h.q.overdue(h.now)))
    rebuilt = Queue(rules)
    rebuilt.apply_all(h.log)
    assert snapshot(rebuilt) == snapshot(h.q)
    # No number was ever issued twice on one day.
    issued = [(e.day, e.number) for e in h.log if isinstance(e, ev.TicketIssued)]
    assert len(issued) == len(set(issued))


def test_reinstated_ticket_goes_behind_tickets_queued_at_the_same_instant(rules):
    h = Hall(rules)
    missed = h.do("issue", "A")[0].ticket
    other = h.do("issue", "A")[0].ticket  # same timestamp as the first
    h.call(1)
    h.do("no_show", 1)
    h.do("reinstate", missed)
    assert h.q.position(missed) == 1
    assert h.call(1) == other


def test_reconfigure_keeps_everyone_waiting_and_serves_new_counters(rules, tmp_path):
    import dataclasses

    from kiosk.queue.model import CounterDef, SelectionPolicy

    h = Hall(rules)
    waiting = [h.issue("A"), h.issue("B")]
    h.call(1)
    new_counters = {**rules.counters, 5: CounterDef(5, "5号窗口", ("B",), SelectionPolicy.FIFO)}
    h.q.reconfigure(dataclasses.replace(rules, counters=new_counters))
    assert h.q.tickets[waiting[1]].status is TicketStatus.WAITING
    assert h.call(5) == waiting[1]
    assert h.q.counters[1].current == waiting[0]  # the call in progress is untouched
