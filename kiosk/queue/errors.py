"""Refusals. Each says why, in words staff can act on, and has a stable machine code.

Messages are Chinese first: the template is the gettext msgid (see :mod:`kiosk.i18n`), the
parameters are kept apart so the API can render the message in the caller's language.
"""

from __future__ import annotations

from typing import Any


class QueueError(Exception):
    """An operation the queue's current state does not allow. Nothing was changed."""

    code = "queue_error"
    http_status = 409

    def __init__(self, template: str, **params: Any) -> None:
        self.template = template
        self.params = params
        self.message = template.format(**params)
        super().__init__(self.message)


class InvalidRequest(QueueError):
    code = "invalid_request"
    http_status = 400


class UnknownService(QueueError):
    code = "unknown_service"
    http_status = 404


class UnknownCounter(QueueError):
    code = "unknown_counter"
    http_status = 404


class UnknownTicket(QueueError):
    code = "unknown_ticket"
    http_status = 404


class NoCounterServes(QueueError):
    code = "no_counter_serves"


class CounterPaused(QueueError):
    code = "counter_paused"


class CounterNotPaused(QueueError):
    code = "counter_not_paused"


class NoCurrentTicket(QueueError):
    code = "no_current_ticket"


class WrongTicketState(QueueError):
    code = "wrong_ticket_state"


class RecallLimitReached(QueueError):
    code = "recall_limit_reached"


class AlreadyEvaluated(QueueError):
    code = "already_evaluated"


class DayClosed(QueueError):
    code = "day_closed"


class NumbersExhausted(QueueError):
    code = "numbers_exhausted"


class StaffLoginConflictError(QueueError):
    """Two staff at one counter, or one staff member at two counters."""

    code = "staff_login_conflict"


class StaffNotLoggedInError(QueueError):
    code = "staff_not_logged_in"
