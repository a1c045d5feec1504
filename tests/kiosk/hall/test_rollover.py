"""The first request of a new day rolls the open day over and is answered: the rollover's
events and the request's are written once each, in one batch."""

from __future__ import annotations

import sqlite3

from tests.helpers.hall import morning, running_hall


def test_the_first_request_of_a_day_closes_the_last_one_and_is_answered(tmp_path):
    with running_hall(tmp_path / "data") as (app, api, clock):
        api.issue("A")
        api.issue("A")
        api.counter(1, "call-next")
        clock.set(morning(8, 45, day=24))
        t = api.issue("B")  # was 503: the issue's event written twice (a duplicate seq)
        assert t["number"] == "B001" and t["id"].startswith("20261124-")
        conn = sqlite3.connect(app.config.data_path() / "hall.db")
        try:
            rows = conn.execute("SELECT seq, type FROM events ORDER BY seq").fetchall()
        finally:
            conn.close()
    assert [seq for seq, _ in rows] == list(range(1, len(rows) + 1))
    assert [kind for _, kind in rows[3:]] == [
        "ticket.expired",
        "ticket.expired",
        "day.closed",
        "ticket.issued",
    ]
