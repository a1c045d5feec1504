"""The streaming frame parser: resync after garbage, refusals counted by reason, and a fuzz run
that shows it never raises, never hangs and never loses a good frame."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.hallbus.codec import (
    MAX_ADDRESS,
    MAX_EVENTS_PER_FRAME,
    Ack,
    Clear,
    DeviceType,
    EvalCancel,
    EvalStart,
    Event,
    EventKind,
    Events,
    FrameError,
    FrameParser,
    Identify,
    Info,
    Message,
    Nak,
    NakCode,
    PadState,
    Poll,
    Rejected,
    RejectReason,
    Show,
    ShowMode,
    decode,
    encode,
    encode_frame,
    parse_all,
)

POLL = encode(Poll(1, 0))
EVENTS = encode(Events(1, (Event(1, EventKind.CALL_NEXT),)))


def messages(items: list[Message | Rejected]) -> list[Message]:
    return [item for item in items if not isinstance(item, Rejected)]


def reasons(items: list[Message | Rejected]) -> list[RejectReason]:
    return [item.reason for item in items if isinstance(item, Rejected)]


class TestResync:
    def test_back_to_back_frames_all_decode(self) -> None:
        assert messages(parse_all(POLL + EVENTS + POLL)) == [
            Poll(1, 0),
            decode(EVENTS),
            Poll(1, 0),
        ]

    def test_noise_before_a_frame_is_skipped_and_counted(self) -> None:
        parser = FrameParser()
        assert parser.feed(b"\xff\x00\x13\x37" + POLL) == [Poll(1, 0)]
        assert parser.noise_bytes == 4
        assert not parser.rejected

    def test_garbage_full_of_stx_bytes_does_not_hide_the_next_frame(self) -> None:
        garbage = b"\x02\x02\x01\x02\x03\x02\x02\x00\x03\x02"
        assert messages(parse_all(garbage + EVENTS)) == [decode(EVENTS)]

    def test_truncated_frame_followed_by_a_good_one(self) -> None:
        items = parse_all(EVENTS[:6] + POLL)
        assert messages(items) == [Poll(1, 0)]
        assert RejectReason.BAD_CRC in reasons(items)

    def test_bad_crc_is_rejected_then_the_next_frame_found(self) -> None:
        corrupt = bytearray(EVENTS)
        corrupt[-3] ^= 0x40
        parser = FrameParser()
        items = parser.feed(bytes(corrupt) + POLL)
        assert messages(items) == [Poll(1, 0)]
        assert reasons(items)[0] is RejectReason.BAD_CRC
        assert items[0] == Rejected(RejectReason.BAD_CRC, 1, 0x81, EVENTS[:4])
        assert parser.rejected[RejectReason.BAD_CRC] >= 1

    def test_len_over_64_is_rejected_at_once_without_waiting(self) -> None:
        parser = FrameParser()
        items = parser.feed(b"\x02\x01\x81\x41" + POLL)
        assert reasons(items) == [RejectReason.BAD_LENGTH]
        assert messages(items) == [Poll(1, 0)]

    def test_missing_etx_is_rejected_then_the_next_frame_found(self) -> None:
        no_etx = POLL[:-1] + b"\x04"
        items = parse_all(no_etx + EVENTS)
        assert reasons(items)[0] is RejectReason.MISSING_ETX
        assert messages(items) == [decode(EVENTS)]

    def test_well_formed_frame_with_bad_content_is_consumed_whole(self) -> None:
        unknown = encode_frame(1, 0x55, b"\x02\x02\x02")
        bad_address = encode_frame(0x70, 0x01, b"\x00")
        bad_payload = encode_frame(1, 0x01, b"")
        items = parse_all(unknown + bad_address + bad_payload + POLL)
        assert reasons(items) == [
            RejectReason.UNKNOWN_COMMAND,
            RejectReason.BAD_ADDRESS,
            RejectReason.BAD_PAYLOAD,
        ]
        assert messages(items) == [Poll(1, 0)]

    def test_rejected_keeps_only_the_header_never_the_text(self) -> None:
        frame = bytearray(encode(Show(3, "请A012号到3号窗口")))
        frame[-3] ^= 1
        rejected = parse_all(bytes(frame))[0]
        assert isinstance(rejected, Rejected)
        assert rejected.header == bytes(frame[:4])


class TestStreaming:
    def test_one_byte_at_a_time_gives_the_same_frames(self) -> None:
        parser = FrameParser()
        out: list[Message | Rejected] = []
        for byte in POLL + EVENTS:
            out += parser.feed(bytes([byte]))
        assert out == [Poll(1, 0), decode(EVENTS)]
        assert parser.accepted == 2

    def test_bytes_needed_says_how_much_completes_the_frame(self) -> None:
        parser = FrameParser()
        assert parser.bytes_needed() == 4
        parser.feed(EVENTS[:2])
        assert parser.bytes_needed() == 2
        parser.feed(EVENTS[2:5])
        assert parser.bytes_needed() == len(EVENTS) - 5
        assert parser.feed(EVENTS[5:]) == [decode(EVENTS)]
        assert parser.pending == 0

    def test_flush_counts_a_partial_frame_as_truncated(self) -> None:
        parser = FrameParser()
        assert parser.feed(POLL[:5]) == []
        assert parser.pending == 5
        assert reasons(parser.flush()) == [RejectReason.TRUNCATED]
        assert parser.pending == 0
        assert parser.rejected[RejectReason.TRUNCATED] == 1

    def test_flush_frees_a_good_frame_held_back_by_a_corrupt_header(self) -> None:
        parser = FrameParser()
        # LEN 0x40 claims 71 bytes: the parser must wait, the good frame sits behind it.
        assert parser.feed(b"\x02\x01\x81\x40\x99" + EVENTS) == []
        items = parser.flush()
        assert messages(items) == [decode(EVENTS)]
        assert reasons(items)[0] is RejectReason.TRUNCATED
        assert parser.pending == 0


# --- fuzz ------------------------------------------------------------------------------------

addresses = st.integers(0, MAX_ADDRESS)
texts = st.text(max_size=20)
seqs = st.integers(1, 255)
events = st.builds(Event, seqs, st.sampled_from(list(EventKind)), st.integers(0, 0xFFFF))

any_message = st.one_of(
    st.builds(Poll, addresses, st.integers(0, 255)),
    st.builds(Show, addresses, texts, st.sampled_from(list(ShowMode)), st.integers(0, 255)),
    st.builds(Clear, addresses),
    st.builds(PadState, addresses, st.integers(0, 0xFFFF), st.text(max_size=6)),
    st.builds(EvalStart, addresses, texts),
    st.builds(EvalCancel, addresses),
    st.builds(Identify, addresses),
    st.builds(Ack, addresses),
    st.builds(
        Events, addresses, st.lists(events, min_size=1, max_size=MAX_EVENTS_PER_FRAME).map(tuple)
    ),
    st.builds(
        Info,
        addresses,
        st.sampled_from(list(DeviceType)),
        st.integers(0, 255),
        st.integers(0, 255),
    ),
    st.builds(Nak, addresses, st.sampled_from(list(NakCode))),
)
frames = any_message.map(encode)
chunk_sizes = st.lists(st.integers(1, 80), min_size=1, max_size=20)

FUZZ = settings(
    max_examples=300,
    deadline=timedelta(seconds=1),  # a hang or a quadratic blow-up fails here
    database=None,  # nothing written outside tmp
    suppress_health_check=[HealthCheck.too_slow],
)


def feed_in_chunks(data: bytes, sizes: list[int]) -> tuple[list[Message | Rejected], FrameParser]:
    parser = FrameParser()
    out: list[Message | Rejected] = []
    position, index = 0, 0
    while position < len(data):
        size = sizes[index % len(sizes)]
        out += parser.feed(data[position : position + size])
        position += size
        index += 1
    out += parser.flush()
    return out, parser


def is_subsequence(wanted: list[bytes], got: list[bytes]) -> bool:
    remaining = iter(got)
    return all(any(item == candidate for candidate in remaining) for item in wanted)


@FUZZ
@given(st.binary(max_size=600), chunk_sizes)
def test_random_bytes_come_out_as_messages_or_rejections_only(
    data: bytes, sizes: list[int]
) -> None:
    out, parser = feed_in_chunks(data, sizes)
    assert all(isinstance(item, Message | Rejected) for item in out)
    assert parser.pending == 0
    assert sum(parser.rejected.values()) == len([i for i in out if isinstance(i, Rejected)])
    assert parser.accepted == len(messages(out))


@FUZZ
@given(st.binary(max_size=200))
def test_decode_raises_nothing_but_the_typed_protocol_error(data: bytes) -> None:
    try:
        message = decode(data)
    except FrameError as exc:
        assert isinstance(exc.reason, RejectReason)
    else:
        assert encode(message) == data


@FUZZ
@given(st.binary(max_size=300), chunk_sizes)
def test_chunking_does_not_change_what_is_decoded(data: bytes, sizes: list[int]) -> None:
    at_once = parse_all(data)
    chunked, _ = feed_in_chunks(data, sizes)
    assert chunked == at_once


@pytest.mark.slow
@FUZZ
@given(st.lists(st.tuples(st.binary(max_size=30), frames), max_size=12), chunk_sizes)
def test_every_good_frame_among_garbage_is_decoded(
    pieces: list[tuple[bytes, bytes]], sizes: list[int]
) -> None:
    stream = b"".join(garbage + frame for garbage, frame in pieces)
    out, _ = feed_in_chunks(stream, sizes)
    decoded = [encode(m) for m in messages(out)]
    assert is_subsequence([frame for _, frame in pieces], decoded)


@FUZZ
@given(
    st.lists(st.tuples(frames, st.floats(0, 1)), min_size=1, max_size=10),
    frames,
    chunk_sizes,
)
def test_truncated_frames_never_hide_a_complete_one(
    cut: list[tuple[bytes, float]], last: bytes, sizes: list[int]
) -> None:
    truncated = b"".join(frame[: int(len(frame) * keep)] for frame, keep in cut)
    out, _ = feed_in_chunks(truncated + last, sizes)
    decoded = messages(out)
    assert decoded
    assert encode(decoded[-1]) == last


@FUZZ
@given(any_message)
def test_every_message_round_trips_through_bytes(message: Message) -> None:
    decoded = decode(encode(message))
    assert type(decoded) is type(message)
    assert encode(decoded) == encode(message)
