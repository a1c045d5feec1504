"""Logging to the systemd journal with the subsystem as a field, without libsystemd.

Each record goes to the journal's native socket with ``KIOSK_SUBSYSTEM`` (the logger's name,
e.g. ``kiosk.hall``, ``drivers.printer``), so ``journalctl KIOSK_SUBSYSTEM=drivers.printer``
shows one subsystem; ``kiosk logs`` wraps it. Outside systemd, records go to stderr. No log
line carries personal data: callers log masked forms at most (see kiosk/privacy.py).
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import traceback

JOURNAL_SOCKET = "/run/systemd/journal/socket"
# syslog priorities
_PRIORITY = {
    logging.DEBUG: 7,
    logging.INFO: 6,
    logging.WARNING: 4,
    logging.ERROR: 3,
    logging.CRITICAL: 2,
}


def _field(name: str, value: str) -> bytes:
    data = value.encode("utf-8", "replace")
    if b"\n" not in data:
        return name.encode() + b"=" + data + b"\n"
    # Binary-safe form for multi-line values: name, newline, 64-bit LE length, data.
    return name.encode() + b"\n" + len(data).to_bytes(8, "little") + data + b"\n"


def encode_record(record: logging.LogRecord, identifier: str, message: str) -> bytes:
    fields = [
        _field("MESSAGE", message),
        _field("PRIORITY", str(_PRIORITY.get(record.levelno, 6))),
        _field("SYSLOG_IDENTIFIER", identifier),
        _field("KIOSK_SUBSYSTEM", record.name),
        _field("CODE_FILE", record.pathname),
        _field("CODE_LINE", str(record.lineno)),
        _field("CODE_FUNC", record.funcName or ""),
    ]
    return b"".join(fields)


class JournalHandler(logging.Handler):
    def __init__(self, identifier: str, socket_path: str = JOURNAL_SOCKET) -> None:
        super().__init__()
        self.identifier = identifier
        self.socket_path = socket_path
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
            if record.exc_info:
                message += "\n" + "".join(traceback.format_exception(*record.exc_info))
            self._sock.sendto(encode_record(record, self.identifier, message), self.socket_path)
        except Exception:
            self.handleError(record)

    def close(self) -> None:
        self._sock.close()
        super().close()


def setup_logging(identifier: str, *, verbose: bool = False) -> None:
    """The journal when run by systemd (it sets $JOURNAL_STREAM), else stderr."""
    level = logging.DEBUG if verbose else logging.INFO
    root = logging.getLogger()
    root.setLevel(level)
    for h in list(root.handlers):
        root.removeHandler(h)
    handler: logging.Handler
    if os.environ.get("JOURNAL_STREAM") and os.path.exists(JOURNAL_SOCKET):
        handler = JournalHandler(identifier)
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
