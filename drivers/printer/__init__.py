"""The ticket printer: ESC/POS through python-escpos, GB18030 text and native QR.

- :mod:`drivers.printer.ticket` — content dataclasses, layout and rendering (pure).
- :mod:`drivers.printer.status` — real-time status bytes (pure).
- :mod:`drivers.printer.escpos_ext` — what python-escpos 3.1 lacks, added as a subclass.
- :mod:`drivers.printer.driver` — :class:`TicketPrinter`, the worker that owns the port.
"""

from drivers.printer.driver import (
    PrinterSettings,
    PrintOutcome,
    PrintResult,
    TicketPrinter,
    open_backend,
)
from drivers.printer.status import PaperLevel, PrinterFault, PrinterStatus
from drivers.printer.ticket import (
    StatementContent,
    TicketContent,
    layout,
    render,
    render_statement,
    render_ticket,
    typical_ticket,
)

__all__ = [
    "PaperLevel",
    "PrintOutcome",
    "PrintResult",
    "PrinterFault",
    "PrinterSettings",
    "PrinterStatus",
    "StatementContent",
    "TicketContent",
    "TicketPrinter",
    "layout",
    "open_backend",
    "render",
    "render_statement",
    "render_ticket",
    "typical_ticket",
]
