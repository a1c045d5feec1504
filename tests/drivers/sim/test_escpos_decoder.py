"""The ESC/POS decoder (drivers/sim/escpos_decoder.py): what it understands, and that garbage
never breaks it."""

from __future__ import annotations

import time
from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.errors import ProtocolError
from drivers.printer.ticket import (
    StatementContent,
    render_statement,
    render_ticket,
    typical_ticket,
)
from drivers.sim.escpos_decoder import (
    Cut,
    EscposDecoder,
    Feed,
    Item,
    QrCode,
    RasterImage,
    StatusRequest,
    TextLine,
    Truncated,
    Unknown,
    decode_escpos,
)

TICKET = render_ticket(typical_ticket())
STATEMENT = render_statement(
    StatementContent(
        hall_name="天河营业厅",
        account="0123456789",
        period="2026年10月",
        kwh=Decimal(310),
        amount=Decimal("182.27"),
        balance=Decimal(0),
        as_of=datetime(2026, 11, 23, 9, 41),
    )
)


def test_esc_bang_sets_bold_and_double_size() -> None:
    [line] = decode_escpos(b"\x1b!\x38AB\n")
    assert line == TextLine("AB", bold=True, width=2, height=2)


def test_gs_bang_sets_width_and_height_separately() -> None:
    [line] = decode_escpos(b"\x1d!\x21X\n")
    assert isinstance(line, TextLine) and line.size == (3, 2)


def test_text_outside_chinese_mode_is_not_decoded_as_gb18030() -> None:
    data = "电费".encode("gb18030") + b"\n"
    [plain] = decode_escpos(data)
    [chinese] = decode_escpos(b"\x1c&" + data)
    assert isinstance(plain, TextLine) and plain.text != "电费" and not plain.chinese
    assert isinstance(chinese, TextLine) and chinese.text == "电费" and chinese.chinese


def test_esc_at_resets_style_and_chinese_mode() -> None:
    [line] = decode_escpos(b"\x1c&\x1bE\x01\x1ba\x01\x1d!\x11\x1b@X\n")
    assert line == TextLine("X")


def test_cuts_feeds_images_and_status_requests_are_recognised() -> None:
    items = decode_escpos(
        b"\x1dV\x00"
        + b"\x1dV\x01"
        + b"\x1dVA\x10"
        + b"\x1bd\x03"
        + b"\x10\x04\x04"
        + b"\x1dv0\x00\x01\x00\x02\x00\xff\xff"
        + b"\x1b*\x00\x02\x00\xaa\xbb"
    )
    assert items == [
        Cut(partial=False),
        Cut(partial=True),
        Cut(partial=False, feed_dots=16),
        Feed(lines=3),
        StatusRequest(4),
        RasterImage("GS v 0", 2),
        RasterImage("ESC *", 2),
    ]


def test_unknown_commands_are_recorded_and_skipped() -> None:
    items = decode_escpos(b"\x1b\x01A\n\x1c\x7fB\n\x1d\xfeC\n\x00D\n")
    unknown = [i for i in items if isinstance(i, Unknown)]
    lines = [i.text for i in items if isinstance(i, TextLine)]
    assert len(unknown) == 4
    assert lines == ["A", "B", "C", "D"]
    with pytest.raises(ProtocolError):
        decode_escpos(b"\x1b\x01A\n", strict=True)


def test_a_command_cut_short_is_reported_as_truncated() -> None:
    items = decode_escpos(TICKET[: TICKET.index(b"\x1d(k\x1f") + 10])
    assert isinstance(items[-1], Truncated)
    with pytest.raises(ProtocolError):
        decode_escpos(items[-1].raw, strict=True)


def test_streaming_byte_by_byte_equals_decoding_at_once() -> None:
    decoder = EscposDecoder()
    items = []
    for b in TICKET:
        items += decoder.feed(bytes((b,)))
    items += decoder.finish()
    assert items == decode_escpos(TICKET)


def test_a_rendered_ticket_and_statement_decode_without_unknowns() -> None:
    for data in (TICKET, STATEMENT):
        items = decode_escpos(data, strict=True)
        assert isinstance(items[-1], Cut)
        assert not [i for i in items if isinstance(i, Unknown | Truncated | RasterImage)]


def test_qr_print_without_stored_data_is_unknown_not_a_crash() -> None:
    [item] = decode_escpos(b"\x1d(k\x03\x001Q0")
    assert isinstance(item, Unknown)


def test_qr_store_and_print_give_the_payload() -> None:
    items = decode_escpos(b"\x1d(k\x06\x001P0abc\x1d(k\x03\x001Q0")
    assert [i.payload for i in items if isinstance(i, QrCode)] == ["abc"]


def test_a_huge_declared_block_does_not_wait_forever() -> None:
    items = decode_escpos(b"\x1dv0\x00\xff\xff\xff\xffX\n")
    assert isinstance(items[0], Unknown)
    assert any(isinstance(i, TextLine) for i in items)


def assert_strict_agrees(data: bytes, items: list[Item]) -> None:
    """Strict decoding raises a ProtocolError exactly when something was not understood."""
    bad = any(isinstance(i, Unknown | Truncated) for i in items)
    try:
        decode_escpos(data, strict=True)
    except ProtocolError:
        assert bad
    else:
        assert not bad


@settings(max_examples=400, deadline=None, database=None)
@given(st.binary(max_size=300))
def test_fuzz_random_bytes_decode_to_items_or_a_protocol_error(data: bytes) -> None:
    started = time.monotonic()
    items = decode_escpos(data)
    assert all(
        isinstance(
            i, TextLine | QrCode | Cut | Feed | StatusRequest | RasterImage | Unknown | Truncated
        )
        for i in items
    )
    assert_strict_agrees(data, items)
    assert time.monotonic() - started < 1.0


@settings(max_examples=200, deadline=None, database=None)
@given(st.integers(0, len(TICKET)), st.binary(max_size=20))
def test_fuzz_truncated_and_corrupted_tickets_never_crash(cut_at: int, junk: bytes) -> None:
    for data in (TICKET[:cut_at], TICKET[:cut_at] + junk + TICKET[cut_at:]):
        decoder = EscposDecoder()
        items = decoder.feed(data) + decoder.finish()
        assert_strict_agrees(data, items)
