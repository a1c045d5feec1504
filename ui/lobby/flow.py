"""The one place a customer's personal data lives while the lobby serves them.

A flow starts when a customer starts something (a ticket, a bill lookup, the green channel)
and ends when the screen goes home, by a tap, after the ticket, or after 60 s untouched:
:meth:`Flow.clear` then drops everything. Nothing here is logged, nothing is written to
disk; the ID number leaves the box only in the request that needs it (the ticket, or the
accounts lookup) and is dropped from the flow as soon as that request is sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class IdCardRead:
    """What the hall told this kiosk about the card on its reader (``id_card.read``)."""

    id_number: str = field(repr=False)
    name: str = field(repr=False)
    name_masked: str
    id_masked: str
    age: int
    elderly: bool
    expired: bool

    @classmethod
    def from_message(cls, msg: dict[str, Any]) -> IdCardRead:
        return cls(
            id_number=str(msg.get("id_number", "")),
            name=str(msg.get("name", "")),
            name_masked=str(msg.get("name_masked", "")),
            id_masked=str(msg.get("id_masked", "")),
            age=int(msg.get("age", 0)),
            elderly=bool(msg.get("elderly", False)),
            expired=bool(msg.get("expired", False)),
        )


@dataclass
class Flow:
    # "" (nothing under way), "ticket", "bills", "green" or "admin"
    purpose: str = ""
    service: str | None = None
    priority: str | None = None
    id_card: IdCardRead | None = field(default=None, repr=False)
    account: str | None = field(default=None, repr=False)
    # accounts found for an ID card (account numbers and masked names)
    accounts: list[dict[str, Any]] = field(default_factory=list, repr=False)
    bill: dict[str, Any] | None = field(default=None, repr=False)
    # the ticket issued (no personal data: number, service, ahead, wait, counters)
    ticket: dict[str, Any] | None = None

    def start(self, purpose: str) -> None:
        self.clear()
        self.purpose = purpose

    def clear(self) -> None:
        self.purpose = ""
        self.service = None
        self.priority = None
        self.ticket = None
        self.forget_personal()

    def forget_personal(self) -> None:
        self.id_card = None
        self.account = None
        self.accounts = []
        self.bill = None

    def has_personal_data(self) -> bool:
        return bool(self.id_card or self.account or self.accounts or self.bill)

    def ticket_request(self) -> dict[str, Any]:
        """The body of ``POST /api/v1/tickets`` for this flow."""
        body: dict[str, Any] = {"service": self.service}
        if self.priority:
            body["priority"] = self.priority
        if self.id_card is not None:
            body["id_card"] = {"id_number": self.id_card.id_number, "name": self.id_card.name}
        if self.account:
            body["account"] = self.account
        return body
