"""The fleet's figures per hall and per day, kept as events arrive (pure, no I/O).

Central never scans raw events for a report: every push updates, in the same transaction
that stores it, one ``hall_day`` row per business day the batch touches (plus one
``hall_day_counts`` row per complaint or booking status). :func:`summarise` is the reducer
that turns a batch into those deltas. What it must remember between batches (a ticket issued
in one push and called in the next) is the hall's *pending* state: the tickets still open,
a few numbers each, stored with the hall's cursor (``hall_state.pending``) so any worker
process can take the next batch.

Definitions, the hall's own (``kiosk/hall/reports.py``, docs/counter.md):

- **tickets**: ``ticket.issued`` on that day.
- **wait**: issue → first call, once per ticket (a transfer keeps the issue time); **within
  target** when it is at most the target wait of the service the ticket was taken for.
- **service time**: start (or the call when staff finished without starting) → 办结; a
  session **past the time limit** (overtime) is counted once, by its ``ticket.overdue`` alert
  or by its length.
- **satisfaction**: share of 1 非常满意 + 2 满意 among the rated; 0 (not rated) apart. One
  direction everywhere: higher is better.
- **complaints** (issue 14) and **bookings** (issue 15) are whatever those features emit as
  ``complaint.<status>`` / ``booking.<status>`` events: each is counted under its full type
  on its day, so a new status needs no change here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

DEFAULT_TARGET_S = 15 * 60  # kiosk.config.ServiceSettings.target_wait_min's default
COUNTED_PREFIXES = ("complaint.", "booking.")
PENDING_MAX_AGE_S = 3 * 86400  # an open ticket older than this is dropped from the state

# Columns of hall_day after (hall, day), in order; every one is a sum over events.
COLUMNS = (
    "events",
    "issued",
    "called",
    "done",
    "no_show",
    "transferred",
    "cancelled",
    "expired",
    "waits",
    "wait_sum_s",
    "within_target",
    "served",
    "service_sum_s",
    "overtime",
    "not_rated",
    "score_1",
    "score_2",
    "score_3",
    "score_4",
)
FLOAT_COLUMNS = frozenset({"wait_sum_s", "service_sum_s"})


@dataclass
class DayDelta:
    """What one batch adds to one (hall, day)."""

    values: dict[str, float] = field(default_factory=lambda: dict.fromkeys(COLUMNS, 0))
    counts: dict[str, int] = field(default_factory=dict)  # complaint.* / booking.* by type

    def add(self, column: str, amount: float = 1) -> None:
        self.values[column] += amount


@dataclass(frozen=True)
class ServiceTargets:
    """Per service code: (target wait, time limit) in seconds; 0 limit means none."""

    by_service: Mapping[str, tuple[int, int]] = field(default_factory=dict)

    def target_s(self, service: str) -> int:
        return self.by_service.get(service, (DEFAULT_TARGET_S, 0))[0]

    def limit_s(self, service: str) -> int:
        return self.by_service.get(service, (DEFAULT_TARGET_S, 0))[1]


# One open ticket in the pending state: [issued epoch, service taken, service now, called
# once (0/1), session began epoch or None, overdue counted this session (0/1)].
_ISSUED, _TAKEN, _NOW, _CALLED, _BEGAN, _OVERDUE = range(6)


class _Pass:
    """One batch through the reducer."""

    def __init__(self, pending: dict[str, list[Any]], targets: ServiceTargets) -> None:
        self.pending = pending
        self.targets = targets
        self.days: dict[str, DayDelta] = {}

    def day(self, day: str) -> DayDelta:
        d = self.days.get(day)
        if d is None:
            d = self.days[day] = DayDelta()
        return d

    # Each handler gets the day's delta, the event's epoch seconds, its ticket and data.
    def issued(self, d: DayDelta, t: float, ticket: str | None, data: dict[str, Any]) -> None:
        d.add("issued")
        if ticket:
            service = str(data.get("service", ""))
            self.pending[ticket] = [t, service, service, 0, None, 0]

    def called(self, d: DayDelta, t: float, ticket: str | None, data: dict[str, Any]) -> None:
        p = self.pending.get(ticket or "")
        if p is None:
            return
        if not p[_CALLED]:
            wait = max(0.0, t - p[_ISSUED])
            d.add("called")
            d.add("waits")
            d.add("wait_sum_s", wait)
            if wait <= self.targets.target_s(p[_TAKEN]):
                d.add("within_target")
            p[_CALLED] = 1
        p[_BEGAN], p[_OVERDUE] = t, 0

    def started(self, d: DayDelta, t: float, ticket: str | None, data: dict[str, Any]) -> None:
        p = self.pending.get(ticket or "")
        if p is not None:
            p[_BEGAN] = t

    def done(self, d: DayDelta, t: float, ticket: str | None, data: dict[str, Any]) -> None:
        d.add("done")
        p = self.pending.pop(ticket or "", None)
        if p is None or p[_BEGAN] is None:
            return
        length = max(0.0, t - p[_BEGAN])
        d.add("served")
        d.add("service_sum_s", length)
        limit = self.targets.limit_s(p[_NOW])
        if limit and length > limit and not p[_OVERDUE]:
            d.add("overtime")

    def overdue(self, d: DayDelta, t: float, ticket: str | None, data: dict[str, Any]) -> None:
        p = self.pending.get(ticket or "")
        if p is None:
            d.add("overtime")
        elif not p[_OVERDUE]:
            d.add("overtime")
            p[_OVERDUE] = 1

    def no_show(self, d: DayDelta, t: float, ticket: str | None, data: dict[str, Any]) -> None:
        d.add("no_show")
        self._end_session(ticket)

    def transferred(self, d: DayDelta, t: float, ticket: str | None, data: dict[str, Any]) -> None:
        d.add("transferred")
        p = self._end_session(ticket)
        if p is not None and data.get("to_service"):
            p[_NOW] = str(data["to_service"])

    def cancelled(self, d: DayDelta, t: float, ticket: str | None, data: dict[str, Any]) -> None:
        d.add("cancelled")
        self.pending.pop(ticket or "", None)

    def expired(self, d: DayDelta, t: float, ticket: str | None, data: dict[str, Any]) -> None:
        d.add("expired")
        self.pending.pop(ticket or "", None)

    def evaluated(self, d: DayDelta, t: float, ticket: str | None, data: dict[str, Any]) -> None:
        score = data.get("score")
        if score in (1, 2, 3, 4):
            d.add(f"score_{score}")
        else:
            d.add("not_rated")

    def _end_session(self, ticket: str | None) -> list[Any] | None:
        p = self.pending.get(ticket or "")
        if p is not None:
            p[_BEGAN], p[_OVERDUE] = None, 0
        return p


_Handler = Callable[[_Pass, DayDelta, float, "str | None", "dict[str, Any]"], None]
HANDLERS: dict[str, _Handler] = {
    "ticket.issued": _Pass.issued,
    "ticket.called": _Pass.called,
    "ticket.started": _Pass.started,
    "ticket.done": _Pass.done,
    "ticket.overdue": _Pass.overdue,
    "ticket.no_show": _Pass.no_show,
    "ticket.transferred": _Pass.transferred,
    "ticket.cancelled": _Pass.cancelled,
    "ticket.expired": _Pass.expired,
    "ticket.evaluated": _Pass.evaluated,
}


def summarise(
    events: Iterable[Any], pending: dict[str, list[Any]], targets: ServiceTargets
) -> dict[str, DayDelta]:
    """The deltas of ``events`` (in sequence order) per business day; ``pending`` is updated
    in place with the tickets still open afterwards."""
    p = _Pass(pending, targets)
    latest = 0.0
    for e in events:
        d = p.day(e.day)
        d.add("events")
        t = datetime.fromisoformat(e.at).timestamp()
        latest = max(latest, t)
        handler = HANDLERS.get(e.type)
        if handler is not None:
            handler(p, d, t, e.ticket, e.data)
        elif e.type.startswith(COUNTED_PREFIXES):
            d.counts[e.type] = d.counts.get(e.type, 0) + 1
    stale = [k for k, v in pending.items() if latest - v[_ISSUED] > PENDING_MAX_AGE_S]
    for k in stale:
        del pending[k]
    return p.days


def targets_of_fragment(text: str) -> ServiceTargets:
    """Service targets from a hall's configuration fragment (central's ``hall_configs``)."""
    import tomllib

    try:
        services = tomllib.loads(text).get("services", [])
    except tomllib.TOMLDecodeError:
        return ServiceTargets()
    out: dict[str, tuple[int, int]] = {}
    for s in services:
        if isinstance(s, dict) and isinstance(s.get("code"), str):
            out[s["code"]] = (
                int(s.get("target_wait_min", DEFAULT_TARGET_S // 60)) * 60,
                int(s.get("time_limit_min", 0)) * 60,
            )
    return ServiceTargets(out)


def figures(row: Mapping[str, Any]) -> dict[str, Any]:
    """The derived figures of a summed row (one hall-day, a hall's period, the fleet)."""
    rated = sum(int(row[f"score_{s}"]) for s in (1, 2, 3, 4))
    waits = int(row["waits"])
    served = int(row["served"])
    return {
        "tickets": int(row["issued"]),
        "called": int(row["called"]),
        "done": int(row["done"]),
        "no_show": int(row["no_show"]),
        "transferred": int(row["transferred"]),
        "cancelled": int(row["cancelled"]),
        "expired": int(row["expired"]),
        "mean_wait_s": round(float(row["wait_sum_s"]) / waits, 1) if waits else None,
        "within_target": round(int(row["within_target"]) / waits, 3) if waits else None,
        "mean_service_s": round(float(row["service_sum_s"]) / served, 1) if served else None,
        "overtime": int(row["overtime"]),
        "rated": rated,
        "not_rated": int(row["not_rated"]),
        "satisfaction": (
            round((int(row["score_1"]) + int(row["score_2"])) / rated, 3) if rated else None
        ),
        "scores": {str(s): int(row[f"score_{s}"]) for s in (1, 2, 3, 4)},
    }


def split_counts(counts: Mapping[str, int]) -> dict[str, Any]:
    """complaint.* and booking.* counts as the fleet shows them."""
    complaints = {
        k[len("complaint.") :]: v for k, v in counts.items() if k.startswith("complaint.")
    }
    bookings = {k[len("booking.") :]: v for k, v in counts.items() if k.startswith("booking.")}
    return {
        "complaints": dict(sorted(complaints.items())),
        "bookings": bookings.get("created", 0),
        "booking_no_shows": bookings.get("no_show", 0),
        "booking_events": dict(sorted(bookings.items())),
    }
