"""The GA 467 codec against every byte string of shared/protocols/idcard.md."""

from __future__ import annotations

import pytest

from drivers.errors import ProtocolError
from drivers.idcard.codec import (
    MAX_LEN,
    PREAMBLE,
    CardData,
    Command,
    NoCard,
    ReadFailed,
    Request,
    RequestParser,
    Response,
    ResponseParser,
    ResultCode,
    SelectFailed,
    UnexpectedResult,
    build_card_data,
    build_request,
    build_response,
    checksum,
    parse_card_data,
    parse_response,
)
from tests.drivers.idcard.idcard_support import (
    FIND_OK,
    NO_CARD,
    READ_FAILED,
    SAM_OK,
    SELECT_FAILED,
    SELECT_OK,
    hexbytes,
)

# The "Commands" table, byte for byte.
DOC_REQUESTS = {
    Command.SAM_STATUS: "AA AA AA 96 69 00 03 11 FF ED",
    Command.SAM_ID: "AA AA AA 96 69 00 03 12 FF EE",
    Command.FIND: "AA AA AA 96 69 00 03 20 01 22",
    Command.SELECT: "AA AA AA 96 69 00 03 20 02 21",
    Command.READ_TEXT_PHOTO: "AA AA AA 96 69 00 03 30 01 32",
    Command.READ_TEXT_PHOTO_FINGERPRINT: "AA AA AA 96 69 00 03 30 10 23",
    Command.READ_APPENDED_ADDRESS: "AA AA AA 96 69 00 03 30 03 30",
}

# The "Responses" list (and the SAM status answer of the table), byte for byte.
DOC_RESPONSES = {
    "sam ok": (ResultCode.OK, b"", SAM_OK),
    "find ok": (ResultCode.FIND_OK, bytes(4), FIND_OK),
    "no card": (ResultCode.NO_CARD, b"", NO_CARD),
    "select ok": (ResultCode.OK, bytes(8), SELECT_OK),
    "select failed": (ResultCode.SELECT_FAILED, b"", SELECT_FAILED),
    "read failed": (ResultCode.READ_FAILED, b"", READ_FAILED),
}


@pytest.mark.parametrize("command", list(DOC_REQUESTS), ids=lambda c: c.name)
def test_given_each_command_when_built_then_bytes_match_the_protocol_page(
    command: Command,
) -> None:
    assert build_request(command) == hexbytes(DOC_REQUESTS[command])


@pytest.mark.parametrize("name", list(DOC_RESPONSES))
def test_given_each_documented_response_when_built_and_parsed_then_bytes_and_fields_match(
    name: str,
) -> None:
    code, data, wire = DOC_RESPONSES[name]
    assert build_response(code, data) == wire
    assert parse_response(wire) == Response(0x00, 0x00, code, data)


def test_given_a_sam_id_answer_when_built_then_len_counts_status_data_and_checksum() -> None:
    sam_id = bytes(range(16))
    frame = build_response(ResultCode.OK, sam_id)
    assert frame[:10] == hexbytes("AA AA AA 96 69 00 14 00 00 90")
    assert frame[10:26] == sam_id
    assert frame[-1] == checksum(frame[5:-1])
    assert len(frame) == 5 + 2 + 0x14


def test_given_a_text_and_photo_read_when_built_then_it_is_1295_bytes_with_len_0508() -> None:
    text, photo = bytes(range(256)), bytes(1024)
    frame = build_response(ResultCode.OK, build_card_data(text, photo))
    assert len(frame) == 1295
    assert frame[:14] == hexbytes("AA AA AA 96 69 05 08 00 00 90 01 00 04 00")
    assert frame[14:270] == text
    assert frame[270:1294] == photo
    response = parse_response(frame)
    assert parse_card_data(response.data) == CardData(text, photo)


def test_given_a_read_with_fingerprint_when_split_then_three_lengths_come_first() -> None:
    text, photo, finger = b"t" * 256, b"p" * 1024, b"f" * 1024
    data = build_card_data(text, photo, finger)
    assert data[:6] == hexbytes("01 00 04 00 04 00")
    frame = build_response(ResultCode.OK, data)
    assert frame[5:7] == (3 + 6 + 256 + 1024 + 1024 + 1).to_bytes(2, "big")
    parsed = parse_card_data(parse_response(frame).data, with_fingerprint=True)
    assert (parsed.text, parsed.photo, parsed.fingerprint) == (text, photo, finger)


def test_given_card_data_whose_lengths_do_not_add_up_when_split_then_protocol_error() -> None:
    data = build_card_data(b"t" * 256, b"p" * 1024)
    with pytest.raises(ProtocolError):
        parse_card_data(data[:-1])
    with pytest.raises(ProtocolError):
        parse_card_data(data[:3])
    with pytest.raises(ProtocolError, match="text block"):
        parse_card_data(build_card_data(b"t" * 254, b"p" * 1024))


def test_given_card_data_when_repr_then_no_text_or_photo_bytes_show() -> None:
    text = "张伟".encode("utf-16-le").ljust(256, b" ")
    shown = repr(CardData(text, b"\x01" * 1024)) + repr(Response(0, 0, 0x90, text))
    assert "张" not in shown and text[:4].hex() not in shown and "\\x" not in shown


@pytest.mark.parametrize(
    ("code", "success", "error"),
    [
        (0x80, ResultCode.FIND_OK, NoCard),
        (0x81, ResultCode.OK, SelectFailed),
        (0x41, ResultCode.OK, ReadFailed),
        (0x33, ResultCode.OK, UnexpectedResult),
        (0x90, ResultCode.FIND_OK, UnexpectedResult),
    ],
)
def test_given_a_non_success_sw3_when_expected_then_a_typed_error_carries_the_code(
    code: int, success: ResultCode, error: type[Exception]
) -> None:
    with pytest.raises(error) as caught:
        Response(0, 0, code).expect(success)
    assert getattr(caught.value, "code", None) == code
    assert f"0x{code:02X}" in str(caught.value)


def test_given_success_codes_when_expected_then_response_is_returned_and_typed() -> None:
    find = Response(0, 0, 0x9F, bytes(4))
    assert find.expect(ResultCode.FIND_OK) is find
    assert find.result is ResultCode.FIND_OK
    assert Response(0, 0, 0x33).result is None


def test_given_a_response_fed_one_byte_at_a_time_then_it_completes_on_the_last_byte() -> None:
    frame = FIND_OK
    parser = ResponseParser()
    for i, byte in enumerate(frame):
        assert parser.next_response() is None
        assert 1 <= parser.needed <= len(frame) - i
        parser.feed(bytes([byte]))
    assert parser.next_response() == Response(0, 0, 0x9F, bytes(4))
    assert parser.next_response() is None


def test_given_garbage_before_a_frame_when_parsed_then_it_resynchronises_on_the_preamble() -> None:
    garbage = b"\x00\xff\xaa\xaa\x96\x69\xaa\xaa\xaa\x96" + b"noise"
    parser = ResponseParser()
    parser.feed(garbage + NO_CARD)
    assert parser.next_response() == Response(0, 0, 0x80)
    assert parser.discarded == len(garbage)


def test_given_two_frames_in_one_chunk_when_parsed_then_both_come_out_in_order() -> None:
    parser = ResponseParser()
    parser.feed(build_response(0x9F, bytes(4)) + build_response(0x90, bytes(8)))
    assert [parser.next_response(), parser.next_response(), parser.next_response()] == [
        Response(0, 0, 0x9F, bytes(4)),
        Response(0, 0, 0x90, bytes(8)),
        None,
    ]


def test_given_a_bad_checksum_when_parsed_then_rejected_and_the_next_frame_still_parses() -> None:
    bad = bytearray(build_response(0x80))
    bad[-1] ^= 0x01
    parser = ResponseParser()
    parser.feed(bytes(bad) + build_response(0x9F, bytes(4)))
    with pytest.raises(ProtocolError, match="checksum") as caught:
        parser.next_response()
    assert caught.value.raw == bytes(bad[:7])
    assert parser.next_response() == Response(0, 0, 0x9F, bytes(4))


@pytest.mark.parametrize("length", [MAX_LEN + 1, 0xFFFF, 0, 3])
def test_given_an_absurd_len_when_parsed_then_rejected_without_waiting_for_it(length: int) -> None:
    parser = ResponseParser()
    parser.feed(PREAMBLE + length.to_bytes(2, "big") + build_response(0x80))
    with pytest.raises(ProtocolError, match="length"):
        parser.next_response()
    assert parser.next_response() == Response(0, 0, 0x80)


def test_given_len_of_exactly_4096_when_parsed_then_accepted() -> None:
    data = bytes(MAX_LEN - 4)
    frame = build_response(0x90, data)
    assert frame[5:7] == MAX_LEN.to_bytes(2, "big")
    assert parse_response(frame).data == data


def test_given_anything_but_one_clean_frame_when_parse_response_then_protocol_error() -> None:
    frame = build_response(0x80)
    for wire in (b"", frame[:-1], b"x" + frame, frame + b"x", frame + frame):
        with pytest.raises(ProtocolError):
            parse_response(wire)


def test_given_request_frames_when_parsed_device_side_then_commands_are_recognised() -> None:
    parser = RequestParser()
    parser.feed(b"\x00" + b"".join(build_request(c) for c in DOC_REQUESTS))
    requests = []
    while (request := parser.next_request()) is not None:
        requests.append(request)
    assert [r.command for r in requests] == list(DOC_REQUESTS)
    assert Request(0x77, 0x01).command is None
