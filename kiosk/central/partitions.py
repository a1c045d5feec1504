"""PostgreSQL: the events table's partitions, by month and, inside each month, by hall.

``events`` is ``PARTITION BY RANGE (day)``; each month is a table ``events_y2026m11``
itself ``PARTITION BY HASH (hall)`` into ``hall_partitions`` leaves
(``events_y2026m11_h0`` …). Why (docs/sync.md, with the measurements): a month can be
detached whole for archiving (``detach_month``) while the fleet's figures stay in the
summaries; inside a month, a hall's events sit in one leaf of 1/N of the month, so reading a
hall's day (a live queue rebuilt, a content check) touches one small index, and 500 halls
inserting at once spread over N indexes. The hall is also the key a Citus cluster would
distribute by, so the same tables move to several servers without a new key.

Months are created ahead of time (the current month and ``MONTHS_AHEAD`` more, at start and
every hour by the supervisor), because creating a partition takes a lock on ``events`` that
waits for every push in flight; a batch for a month that does not exist yet (a hall back
after months offline, a clock set years ahead) creates it on the spot under an advisory lock.
Months before schema 2 (one plain table per month) stay as they are: a partitioned table may
mix both.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

MONTHS_AHEAD = 2
DEFAULT_HALL_PARTITIONS = 8
LOCK_KEY = 742001  # pg_advisory_xact_lock: one partition creator at a time
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_of(day: str | date) -> str:
    return str(day)[:7]


def next_month(month: str) -> str:
    y, m = int(month[:4]), int(month[5:7])
    return f"{y + (m == 12):04d}-{1 if m == 12 else m + 1:02d}"


def months_from(first: date, count: int) -> list[str]:
    out = [month_of(first)]
    while len(out) < count:
        out.append(next_month(out[-1]))
    return out


def table_name(month: str) -> str:
    found = _MONTH.match(month)
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise ValueError(f"expected a month YYYY-MM, got {month!r}")
    return f"events_y{found.group(1)}m{found.group(2)}"


def create_month(cur: Any, month: str, hall_partitions: int) -> bool:
    """Create a month's partition (and its hash leaves) unless it exists; True if created.
    The caller holds a transaction; the advisory lock makes concurrent creators wait."""
    name = table_name(month)
    cur.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
    cur.execute("SELECT to_regclass(%s) IS NOT NULL", (name,))
    if cur.fetchone()[0]:
        return False
    bounds = f"FOR VALUES FROM ('{month}-01') TO ('{next_month(month)}-01')"
    if hall_partitions <= 1:
        cur.execute(f"CREATE TABLE {name} PARTITION OF events {bounds}")
        return True
    cur.execute(f"CREATE TABLE {name} PARTITION OF events {bounds} PARTITION BY HASH (hall)")
    for i in range(hall_partitions):
        cur.execute(
            f"CREATE TABLE {name}_h{i} PARTITION OF {name} "
            f"FOR VALUES WITH (MODULUS {hall_partitions}, REMAINDER {i})"
        )
    return True


def attached_months(cur: Any) -> list[str]:
    """The months attached to ``events``, oldest first."""
    cur.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'events'::regclass"
    )
    out = []
    for (name,) in cur.fetchall():
        found = re.fullmatch(r"events_y(\d{4})m(\d{2})", name)
        if found:
            out.append(f"{found.group(1)}-{found.group(2)}")
    return sorted(out)


def leaves(cur: Any, month: str) -> list[str]:
    """The hash leaves of a month (empty for a month kept as one table)."""
    cur.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = to_regclass(%s) ORDER BY c.relname",
        (table_name(month),),
    )
    return [r[0] for r in cur.fetchall()]


def detach_month(cur: Any, month: str) -> str:
    """Detach a month from ``events``: its table stays, on its own, for ``pg_dump -t`` and
    ``DROP TABLE`` (the summaries of its days stay in ``hall_day``). Returns the table."""
    name = table_name(month)
    if month not in attached_months(cur):
        raise ValueError(f"month {month} is not attached to events")
    cur.execute(f"ALTER TABLE events DETACH PARTITION {name}")
    return name
