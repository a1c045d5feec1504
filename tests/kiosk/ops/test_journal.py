"""Log records reach the journal's native protocol with the subsystem as a field."""

from __future__ import annotations

import logging
import socket

from kiosk.ops.journal import JournalHandler, encode_record


def parse(datagram: bytes) -> dict[str, str]:
    fields: dict[str, str] = {}
    rest = datagram
    while rest:
        line, _, tail = rest.partition(b"\n")
        if b"=" in line:
            key, _, value = line.partition(b"=")
            fields[key.decode()] = value.decode()
            rest = tail
        else:  # binary-safe field: name, 8-byte length, data, newline
            size = int.from_bytes(tail[:8], "little")
            fields[line.decode()] = tail[8 : 8 + size].decode()
            rest = tail[8 + size + 1 :]
    return fields


def test_records_go_to_the_journal_socket_with_subsystem_and_priority(tmp_path):
    path = tmp_path / "journal.socket"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(str(path))
    handler = JournalHandler("kiosk-hall", socket_path=str(path))
    logger = logging.getLogger("drivers.printer")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("打印机缺纸 (paper out)")
        server.settimeout(2)
        fields = parse(server.recv(65536))
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
        handler.close()
        server.close()
    assert fields["MESSAGE"] == "打印机缺纸 (paper out)"
    assert fields["KIOSK_SUBSYSTEM"] == "drivers.printer"
    assert fields["PRIORITY"] == "4" and fields["SYSLOG_IDENTIFIER"] == "kiosk-hall"


def test_multi_line_messages_use_the_binary_safe_form():
    record = logging.LogRecord("kiosk.hall", logging.ERROR, __file__, 1, "a\nb", None, None)
    fields = parse(encode_record(record, "kiosk-hall", "a\nb"))
    assert fields["MESSAGE"] == "a\nb" and fields["PRIORITY"] == "3"
