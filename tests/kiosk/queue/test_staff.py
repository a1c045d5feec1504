"""Staff login at counters: one person per counter, one counter per person, and the logged-in
person recorded on the counter's calls and starts (首问负责制)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.queue import Queue
from kiosk.queue import errors as err
from kiosk.queue import events as ev
from tests.helpers.hall import example_config, morning


@pytest.fixture
def queue(tmp_path: Path) -> Queue:
    return Queue(example_config(tmp_path).queue_rules())


def do(q: Queue, events: list[ev.Event]) -> list[ev.Event]:
    q.apply_all(events)
    return events


def test_a_logged_in_staff_member_is_recorded_on_calls_and_starts_even_from_the_pad(queue):
    now = morning()
    do(queue, queue.login(1, "1011", now))
    assert queue.counters[1].logged_in == "1011"
    do(queue, queue.issue("A", now))
    (called,) = do(queue, queue.call_next(1, now))  # a pad key: no staff given
    assert isinstance(called, ev.TicketCalled) and called.staff == "1011"
    (started,) = do(queue, queue.start(1, now))
    assert isinstance(started, ev.TicketStarted) and started.staff == "1011"
    assert queue.tickets[called.ticket].first_staff == "1011"


def test_two_staff_cannot_be_logged_in_at_one_counter(queue):
    now = morning()
    do(queue, queue.login(1, "1011", now))
    with pytest.raises(err.StaffLoginConflictError) as exc:
        queue.login(1, "1012", now)
    assert exc.value.message == "1号窗口已由工号1011登录，请该员工先退出"
    assert queue.counters[1].logged_in == "1011"


def test_one_staff_member_cannot_be_logged_in_at_two_counters(queue):
    now = morning()
    do(queue, queue.login(1, "1011", now))
    with pytest.raises(err.StaffLoginConflictError) as exc:
        queue.login(2, "1011", now)
    assert exc.value.message == "工号1011已在1号窗口登录，请先在该窗口退出"
    assert queue.counters[2].logged_in is None


def test_logging_in_again_where_one_already_is_changes_nothing(queue):
    now = morning()
    do(queue, queue.login(1, "1011", now))
    assert queue.login(1, "1011", now) == []


def test_logout_is_refused_while_a_customer_is_at_the_counter_unless_forced(queue):
    now = morning()
    do(queue, queue.login(1, "1011", now))
    do(queue, queue.issue("A", now))
    do(queue, queue.call_next(1, now))
    with pytest.raises(err.WrongTicketState) as exc:
        queue.logout(1, now)
    assert "A001还在本窗口" in exc.value.message
    assert queue.counters[1].logged_in == "1011"
    (out,) = do(queue, queue.logout(1, now, force=True))
    assert isinstance(out, ev.StaffLoggedOut) and out.forced and out.staff == "1011"
    assert queue.counters[1].logged_in is None
    # The next person may log in now.
    do(queue, queue.login(1, "1012", now))


def test_logout_of_nobody_or_somebody_else_is_refused(queue):
    now = morning()
    with pytest.raises(err.StaffNotLoggedInError):
        queue.logout(1, now)
    do(queue, queue.login(1, "1011", now))
    with pytest.raises(err.StaffNotLoggedInError):
        queue.logout(1, now, staff="1012")


def test_logins_survive_a_replay_of_the_log(queue, tmp_path):
    now = morning()
    log = []
    log += do(queue, queue.login(1, "1011", now))
    log += do(queue, queue.login(2, "1021", now))
    log += do(queue, queue.logout(2, now))
    replay = Queue(example_config(tmp_path).queue_rules())
    replay.apply_all(
        ev.Event.from_data(e.TYPE, e.at, e.to_data()) for e in log
    )  # through the stored form
    assert replay.counters[1].logged_in == "1011" and replay.counters[2].logged_in is None
