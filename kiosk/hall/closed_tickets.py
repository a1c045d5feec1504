"""A ticket of a day the queue no longer holds, answered from the log with its final state.

After a full daily close (by hand, or the next morning's rollover) the live queue drops the
day's tickets: nothing of that day can change any more. A customer's phone or a ticket
printed yesterday may still ask ``GET /api/v1/tickets/{id}``; the answer is the ticket as the
day left it (``expired`` when it was still open at the close, ``done``, ``no_show``…), not
404 as if it had never been issued. Only that ticket's events are read (the log's ``ticket``
index) and replayed through the same rules: one ticket's events alone give the state a whole
day's replay gives it (a test compares both over a busy day).
"""

from __future__ import annotations

from datetime import datetime

from kiosk.hall.views import TicketView
from kiosk.queue import Queue, Ticket
from kiosk.queue.model import QueueRules
from kiosk.store import EventStore


def closed_ticket(store: EventStore, rules: QueueRules, ticket_id: str) -> TicketView | None:
    """The ticket as its events left it, or None when the log has no such ticket."""
    replay = Queue(rules)
    for stored in store.events_of_ticket(ticket_id):
        try:
            replay.apply(stored.event)
        except KeyError:  # a counter or service the configuration no longer has
            continue
    t = replay.tickets.get(ticket_id)
    return None if t is None else _view(rules, t)


def _view(rules: QueueRules, t: Ticket) -> TicketView:
    spec = rules.services.get(t.service)
    return TicketView(
        id=t.id,
        number=t.number,
        service=t.service,
        service_name=spec.name if spec else t.service,
        service_name_en=spec.name_en if spec else t.service,
        status=t.status.value,
        priority=t.priority.value if t.priority else None,
        issued_at=t.issued_at.isoformat(),
        ahead=None,  # nobody is ahead of a ticket of a closed day: it will not be called
        estimated_wait_s=None,
        counters=[],
        counter=t.counter,
        called_at=_iso(t.called_at),
        started_at=_iso(t.started_at),
        finished_at=_iso(t.finished_at),
        recalls=t.recalls,
        transfers=t.transfers,
        original_service=t.original_service,
        first_staff=t.first_staff,
        identified=t.identified,
        score=t.score,
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
