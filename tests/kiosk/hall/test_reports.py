"""The manager's figures against days of events generated with known answers, and a few
hand-made tickets for the definitions that are easy to get wrong."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from kiosk.hall.reports import daily_report, month_report, p90, period_report
from kiosk.queue import events as ev
from kiosk.store import EventStore
from tests.helpers.busyday import TZ, events_of, expected, generate_day
from tests.helpers.hall import example_config

FIGURES = (
    "tickets",
    "done",
    "no_show",
    "transferred",
    "mean_wait_s",
    "p90_wait_s",
    "within_target",
    "mean_service_s",
    "p90_service_s",
    "overdue",
    "satisfaction",
    "rated",
    "not_rated",
)


@pytest.fixture
def rules(tmp_path: Path):
    return example_config(tmp_path).queue_rules()


@pytest.fixture
def store(tmp_path: Path):
    s = EventStore(tmp_path / "hall.db")
    yield s
    s.close()


def pick(row: dict, keys=FIGURES) -> dict:
    return {k: row[k] for k in keys}


def test_a_generated_day_is_reported_exactly(rules, store):
    day = date(2026, 11, 23)
    stories = generate_day(rules, day, 600, seed=3)
    store.append(events_of(rules, stories))
    want = expected(rules, stories)
    rep = daily_report(store, rules, day, staff_names={"1011": "王芳"})

    total = want["total"]
    assert rep["issued"] == total["tickets"] == len(stories)
    for key in FIGURES[1:]:
        assert rep[key] == total[key], key
    assert (rep["expired"], rep["cancelled"]) == (total["expired"], total["cancelled"])
    # The generated day has every kind of outcome, so nothing above is trivially zero.
    assert min(total["no_show"], total["transferred"], total["overdue"], total["not_rated"]) > 0

    services = {r["service"]: r for r in rep["services"]}
    for code, figures in want["services"].items():
        assert pick(services[code]) == pick(figures), code
    assert services["A"]["name"] == "电费缴纳" and services["A"]["time_limit_s"] == 300

    counters = {r["counter"]: r for r in rep["counters"]}
    assert set(counters) == {1, 2, 3, 4}
    for n, figures in want["counters"].items():
        assert pick(counters[n]) == pick(figures), n

    staff = {r["staff"]: r for r in rep["staff"]}
    assert set(staff) == set(want["staff"])
    for number, figures in want["staff"].items():
        assert pick(staff[number]) == pick(figures), number
    assert staff["1011"]["name"] == "王芳" and staff[""]["name"] is None

    assert rep["hourly_arrivals"] == want["hourly_arrivals"]
    assert sum(rep["hourly_arrivals"]) == len(stories)


def at(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 11, 23, hour, minute, second, tzinfo=TZ)


def issued(ticket: str, when: datetime) -> ev.Event:
    number = ticket.split("-")[1]
    data = {"ticket": ticket, "number": number, "service": number[0], "day": "2026-11-23"}
    data |= {"seq": int(number[1:]), "serial": int(number[1:])}
    return ev.Event.from_data(ev.TicketIssued.TYPE, when, data)


def test_the_definitions_on_hand_made_tickets(rules, store):
    a1, a2, a3 = "20261123-A001", "20261123-A002", "20261123-A003"
    store.append(
        [
            issued(a1, at(9)),
            issued(a2, at(9, 1)),
            issued(a3, at(10, 30)),
            # A001: waits 10 min (= the target: within), served 6 min (> 5 min limit: once,
            # although the alert also came), rated 非常满意.
            ev.TicketCalled(at=at(9, 10), ticket=a1, counter=1, staff="1011"),
            ev.TicketStarted(at=at(9, 10, 30), ticket=a1, counter=1, staff="1011"),
            ev.TicketOverdue(at=at(9, 15, 31), ticket=a1, counter=1, limit_s=300),
            ev.TicketDone(at=at(9, 16, 30), ticket=a1, counter=1),
            ev.TicketEvaluated(at=at(9, 17), ticket=a1, score=1, counter=1, source="evaluator"),
            # A002: waits 20 min (outside), transferred to B at counter 1 and served at
            # counter 3 for 15 min: one wait, one transfer from A, service time in B.
            ev.TicketCalled(at=at(9, 21), ticket=a2, counter=1, staff="1011"),
            ev.TicketStarted(at=at(9, 22), ticket=a2, counter=1, staff="1011"),
            ev.TicketTransferred(at=at(9, 24), ticket=a2, counter=1, to_service="B"),
            ev.TicketCalled(at=at(9, 40), ticket=a2, counter=3, staff="1031"),
            ev.TicketStarted(at=at(9, 41), ticket=a2, counter=3, staff="1031"),
            ev.TicketDone(at=at(9, 56), ticket=a2, counter=3),
            ev.TicketEvaluated(at=at(9, 57), ticket=a2, score=0, counter=3, source="touch"),
            # A003: called, no-show, never came back.
            ev.TicketCalled(at=at(10, 35), ticket=a3, counter=2),
            ev.TicketNoShow(at=at(10, 37), ticket=a3, counter=2),
        ]
    )
    rep = daily_report(store, rules, date(2026, 11, 23))
    services = {r["service"]: r for r in rep["services"]}
    a, b = services["A"], services["B"]
    assert (a["issued"], a["done"], a["transferred"], a["no_show"]) == (3, 1, 1, 1)
    assert a["mean_wait_s"] == round((600 + 1200 + 300) / 3, 1)
    assert a["within_target"] == round(2 / 3, 3)  # 10 and 5 min within 10; 20 min not
    assert (a["mean_service_s"], a["overdue"], a["satisfaction"], a["rated"]) == (360, 1, 1, 1)
    assert (b["issued"], b["done"], b["mean_service_s"], b["overdue"]) == (0, 1, 900, 0)
    assert (b["rated"], b["not_rated"], b["satisfaction"]) == (0, 1, None)
    counters = {r["counter"]: r for r in rep["counters"]}
    assert (counters[1]["tickets"], counters[1]["transferred"], counters[1]["done"]) == (2, 1, 1)
    assert (counters[3]["tickets"], counters[3]["mean_wait_s"]) == (1, None)  # not its wait
    staff = {r["staff"]: r for r in rep["staff"]}
    assert (staff["1011"]["tickets"], staff["1031"]["done"], staff[""]["no_show"]) == (2, 1, 1)
    assert rep["hourly_arrivals"][9] == 2 and rep["hourly_arrivals"][10] == 1


def test_p90_is_the_nearest_rank():
    assert p90([]) is None
    assert p90([5.0]) == 5.0
    assert p90([float(x) for x in range(1, 11)]) == 9.0
    assert p90([float(x) for x in range(1, 12)]) == 10.0


def test_the_month_view_shows_each_day_and_the_peaks_at_its_ends(rules, store):
    days = [date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 16), date(2026, 11, 30)]
    stories = {}
    for d in days:
        # The generator draws more people on the first and last days.
        stories[d] = generate_day(rules, d, 400 if d.day in (1, 30) else 200, seed=5)
        store.append(events_of(rules, stories[d]))
    rep = month_report(store, rules, "2026-11")
    assert (rep["first"], rep["last"], rep["open_days"]) == ("2026-11-01", "2026-11-30", 4)
    assert len(rep["days"]) == 30
    by_day = {r["date"]: r for r in rep["days"]}
    for d, day_stories in stories.items():
        want = expected(rules, day_stories)
        row = by_day[d.isoformat()]
        assert row["issued"] == len(day_stories)
        assert (row["done"], row["mean_wait_s"], row["satisfaction"]) == (
            want["total"]["done"],
            want["total"]["mean_wait_s"],
            want["total"]["satisfaction"],
        )
        assert row["hourly_arrivals"] == want["hourly_arrivals"]
    assert by_day["2026-11-03"]["issued"] == 0
    busiest = sorted(rep["days"], key=lambda r: r["issued"])[-2:]
    assert {r["date"] for r in busiest} == {"2026-11-01", "2026-11-30"}
    assert rep["issued"] == sum(len(s) for s in stories.values())
    assert rep["hourly_arrivals"] == [
        sum(by_day[d.isoformat()]["hourly_arrivals"][h] for d in days) for h in range(24)
    ]


def test_a_day_without_a_store_or_events_is_empty_not_an_error(rules, tmp_path):
    rep = daily_report(tmp_path / "nothing-here.db", rules, date(2026, 11, 23))
    assert rep["issued"] == 0 and rep["mean_wait_s"] is None and rep["satisfaction"] is None
    assert len(rep["services"]) == 5 and len(rep["counters"]) == 4 and rep["staff"] == []


def test_a_bad_period_is_refused(rules, store):
    with pytest.raises(ValueError):
        month_report(store, rules, "2026-13")
    with pytest.raises(ValueError):
        period_report(store, rules, date(2026, 11, 2), date(2026, 11, 1))


def test_a_closed_day_is_summarised_once_and_read_back_the_same(rules, store, tmp_path):
    days = [date(2026, 11, 2), date(2026, 11, 3)]
    for d in days:
        store.append(events_of(rules, generate_day(rules, d, 300, seed=9)))
    # Today: still open, no daily close yet.
    today = generate_day(rules, date(2026, 11, 4), 100, seed=9)
    store.append(events_of(rules, today, closed=False))
    first = month_report(store, rules, "2026-11")
    cache = tmp_path / "hall-reports.db"
    assert cache.exists()
    kept = {r[0] for r in sqlite3.connect(cache).execute("SELECT day FROM days")}
    assert kept == {"2026-11-02", "2026-11-03"}  # the open day is never kept
    again = month_report(store, rules, "2026-11")
    assert again == first
    assert daily_report(store, rules, date(2026, 11, 3)) == daily_report(
        tmp_path / "hall.db", rules, date(2026, 11, 3)
    )
    # The open day keeps counting: a ticket more shows at once.
    data = {"ticket": "20261104-E999", "number": "E999", "service": "E", "day": "2026-11-04"}
    data |= {"seq": 999, "serial": 999}
    store.append(
        [ev.Event.from_data(ev.TicketIssued.TYPE, datetime(2026, 11, 4, 16, tzinfo=TZ), data)]
    )
    assert month_report(store, rules, "2026-11")["issued"] == first["issued"] + 1


def test_kept_days_follow_a_change_of_targets(rules, store, tmp_path):
    import dataclasses

    d = date(2026, 11, 2)
    stories = generate_day(rules, d, 300, seed=4)
    store.append(events_of(rules, stories))
    before = daily_report(store, rules, d)
    a = rules.services["A"]
    stricter = dataclasses.replace(
        rules, services={**rules.services, "A": dataclasses.replace(a, target_wait_s=60)}
    )
    after = daily_report(store, stricter, d)
    a_before = next(s for s in before["services"] if s["service"] == "A")
    a_after = next(s for s in after["services"] if s["service"] == "A")
    assert a_after["within_target"] < a_before["within_target"]
    assert a_after["within_target"] == expected(stricter, stories)["services"]["A"]["within_target"]
