"""A ticket of an earlier day, asked after the rollover (or after the daily close), answers
with the state its day left it in, from the log: a customer's phone is told the ticket
expired, not that it never existed."""

from __future__ import annotations

from tests.helpers.hall import DISPLAY, MANAGER, counter_token, morning, running_hall


def test_yesterdays_tickets_answer_with_their_final_state_after_the_rollover(tmp_path):
    with running_hall(tmp_path / "data") as (_, api, clock):
        first = api.issue("A")
        second = api.issue("A")
        api.counter(1, "call-next")  # the first A
        api.counter(1, "done")
        api.counter(1, "call-next")  # the second A: called, still open at the close
        # Morning of the next day: the first request rolls the open day over.
        clock.set(morning(8, 45, day=24))
        today = api.issue("B")
        assert today["id"].startswith("20261124-")
        r = api.call("GET", f"/tickets/{first['id']}")
        assert r.status_code == 200, r.text
        done = r.json()
        assert (done["number"], done["status"], done["counter"]) == ("A001", "done", 1)
        assert done["finished_at"] is not None
        r = api.call("GET", f"/tickets/{second['id']}", token=DISPLAY)
        assert r.status_code == 200, r.text
        expired = r.json()
        assert (expired["number"], expired["status"]) == ("A002", "expired")
        assert expired["ahead"] is None and expired["estimated_wait_s"] is None
        assert expired["counters"] == []
        # Staff get it too, without personal data (purged at the close).
        r = api.call("GET", f"/tickets/{second['id']}", token=MANAGER)
        assert r.status_code == 200 and r.json()["account"] is None
        # Today's ticket is still the live one; tickets never issued are still unknown.
        assert api.call("GET", f"/tickets/{today['id']}").json()["status"] == "waiting"
        for unknown in ("20261123-A999", "20261122-A001", "A001", "2026-11-23-A001"):
            r = api.call("GET", f"/tickets/{unknown}")
            assert r.status_code == 404, unknown
            assert r.json()["error"]["code"] == "unknown_ticket"


def test_a_waiting_ticket_reads_expired_once_the_day_is_closed_by_hand(tmp_path):
    with running_hall(tmp_path / "data") as (_, api, _):
        t = api.issue("D")
        r = api.call("POST", "/admin/close-day", token=MANAGER)
        assert r.status_code == 200, r.text
        r = api.call("GET", f"/tickets/{t['id']}", token=counter_token(2))
        assert r.status_code == 200 and r.json()["status"] == "expired"


def test_one_tickets_events_give_the_state_a_whole_days_replay_gives(tmp_path):
    """The shortcut the answer takes (only the ticket's own events), checked on a busy day
    with transfers, no-shows, recalls and ratings."""
    from datetime import date

    from kiosk.config import load_config
    from kiosk.hall.closed_tickets import closed_ticket
    from kiosk.queue import Queue
    from kiosk.queue import events as ev
    from kiosk.store import EventStore
    from tests.helpers.busyday import events_of, generate_day
    from tests.helpers.hall import EXAMPLE

    rules = load_config(EXAMPLE).queue_rules()
    day = date(2026, 11, 23)
    store = EventStore(tmp_path / "hall.db")
    try:
        store.append(events_of(rules, generate_day(rules, day, 600, seed=7)))
        whole = Queue(rules)
        for s in store.events_of_days(day, day):
            if not isinstance(s.event, ev.DayClosed):
                whole.apply(s.event)
        assert len(whole.tickets) == 600
        statuses = set()
        for tid, t in whole.tickets.items():
            view = closed_ticket(store, rules, tid)
            assert view is not None
            got = (view.status, view.counter, view.transfers, view.score, view.first_staff)
            assert got == (t.status.value, t.counter, t.transfers, t.score, t.first_staff), tid
            assert view.finished_at == (t.finished_at.isoformat() if t.finished_at else None)
            statuses.add(view.status)
        assert {"done", "no_show"} <= statuses
    finally:
        store.close()
