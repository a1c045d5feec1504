"""Real-time status bytes (DLE EOT 1..4) decoded as ticket.md specifies."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.errors import ProtocolError
from drivers.printer.status import (
    SILENT,
    PaperLevel,
    PrinterFault,
    PrinterStatus,
    StatusQuery,
    check_status_byte,
    decode_paper,
    decode_replies,
    decode_status,
    decode_status_reply,
)

OK = 0x12


def test_typical_paper_replies_of_the_spec() -> None:
    assert decode_paper(0x12) is PaperLevel.OK
    assert decode_paper(0x1E) is PaperLevel.NEAR_END
    assert decode_paper(0x72) is PaperLevel.OUT


def test_all_quiet_means_online_and_able_to_print() -> None:
    status = decode_status(OK, OK, OK, OK)
    assert status == PrinterStatus(online=True)
    assert status.can_print and status.fault is None and status.warnings == ()


def test_cover_open_is_offline_with_its_own_reason() -> None:
    status = decode_status(OK | 0x08, OK | 0x04, OK, OK)
    assert not status.online and status.cover_open
    assert status.fault is PrinterFault.COVER_OPEN
    assert status.fault.message.startswith("打印机盖未合上")


def test_paper_out_from_the_sensor_or_from_the_offline_cause() -> None:
    assert decode_status(OK | 0x08, OK, OK, 0x72).fault is PrinterFault.PAPER_OUT
    stopped = decode_status(OK | 0x08, OK | 0x20, OK, OK)
    assert stopped.paper is PaperLevel.OUT
    assert PrinterFault.PAPER_OUT.message.startswith("打印机缺纸")


def test_near_end_is_a_warning_not_a_fault() -> None:
    status = decode_status(OK, OK, OK, 0x1E)
    assert status.can_print
    assert status.warnings and status.warnings[0].startswith("打印纸将尽")


@pytest.mark.parametrize(
    ("error_cause", "field", "fault"),
    [
        (OK | 0x08, "cutter_error", PrinterFault.CUTTER_ERROR),
        (OK | 0x20, "unrecoverable", PrinterFault.UNRECOVERABLE),
        (OK | 0x40, "auto_recoverable", PrinterFault.ERROR),
    ],
)
def test_error_causes(error_cause: int, field: str, fault: PrinterFault) -> None:
    status = decode_status(OK | 0x08, OK | 0x40, error_cause, OK)
    assert getattr(status, field)
    assert status.fault is fault


def test_offline_without_a_known_cause_is_offline() -> None:
    assert decode_status(OK | 0x08, OK, OK, OK).fault is PrinterFault.OFFLINE


def test_no_reply_at_all_is_the_silent_offline_status() -> None:
    replies: dict[int, bytes] = {StatusQuery.PRINTER: b"\x12", StatusQuery.OFFLINE_CAUSE: b""}
    assert decode_replies(replies) is SILENT
    assert SILENT.fault is PrinterFault.OFFLINE and not SILENT.online


def test_status_commands_are_dle_eot_n() -> None:
    assert [q.command for q in StatusQuery] == [
        b"\x10\x04\x01",
        b"\x10\x04\x02",
        b"\x10\x04\x03",
        b"\x10\x04\x04",
    ]


def test_every_byte_value_is_accepted_exactly_when_its_fixed_bits_are_right() -> None:
    for value in range(256):
        well_formed = value & 0x12 == 0x12 and not value & 0x81
        if well_formed:
            assert check_status_byte(1, value) == value
        else:
            with pytest.raises(ProtocolError) as info:
                check_status_byte(1, value)
            assert info.value.raw == bytes((value,))


def test_a_reply_of_the_wrong_length_is_a_protocol_error() -> None:
    for reply in (b"", b"\x12\x12"):
        with pytest.raises(ProtocolError):
            decode_status_reply(4, reply)


def test_only_queries_one_to_four_are_status() -> None:
    with pytest.raises(ValueError):
        check_status_byte(5, 0x12)


@settings(max_examples=300, deadline=None, database=None)
@given(query=st.integers(1, 4), reply=st.binary(max_size=4))
def test_fuzz_any_reply_decodes_or_raises_protocol_error(query: int, reply: bytes) -> None:
    try:
        value = decode_status_reply(query, reply)
    except ProtocolError:
        return
    assert len(reply) == 1 and value == reply[0]


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.binary(max_size=2), min_size=4, max_size=4))
def test_fuzz_four_replies_give_a_status_or_a_protocol_error(replies: list[bytes]) -> None:
    try:
        status = decode_replies({int(q): r for q, r in zip(StatusQuery, replies, strict=True)})
    except ProtocolError:
        return
    assert isinstance(status, PrinterStatus)
