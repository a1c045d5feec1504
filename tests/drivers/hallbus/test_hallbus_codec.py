"""Hall bus v1 codec: exact bytes of every frame, CRC, text rules, decoding errors."""

from __future__ import annotations

import pytest

from drivers.errors import ProtocolError
from drivers.hallbus.codec import (
    MAX_FRAME_LEN,
    MAX_TEXT_BYTES,
    Ack,
    Clear,
    Command,
    DeviceType,
    EvalCancel,
    EvalStart,
    Event,
    EventKind,
    Events,
    FrameError,
    Identify,
    Info,
    Message,
    Nak,
    NakCode,
    PadState,
    Poll,
    RejectReason,
    Score,
    Show,
    ShowMode,
    Transfer,
    TransferTarget,
    crc16_modbus,
    decode,
    decode_text,
    encode,
    encode_frame,
    encode_text,
    next_seq,
    seq_distance,
    transfer_arg,
    wire_time_s,
)


def bitwise_crc16_modbus(data: bytes) -> int:
    """The textbook bit-by-bit definition, to check the table-driven one against."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def hexbytes(text: str) -> bytes:
    return bytes.fromhex(text)


class TestCrc:
    def test_check_value_of_123456789_is_0x4b37(self) -> None:
        assert crc16_modbus(b"123456789") == 0x4B37

    def test_empty_input_leaves_the_initial_value(self) -> None:
        assert crc16_modbus(b"") == 0xFFFF

    @pytest.mark.parametrize("data", [b"\x00", b"\xff" * 70, bytes(range(256)), b"\x01\x81\x04"])
    def test_table_matches_the_bitwise_definition(self, data: bytes) -> None:
        assert crc16_modbus(data) == bitwise_crc16_modbus(data)


class TestProtocolDocumentExamples:
    """The bytes printed in shared/protocols/hallbus.md, verbatim."""

    def test_poll_to_address_1_with_ack_0(self) -> None:
        assert encode(Poll(1, 0)) == hexbytes("02 01 01 01 00 51 88 03")

    def test_events_with_one_call_next_seq_1(self) -> None:
        frame = encode(Events(1, (Event(1, EventKind.CALL_NEXT, 0),)))
        assert frame == hexbytes("02 01 81 04 01 01 00 00 B4 2D 03")

    def test_example_crcs_agree_with_the_crc_definition(self) -> None:
        for frame in ("02 01 01 01 00 51 88 03", "02 01 81 04 01 01 00 00 B4 2D 03"):
            raw = hexbytes(frame)
            body, crc = raw[1:-3], raw[-3] | raw[-2] << 8
            assert bitwise_crc16_modbus(body) == crc

    def test_the_next_poll_carries_ack_seq_1(self) -> None:
        assert encode(Poll(1, 1)) == hexbytes("02 01 01 01 01 90 48 03")

    def test_the_example_decodes_back(self) -> None:
        assert decode(hexbytes("02 01 81 04 01 01 00 00 B4 2D 03")) == Events(
            1, (Event(1, EventKind.CALL_NEXT, 0),)
        )


EXACT_FRAMES: list[tuple[Message, str]] = [
    (Poll(1, 0), "02 01 01 01 00 51 88 03"),
    (Poll(99, 255), "02 63 01 01 FF 0E 70 03"),
    (
        Show(3, "请A012号到3号窗口", ShowMode.FLASH, 10),
        "02 03 10 13 01 0A C7 EB 41 30 31 32 BA C5 B5 BD 33 BA C5 B4 B0 BF DA A5 35 03",
    ),
    (Show(3, "暂停服务"), "02 03 10 0A 00 00 D4 DD CD A3 B7 FE CE F1 E0 09 03"),
    (Show(0, "A"), "02 00 10 03 00 00 41 01 AC 03"),  # broadcast
    (Clear(3), "02 03 11 00 8D 90 03"),
    (PadState(2, 12, "A012"), "02 02 12 06 00 0C 41 30 31 32 65 32 03"),
    (PadState(2, 0, ""), "02 02 12 02 00 00 F9 78 03"),
    (EvalStart(4, "A012"), "02 04 20 04 41 30 31 32 28 16 03"),
    (EvalCancel(4), "02 04 21 00 28 51 03"),
    (Identify(5), "02 05 30 00 75 C1 03"),
    (Ack(1), "02 01 80 00 41 C0 03"),
    (Events(1, (Event(1, EventKind.CALL_NEXT),)), "02 01 81 04 01 01 00 00 B4 2D 03"),
    (
        Events(2, (Event(7, EventKind.TRANSFER, 0x0203), Event(8, EventKind.SCORE, 4))),
        "02 02 81 08 07 05 02 03 08 10 00 04 6F D3 03",
    ),
    (Info(1, DeviceType.CALLER_PAD, 1, 2), "02 01 83 03 02 01 02 65 C1 03"),
    (Nak(1, NakCode.BAD_CRC), "02 01 8F 01 01 F0 63 03"),
]


@pytest.mark.parametrize(
    ("message", "expected"), EXACT_FRAMES, ids=[type(m).__name__ for m, _ in EXACT_FRAMES]
)
class TestExactFrames:
    def test_encodes_to_exact_bytes(self, message: Message, expected: str) -> None:
        assert encode(message) == hexbytes(expected)

    def test_decodes_back_to_the_same_message(self, message: Message, expected: str) -> None:
        assert decode(hexbytes(expected)) == message

    def test_crc_is_the_modbus_crc_low_byte_first(self, message: Message, expected: str) -> None:
        raw = hexbytes(expected)
        assert raw[0] == 0x02 and raw[-1] == 0x03
        assert raw[3] == len(raw) - 7
        assert raw[-3] | raw[-2] << 8 == bitwise_crc16_modbus(raw[1:-3])


class TestCommandsAndKinds:
    def test_command_bytes_match_the_protocol_tables(self) -> None:
        assert {c.name: c.value for c in Command} == {
            "POLL": 0x01,
            "SHOW": 0x10,
            "CLEAR": 0x11,
            "PAD_STATE": 0x12,
            "EVAL_START": 0x20,
            "EVAL_CANCEL": 0x21,
            "IDENTIFY": 0x30,
            "ACK": 0x80,
            "EVENTS": 0x81,
            "INFO": 0x83,
            "NAK": 0x8F,
        }
        assert all(c.from_master == (c < 0x80) for c in Command)

    def test_event_kinds_match_the_protocol(self) -> None:
        assert [(k.name, k.value) for k in EventKind] == [
            ("CALL_NEXT", 1),
            ("RECALL", 2),
            ("NO_SHOW", 3),
            ("PAUSE_TOGGLE", 4),
            ("TRANSFER", 5),
            ("EVALUATE", 6),
            ("START", 7),
            ("DONE", 8),
            ("SCORE", 0x10),
        ]

    def test_transfer_to_service_decodes_high_byte_1(self) -> None:
        event = Event(1, EventKind.TRANSFER, transfer_arg(TransferTarget.SERVICE, 2))
        assert event.arg == 0x0102
        assert event.transfer == Transfer(TransferTarget.SERVICE, 2)

    def test_transfer_to_counter_decodes_high_byte_2(self) -> None:
        event = decode(encode(Events(1, (Event(3, EventKind.TRANSFER, 0x0207),))))
        assert isinstance(event, Events)
        assert event.events[0].transfer == Transfer(TransferTarget.COUNTER, 7)

    def test_transfer_with_unknown_target_decodes_to_none(self) -> None:
        assert Event(1, EventKind.TRANSFER, 0x0907).transfer is None
        assert Event(1, EventKind.CALL_NEXT, 0x0207).transfer is None

    @pytest.mark.parametrize("score", list(Score))
    def test_scores_0_to_4_decode(self, score: Score) -> None:
        assert Event(1, EventKind.SCORE, int(score)).score is score

    def test_score_out_of_range_decodes_to_none(self) -> None:
        assert Event(1, EventKind.SCORE, 5).score is None
        assert Event(1, EventKind.DONE, 1).score is None

    def test_unknown_event_kind_is_kept_as_int_so_it_can_be_acked(self) -> None:
        message = decode(encode_frame(1, 0x81, bytes([9, 0x42, 0, 1])))
        assert isinstance(message, Events)
        assert message.events[0] == Event(9, 0x42, 1)
        assert not isinstance(message.events[0].kind, EventKind)

    def test_unknown_info_type_and_nak_code_are_kept_as_int(self) -> None:
        info = decode(encode_frame(1, 0x83, bytes([7, 2, 3])))
        assert info == Info(1, 7, 2, 3)
        assert decode(encode_frame(1, 0x8F, bytes([9]))) == Nak(1, 9)


class TestText:
    def test_chinese_is_gb18030(self) -> None:
        assert encode_text("暂停服务") == hexbytes("D4 DD CD A3 B7 FE CE F1")

    def test_long_text_is_cut_to_32_bytes(self) -> None:
        assert len(encode_text("A" * 40)) == MAX_TEXT_BYTES

    def test_cut_never_splits_a_two_byte_character(self) -> None:
        raw = encode_text("A" + "请" * 20)  # 1 + 2*n bytes: 33 would split the 16th 请
        assert len(raw) == 31
        assert decode_text(raw) == "A" + "请" * 15

    def test_cut_never_splits_a_four_byte_character(self) -> None:
        raw = encode_text("AB" + "\U00020000" * 10)  # 𠀀 is four bytes in GB18030
        assert len(raw) == 30
        assert decode_text(raw) == "AB" + "\U00020000" * 7

    def test_show_with_long_text_encodes_a_full_but_valid_frame(self) -> None:
        frame = encode(Show(1, "请A012号到3号窗口办理业务谢谢合作"))
        decoded = decode(frame)
        assert isinstance(decoded, Show)
        assert decoded.text == "请A012号到3号窗口办理业务谢谢合"  # 31 bytes; 作 would make 33
        assert len(decoded.text.encode("gb18030")) <= MAX_TEXT_BYTES

    def test_pad_ticket_is_cut_to_8_bytes(self) -> None:
        decoded = decode(encode(PadState(2, 3, "A0123456789")))
        assert decoded == PadState(2, 3, "A0123456")

    def test_waiting_saturates_at_65535(self) -> None:
        assert encode(PadState(2, 70000))[4:6] == b"\xff\xff"

    def test_unencodable_character_becomes_question_mark(self) -> None:
        assert encode_text("A\udc80B") == b"A?B"

    def test_invalid_gb18030_is_a_bad_payload(self) -> None:
        with pytest.raises(FrameError) as excinfo:
            decode(encode_frame(1, 0x10, b"\x00\x00\xff\xff"))
        assert excinfo.value.reason is RejectReason.BAD_PAYLOAD


class TestDecodeErrors:
    """Every refusal is a FrameError, which is the project's ProtocolError."""

    @pytest.mark.parametrize(
        ("raw", "reason"),
        [
            ("02 01 01 01 00 51 89 03", RejectReason.BAD_CRC),
            ("02 01 01 01 00 51 88 04", RejectReason.MISSING_ETX),
            ("02 01 01 01 00 51 88", RejectReason.TRUNCATED),
            ("02 01 01", RejectReason.TRUNCATED),
            ("FF 01 01 01 00 51 88 03", RejectReason.MISSING_STX),
            ("02 01 01 41" + " 00" * 68, RejectReason.BAD_LENGTH),
            ("02 01 01 01 00 51 88 03 00", RejectReason.MISSING_ETX),
        ],
    )
    def test_structural_errors(self, raw: str, reason: RejectReason) -> None:
        with pytest.raises(ProtocolError) as excinfo:
            decode(hexbytes(raw))
        assert isinstance(excinfo.value, FrameError)
        assert excinfo.value.reason is reason
        assert excinfo.value.device == "hallbus"

    @pytest.mark.parametrize(
        ("address", "command", "payload", "reason"),
        [
            (0x64, 0x01, b"\x00", RejectReason.BAD_ADDRESS),
            (1, 0x55, b"", RejectReason.UNKNOWN_COMMAND),
            (1, 0x01, b"", RejectReason.BAD_PAYLOAD),
            (1, 0x01, b"\x00\x00", RejectReason.BAD_PAYLOAD),
            (1, 0x10, b"\x00", RejectReason.BAD_PAYLOAD),
            (1, 0x10, b"\x07\x00A", RejectReason.BAD_PAYLOAD),  # unknown mode
            (1, 0x10, b"\x00\x00" + b"A" * 33, RejectReason.BAD_PAYLOAD),
            (1, 0x11, b"\x00", RejectReason.BAD_PAYLOAD),
            (1, 0x12, b"\x00", RejectReason.BAD_PAYLOAD),
            (1, 0x12, b"\x00\x01" + b"A" * 9, RejectReason.BAD_PAYLOAD),
            (1, 0x81, b"", RejectReason.BAD_PAYLOAD),
            (1, 0x81, b"\x01\x01\x00", RejectReason.BAD_PAYLOAD),
            (1, 0x81, b"\x00\x01\x00\x00", RejectReason.BAD_PAYLOAD),  # seq 0
            (1, 0x83, b"\x01\x01", RejectReason.BAD_PAYLOAD),
            (1, 0x8F, b"", RejectReason.BAD_PAYLOAD),
        ],
    )
    def test_semantic_errors(
        self, address: int, command: int, payload: bytes, reason: RejectReason
    ) -> None:
        with pytest.raises(FrameError) as excinfo:
            decode(encode_frame(address, command, payload))
        assert excinfo.value.reason is reason


class TestConstruction:
    @pytest.mark.parametrize(
        "build",
        [
            lambda: Poll(100, 0),
            lambda: Poll(1, 256),
            lambda: Show(1, "x", ShowMode.FLASH, 256),
            lambda: PadState(1, -1),
            lambda: Events(1, ()),
            lambda: Events(1, tuple(Event(i, EventKind.DONE) for i in range(1, 18))),
            lambda: Event(0, EventKind.DONE),
            lambda: Event(1, EventKind.DONE, 0x10000),
            lambda: Info(1, DeviceType.EVALUATOR, 256, 0),
            lambda: transfer_arg(TransferTarget.COUNTER, 256),
            lambda: encode_frame(1, 1, b"x" * 65),
        ],
    )
    def test_programming_errors_raise_value_error(self, build: object) -> None:
        with pytest.raises(ValueError):
            build()  # type: ignore[operator]

    def test_sixteen_events_fill_the_largest_frame(self) -> None:
        events = tuple(Event(i, EventKind.DONE) for i in range(1, 17))
        assert len(encode(Events(1, events))) == MAX_FRAME_LEN


class TestSequenceNumbers:
    def test_next_seq_wraps_from_255_to_1_skipping_0(self) -> None:
        assert next_seq(1) == 2
        assert next_seq(254) == 255
        assert next_seq(255) == 1

    def test_distance_counts_steps_on_the_1_to_255_cycle(self) -> None:
        assert seq_distance(1, 255) == 1
        assert seq_distance(5, 5) == 0
        assert seq_distance(3, 1) == 2
        assert seq_distance(1, 3) == 253


def test_wire_time_at_9600_baud_is_about_a_millisecond_a_byte() -> None:
    assert wire_time_s(8, 9600) == pytest.approx(8 * 10 / 9600)
