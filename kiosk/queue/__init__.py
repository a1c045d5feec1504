"""The queue rules: pure Python over typed dataclasses, no I/O, no Qt, no clock of its own.

Every operation is decided against the current state and returns the events it causes; the
caller makes them durable and then applies them. State is only ever changed by
:meth:`Queue.apply`, so replaying the event log rebuilds it exactly.
"""

from kiosk.queue.errors import QueueError
from kiosk.queue.events import Event
from kiosk.queue.model import (
    CounterDef,
    Priority,
    QueueRules,
    SelectionPolicy,
    ServiceDef,
    Ticket,
    TicketStatus,
)
from kiosk.queue.rules import Queue

__all__ = [
    "CounterDef",
    "Event",
    "Priority",
    "Queue",
    "QueueError",
    "QueueRules",
    "SelectionPolicy",
    "ServiceDef",
    "Ticket",
    "TicketStatus",
]
