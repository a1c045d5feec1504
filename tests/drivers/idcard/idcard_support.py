"""Shared by the ID-card tests: a recorder of the driver's callbacks."""

from __future__ import annotations

import threading
from collections.abc import Callable

from drivers.idcard import IdCard, IdCardReader

ReaderFactory = Callable[..., IdCardReader]


def hexbytes(text: str) -> bytes:
    return bytes.fromhex(text)


# The responses of shared/protocols/idcard.md, byte for byte (the one copy the tests use).
SAM_OK = hexbytes("AA AA AA 96 69 00 04 00 00 90 94")
FIND_OK = hexbytes("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97")
NO_CARD = hexbytes("AA AA AA 96 69 00 04 00 00 80 84")
SELECT_OK = hexbytes("AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C")
SELECT_FAILED = hexbytes("AA AA AA 96 69 00 04 00 00 81 85")
READ_FAILED = hexbytes("AA AA AA 96 69 00 04 00 00 41 45")


class Recorder:
    """Collects the driver's callbacks (called from its worker thread) in arrival order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []
        self._changed = threading.Condition()

    def _add(self, kind: str, value: object) -> None:
        with self._changed:
            self.events.append((kind, value))
            self._changed.notify_all()

    def on_card(self, card: IdCard) -> None:
        self._add("card", card)

    def on_error(self, message: str) -> None:
        self._add("error", message)

    def on_fault(self, message: str) -> None:
        self._add("fault", message)

    def on_recovered(self) -> None:
        self._add("recovered", None)

    def of(self, kind: str) -> list[object]:
        with self._changed:
            return [value for k, value in self.events if k == kind]

    def kinds(self) -> list[str]:
        with self._changed:
            return [k for k, _ in self.events]

    def wait_for(self, kind: str, count: int = 1, timeout_s: float = 5.0) -> list[object]:
        """The first ``count`` values of ``kind``; fails the test after ``timeout_s``."""
        with self._changed:
            arrived = self._changed.wait_for(lambda: len(self.of(kind)) >= count, timeout_s)
        values = self.of(kind)
        assert arrived, f"waited {timeout_s} s for {count} {kind!r}, got {self.events}"
        return values[:count]
