"""Real-time status of an ESC/POS printer, decoded from ``DLE EOT n`` replies (pure, no I/O).

Each query ``10 04 n`` (n = 1..4) is answered with one byte whose bit 1 and bit 4 are always
set and bit 0 and bit 7 always clear (``shared/protocols/ticket.md``). A byte that breaks
that rule is not a status reply (line noise, a reply to something else, a wrong baud rate)
and raises :class:`~drivers.errors.ProtocolError` rather than being guessed at.

A printer that does not answer within :data:`STATUS_TIMEOUT_S` is offline; that case has no
byte to decode and is represented by :data:`SILENT`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from drivers import device_states
from drivers.errors import ProtocolError

DEVICE = "printer"

#: A printer that has not answered a real-time query within this time is offline.
STATUS_TIMEOUT_S = 0.3

#: The fixed bits of every status byte: these must be 1 ...
FIXED_ONES = 0b0001_0010
#: ... and these must be 0.
FIXED_ZEROS = 0b1000_0001


class StatusQuery(enum.IntEnum):
    """The ``n`` of ``DLE EOT n``."""

    PRINTER = 1
    OFFLINE_CAUSE = 2
    ERROR_CAUSE = 3
    PAPER = 4

    @property
    def command(self) -> bytes:
        return bytes((0x10, 0x04, int(self)))


# DLE EOT 1: printer status
PRINTER_OFFLINE = 0x08
# DLE EOT 2: offline cause
COVER_OPEN = 0x04
FEED_BUTTON = 0x08
STOPPED_BY_PAPER_END = 0x20
ERROR_OCCURRED = 0x40
# DLE EOT 3: error cause
CUTTER_ERROR = 0x08
UNRECOVERABLE_ERROR = 0x20
AUTO_RECOVERABLE_ERROR = 0x40
# DLE EOT 4: paper roll sensors (two bits each; either set counts)
PAPER_NEAR_END = 0x0C
PAPER_END = 0x60


class PaperLevel(enum.StrEnum):
    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"


class PrinterFault(enum.StrEnum):
    """Why a printer cannot print now; ``message`` is Chinese first, for the hall staff."""

    UNAVAILABLE = "unavailable"
    OFFLINE = "offline"
    COVER_OPEN = "cover_open"
    PAPER_OUT = "paper_out"
    CUTTER_ERROR = "cutter_error"
    UNRECOVERABLE = "unrecoverable"
    ERROR = "error"
    BAD_REPLY = "bad_reply"
    WRITE_TIMEOUT = "write_timeout"

    @property
    def message(self) -> str:
        return _FAULT_MESSAGES[self]

    @property
    def during_print_message(self) -> str:
        """The same fault found right after a ticket was sent: it may be incomplete."""
        return _DURING_PRINT_MESSAGES.get(self, f"打印后检测到故障，票据可能不完整：{self.message}")


# The words are the hall's one table of device states (drivers/device_states.py), so the
# reason a ticket did not print and the printer's line in ``kiosk devices`` say the same.
_FAULT_MESSAGES = {fault: device_states.message("printer", fault.value) for fault in PrinterFault}

_DURING_PRINT_MESSAGES = {
    PrinterFault.PAPER_OUT: "打印中缺纸，票据可能不完整 (paper ran out while printing)",
    PrinterFault.COVER_OPEN: "打印中打印机盖被打开，票据可能不完整 (cover opened while printing)",
    PrinterFault.OFFLINE: "打印后打印机无应答，票据可能未打印 (no status after printing)",
    PrinterFault.UNAVAILABLE: "打印中连接中断，票据可能未打印 (port lost while printing)",
}

#: Shown with a ticket printed while the near-end sensor is on: it printed, but staff
#: should change the roll soon.
PAPER_NEAR_END_WARNING = device_states.message("printer", "paper_near_end")


@dataclass(frozen=True)
class PrinterStatus:
    """What the four real-time replies say, merged.

    ``answering`` is False when the printer did not reply at all (then ``online`` is False
    and the other fields are unknown, left at their defaults).
    """

    online: bool
    cover_open: bool = False
    paper: PaperLevel = PaperLevel.OK
    cutter_error: bool = False
    unrecoverable: bool = False
    auto_recoverable: bool = False
    error: bool = False
    answering: bool = True

    @property
    def fault(self) -> PrinterFault | None:
        """The reason this printer cannot print, most actionable first; None when it can."""
        if not self.answering:
            return PrinterFault.OFFLINE
        if self.cover_open:
            return PrinterFault.COVER_OPEN
        if self.paper is PaperLevel.OUT:
            return PrinterFault.PAPER_OUT
        if self.cutter_error:
            return PrinterFault.CUTTER_ERROR
        if self.unrecoverable:
            return PrinterFault.UNRECOVERABLE
        if self.error or self.auto_recoverable:
            return PrinterFault.ERROR
        if not self.online:
            return PrinterFault.OFFLINE
        return None

    @property
    def can_print(self) -> bool:
        return self.fault is None

    @property
    def warnings(self) -> tuple[str, ...]:
        return (PAPER_NEAR_END_WARNING,) if self.paper is PaperLevel.NEAR_END else ()


def state_key(status: PrinterStatus | None, fault: PrinterFault | None) -> str:
    """The printer's one state, a key of :data:`drivers.device_states.STATES`: its fault
    when it cannot print, else its paper (near end still prints), else ok; ``unknown``
    before the first status read."""
    if fault is not None:
        return fault.value
    if status is None:
        return "unknown"
    if status.fault is not None:
        return status.fault.value
    return "paper_near_end" if status.paper is PaperLevel.NEAR_END else "ok"


#: The status of a printer that did not answer.
SILENT = PrinterStatus(online=False, answering=False)


def check_status_byte(query: int, value: int) -> int:
    """Return ``value`` if it is a well-formed reply to ``DLE EOT query``, else raise."""
    if query not in (1, 2, 3, 4):
        raise ValueError(f"DLE EOT {query}: only 1..4 are status queries")
    if not 0 <= value <= 0xFF:
        raise ValueError(f"not a byte: {value}")
    if value & FIXED_ONES != FIXED_ONES or value & FIXED_ZEROS:
        raise ProtocolError(
            DEVICE,
            f"reply 0x{value:02X} to DLE EOT {query} is not a status byte "
            "(bits 1 and 4 must be 1, bits 0 and 7 must be 0): wrong baud rate or line noise?",
            bytes((value,)),
        )
    return value


def decode_status_reply(query: int, reply: bytes) -> int:
    """The status byte in ``reply`` (exactly one byte) to ``DLE EOT query``."""
    if len(reply) != 1:
        raise ProtocolError(
            DEVICE,
            f"DLE EOT {query} expects a one-byte reply, got {len(reply)} bytes",
            bytes(reply[:8]),
        )
    return check_status_byte(query, reply[0])


def decode_paper(value: int) -> PaperLevel:
    check_status_byte(StatusQuery.PAPER, value)
    if value & PAPER_END:
        return PaperLevel.OUT
    if value & PAPER_NEAR_END:
        return PaperLevel.NEAR_END
    return PaperLevel.OK


def decode_status(printer: int, offline_cause: int, error_cause: int, paper: int) -> PrinterStatus:
    """Merge the replies to ``DLE EOT 1``, ``2``, ``3`` and ``4`` into one status."""
    check_status_byte(StatusQuery.PRINTER, printer)
    check_status_byte(StatusQuery.OFFLINE_CAUSE, offline_cause)
    check_status_byte(StatusQuery.ERROR_CAUSE, error_cause)
    level = decode_paper(paper)
    if offline_cause & STOPPED_BY_PAPER_END:
        level = PaperLevel.OUT
    return PrinterStatus(
        online=not printer & PRINTER_OFFLINE,
        cover_open=bool(offline_cause & COVER_OPEN),
        paper=level,
        cutter_error=bool(error_cause & CUTTER_ERROR),
        unrecoverable=bool(error_cause & UNRECOVERABLE_ERROR),
        auto_recoverable=bool(error_cause & AUTO_RECOVERABLE_ERROR),
        error=bool(offline_cause & ERROR_OCCURRED),
    )


def decode_replies(replies: dict[int, bytes]) -> PrinterStatus:
    """Status from raw replies keyed by query; a missing or empty reply means not answering."""
    values: list[int] = []
    for query in StatusQuery:
        reply = replies.get(query, b"")
        if not reply:
            return SILENT
        values.append(decode_status_reply(query, reply))
    return decode_status(*values)
