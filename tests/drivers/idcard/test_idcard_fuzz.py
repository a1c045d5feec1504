"""Fuzzing the parsers: random and truncated bytes only ever raise the typed errors, and end."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.errors import ProtocolError
from drivers.idcard.card import CardRejected, IdCard, decode_text_block
from drivers.idcard.codec import (
    PREAMBLE,
    Response,
    ResponseParser,
    build_card_data,
    build_response,
)
from drivers.sim.idcard import ADULT_CARD, ELDERLY_CARD, SAMPLE_PHOTO

FUZZ = settings(
    max_examples=300,
    deadline=None,
    database=None,  # no example database in the tree
    suppress_health_check=[HealthCheck.too_slow],
)


FRAMES = [
    build_response(0x9F, bytes(4)),
    build_response(0x80),
    build_response(0x90, bytes(8)),
    build_response(0x41),
    build_response(0x90, build_card_data(ADULT_CARD.text_block(), SAMPLE_PHOTO)),
]


def drain(parser: ResponseParser, fed: int) -> tuple[list[Response], int]:
    """Take every response and count the errors; a parser that loops fails the test."""
    responses: list[Response] = []
    errors = 0
    # Each call consumes at least a preamble or returns None, so this bounds a correct parser.
    for _ in range(fed + 2):
        try:
            response = parser.next_response()
        except ProtocolError:
            errors += 1
            continue
        if response is None:
            return responses, errors
        responses.append(response)
    pytest.fail("the parser did not settle: it keeps producing without consuming")


def preamble_heavy_bytes() -> st.SearchStrategy[bytes]:
    """Random bytes with many preambles and length fields in them, where the bugs live."""
    piece = st.one_of(
        st.binary(max_size=16),
        st.just(PREAMBLE),
        st.builds(lambda n: PREAMBLE + n.to_bytes(2, "big"), st.integers(0, 0xFFFF)),
        st.sampled_from(FRAMES),
    )
    return st.lists(piece, max_size=12).map(b"".join)


@pytest.mark.slow
@FUZZ
@given(data=st.one_of(st.binary(max_size=3000), preamble_heavy_bytes()), chunk=st.integers(1, 64))
def test_given_random_bytes_in_any_chunking_then_only_protocol_errors_and_it_settles(
    data: bytes, chunk: int
) -> None:
    parser = ResponseParser()
    fed = 0
    for start in range(0, len(data), chunk):
        parser.feed(data[start : start + chunk])
        fed += chunk
        drain(parser, fed)
        assert parser.needed >= 1
    assert parser.buffered <= max(len(data), 4)


@pytest.mark.slow
@FUZZ
@given(frame=st.sampled_from(FRAMES), cut=st.integers(0, 1294))
def test_given_a_truncated_frame_then_no_response_and_no_error_yet(frame: bytes, cut: int) -> None:
    parser = ResponseParser()
    parser.feed(frame[: min(cut, len(frame) - 1)])
    assert drain(parser, len(frame)) == ([], 0)
    parser.feed(frame[min(cut, len(frame) - 1) :])
    responses, errors = drain(parser, len(frame))
    assert len(responses) == 1 and errors == 0


@FUZZ
@given(
    garbage=st.binary(max_size=200).map(lambda b: b.replace(b"\xaa", b"")),
    frame=st.sampled_from(FRAMES),
)
def test_given_garbage_without_a_preamble_before_a_frame_then_the_frame_is_found(
    garbage: bytes, frame: bytes
) -> None:
    parser = ResponseParser()
    parser.feed(garbage + frame)
    responses, errors = drain(parser, len(garbage) + len(frame))
    assert (len(responses), errors) == (1, 0)
    assert build_response(responses[0].sw3, responses[0].data) == frame


@FUZZ
@given(frame=st.sampled_from(FRAMES), data=st.data())
def test_given_one_flipped_byte_after_the_length_then_the_frame_is_rejected(
    frame: bytes, data: st.DataObject
) -> None:
    position = data.draw(st.integers(7, len(frame) - 1))
    flip = data.draw(st.integers(1, 255))
    damaged = bytearray(frame)
    damaged[position] ^= flip
    parser = ResponseParser()
    parser.feed(bytes(damaged))
    responses, errors = drain(parser, len(frame))
    assert errors >= 1
    assert all(build_response(r.sw3, r.data) != frame for r in responses)


@pytest.mark.slow
@FUZZ
@given(block=st.one_of(st.binary(max_size=300), st.binary(min_size=256, max_size=256)))
def test_given_random_text_blocks_then_only_card_rejections(block: bytes) -> None:
    try:
        card = decode_text_block(block)
    except CardRejected:
        return
    assert isinstance(card, IdCard)


@FUZZ
@given(data=st.data(), base=st.sampled_from([ADULT_CARD, ELDERLY_CARD]))
def test_given_a_real_block_with_damaged_bytes_then_a_card_or_a_card_rejection(
    data: st.DataObject, base: object
) -> None:
    block = bytearray(ADULT_CARD.text_block() if base is ADULT_CARD else ELDERLY_CARD.text_block())
    for _ in range(data.draw(st.integers(1, 4))):
        block[data.draw(st.integers(0, 255))] = data.draw(st.integers(0, 255))
    try:
        card = decode_text_block(bytes(block))
    except CardRejected:
        return
    assert card.id_number[17] in "0123456789X"
    assert card.id_number[6:14] == card.birth_date.strftime("%Y%m%d")
