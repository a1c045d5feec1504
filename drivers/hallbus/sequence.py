"""Exactly-once key presses, seen from the master: which events of a device are new.

Kept apart from the bus master and free of I/O and clocks so every case of the protocol's
sequence rules (duplicates, the 255 → 1 wrap, a device that restarted) is a plain unit test.

The rules (hall bus v1, "Exactly-once key presses"):

* A device numbers its events 1..255 and then 1 again, keeps them until a POLL's ``ack_seq``
  covers them, and repeats unacknowledged ones in every EVENTS reply.
* The master applies an event only if its ``seq`` is new and acknowledges the newest one it
  applied in the next POLL.

What the protocol leaves implicit, and this class decides:

* "New" means up to half the cycle (127 steps) ahead of the last applied sequence; anything
  else (equal, or behind) is a repeat.
* A device that answered a POLL carrying ``ack_seq = A`` has dropped every event up to A, so
  a conformant device never replies with an event at or behind A. Seeing one means the device
  lost our acknowledgements: it restarted without us noticing the silence. One such reply
  may be a stray late answer, so it is ignored; a second in a row confirms the restart and the
  expected sequence starts over.
* After a silence long enough to mark the device offline, the master asks IDENTIFY and on INFO
  resets its expected sequence (the protocol's rule). The first POLL afterwards still carries
  the old ``ack_seq`` once: a device that did *not* restart drops what the master already
  applied (so nothing doubles), and a device that did restart holds no event with that
  number (it removes an acked event only if that very ``seq`` is in its ring, see
  ``docs/devices/hallbus.md``), so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from drivers.hallbus.codec import Event, seq_distance

AHEAD_WINDOW: Final = 127


def is_ahead(seq: int, last: int) -> bool:
    """True if ``seq`` comes after ``last`` (within half the 1..255 cycle)."""
    return 1 <= seq_distance(seq, last) <= AHEAD_WINDOW


class EventSequence:
    """Per-device bookkeeping of applied events. Not thread-safe: the bus worker owns it."""

    def __init__(self) -> None:
        self.last_applied = 0  # 0: nothing applied since start or reset, any seq is new
        self._stale_ack = 0
        self._restart_suspected = False
        self.applied = 0
        self.duplicates = 0
        self.skipped = 0  # events the device numbered but never sent (its ring overflowed)
        self.restarts = 0

    @property
    def ack_seq(self) -> int:
        """What the next POLL to this device carries."""
        return self._stale_ack or self.last_applied

    def device_reidentified(self) -> None:
        """The device answered IDENTIFY after being offline: it may have restarted."""
        if self.last_applied:
            self._stale_ack = self.last_applied
        self.last_applied = 0
        self._restart_suspected = False

    def nothing_pending(self) -> None:
        """The device answered a POLL with ACK: it holds no unacknowledged event."""
        self._stale_ack = 0
        self._restart_suspected = False

    def accept(self, events: Sequence[Event]) -> list[Event]:
        """The events of one EVENTS reply that must be applied, oldest first."""
        if self.last_applied and any(not is_ahead(e.seq, self.last_applied) for e in events):
            if not self._restart_suspected:
                self._restart_suspected = True
                return []
            self.restarts += 1
            self.last_applied = 0
        self._restart_suspected = False
        self._stale_ack = 0
        fresh: list[Event] = []
        for event in events:
            if self.last_applied and not is_ahead(event.seq, self.last_applied):
                self.duplicates += 1
                continue
            if self.last_applied:
                self.skipped += seq_distance(event.seq, self.last_applied) - 1
            fresh.append(event)
            self.last_applied = event.seq
        self.applied += len(fresh)
        return fresh

    @property
    def restart_suspected(self) -> bool:
        return self._restart_suspected
