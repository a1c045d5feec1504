"""The simulator answers the protocol page's bytes over a real pty, and injects faults."""

from __future__ import annotations

import pytest

from drivers.idcard.codec import (
    Command,
    Request,
    ResponseParser,
    build_request,
    parse_card_data,
    parse_response,
)
from drivers.sim.idcard import (
    ADULT_CARD,
    SAMPLE_FINGERPRINT,
    SAMPLE_PHOTO,
    SAMPLE_SAM_ID,
    IdCardReaderSim,
)
from drivers.transport import SerialTransport
from tests.drivers.idcard.idcard_support import (
    FIND_OK,
    NO_CARD,
    READ_FAILED,
    SAM_OK,
    SELECT_FAILED,
    SELECT_OK,
    hexbytes,
)


def exchange(host: SerialTransport, command: Command, size: int) -> bytes:
    host.write(build_request(command))
    return host.read_exactly(size, timeout_s=2.0)


def nothing_more(host: SerialTransport) -> bool:
    return host.read(1) == b""


def test_given_no_card_then_find_select_and_read_fail_with_the_documented_bytes(
    host: SerialTransport,
) -> None:
    assert exchange(host, Command.SAM_STATUS, len(SAM_OK)) == SAM_OK
    assert exchange(host, Command.FIND, len(NO_CARD)) == NO_CARD
    assert exchange(host, Command.SELECT, len(SELECT_FAILED)) == SELECT_FAILED
    assert exchange(host, Command.READ_TEXT_PHOTO, len(READ_FAILED)) == READ_FAILED
    assert nothing_more(host)


def test_given_a_card_then_find_select_read_answer_byte_exactly_and_only_once(
    host: SerialTransport, sim: IdCardReaderSim
) -> None:
    sim.present_card(ADULT_CARD)
    assert exchange(host, Command.FIND, len(FIND_OK)) == FIND_OK
    assert exchange(host, Command.SELECT, len(SELECT_OK)) == SELECT_OK
    frame = exchange(host, Command.READ_TEXT_PHOTO, 1295)
    assert frame[:14] == hexbytes("AA AA AA 96 69 05 08 00 00 90 01 00 04 00")
    assert frame[14:270] == ADULT_CARD.text_block()
    assert frame[270:1294] == SAMPLE_PHOTO
    data = parse_card_data(parse_response(frame).data)
    assert data.text == ADULT_CARD.text_block()
    # Held on the reader after a read: not found again until lifted and presented again.
    for _ in range(3):
        assert exchange(host, Command.FIND, len(NO_CARD)) == NO_CARD
    assert exchange(host, Command.SELECT, len(SELECT_FAILED)) == SELECT_FAILED
    sim.present_card(ADULT_CARD)
    assert exchange(host, Command.FIND, len(FIND_OK)) == FIND_OK
    assert nothing_more(host)


def test_given_select_without_find_then_select_fails(
    host: SerialTransport, sim: IdCardReaderSim
) -> None:
    sim.present_card()
    assert exchange(host, Command.SELECT, len(SELECT_FAILED)) == SELECT_FAILED
    assert exchange(host, Command.READ_TEXT_PHOTO, len(READ_FAILED)) == READ_FAILED


def test_given_a_read_with_fingerprint_then_three_lengths_and_the_fingerprint_follow(
    host: SerialTransport, sim: IdCardReaderSim
) -> None:
    sim.present_card()
    exchange(host, Command.FIND, len(FIND_OK))
    exchange(host, Command.SELECT, len(SELECT_OK))
    frame = exchange(host, Command.READ_TEXT_PHOTO_FINGERPRINT, 2321)
    assert frame[5:16] == hexbytes("09 0A 00 00 90 01 00 04 00 04 00")
    data = parse_card_data(parse_response(frame).data, with_fingerprint=True)
    assert data.fingerprint == SAMPLE_FINGERPRINT


def test_given_sam_id_then_00_00_90_and_16_bytes(host: SerialTransport) -> None:
    frame = exchange(host, Command.SAM_ID, 5 + 2 + 20)
    response = parse_response(frame)
    assert (response.sw1, response.sw2, response.sw3) == (0, 0, 0x90)
    assert response.data == SAMPLE_SAM_ID and len(SAMPLE_SAM_ID) == 16


def test_given_requests_then_the_simulator_records_them_and_leaves_unknown_ones_unanswered(
    host: SerialTransport, sim: IdCardReaderSim
) -> None:
    exchange(host, Command.FIND, len(NO_CARD))
    host.write(build_request(Command.READ_APPENDED_ADDRESS))
    host.write(hexbytes("AA AA AA 96 69 00 03 77 01") + bytes([0x00 ^ 0x03 ^ 0x77 ^ 0x01]))
    host.write(hexbytes("AA AA AA 96 69 00 03 20 01 23"))  # a find with a bad CHK
    assert sim.wait_until(lambda: sim.count() == 3 and sim.bad_requests == 1, 2.0)
    assert nothing_more(host)
    assert list(sim.requests) == [
        Request(0x20, 0x01),
        Request(0x30, 0x03),
        Request(0x77, 0x01),
    ]
    assert sim.count(Command.FIND) == 1


def test_given_garbage_injected_then_it_precedes_the_next_response(
    host: SerialTransport, sim: IdCardReaderSim
) -> None:
    sim.inject_garbage(b"\x55\xaa\x00", before=Command.SELECT)
    assert exchange(host, Command.FIND, len(NO_CARD)) == NO_CARD
    assert exchange(host, Command.SELECT, 3 + len(SELECT_FAILED)) == b"\x55\xaa\x00" + SELECT_FAILED


def test_given_a_corrupted_checksum_then_only_the_next_response_is_hit(
    host: SerialTransport, sim: IdCardReaderSim
) -> None:
    sim.corrupt_next_checksum()
    bad = exchange(host, Command.FIND, len(NO_CARD))
    assert bad[:-1] == NO_CARD[:-1] and bad[-1] == NO_CARD[-1] ^ 0xFF
    parser = ResponseParser()
    parser.feed(bad)
    with pytest.raises(Exception, match="checksum"):
        parser.next_response()
    assert exchange(host, Command.FIND, len(NO_CARD)) == NO_CARD


def test_given_answering_off_then_requests_are_recorded_but_not_answered(
    host: SerialTransport, sim: IdCardReaderSim
) -> None:
    sim.set_answering(False)
    host.write(build_request(Command.FIND))
    assert sim.wait_until(lambda: sim.count(Command.FIND) == 1, 2.0)
    assert nothing_more(host)
    sim.set_answering(True)
    assert exchange(host, Command.FIND, len(NO_CARD)) == NO_CARD


def test_given_read_once_off_then_a_held_card_keeps_being_found(
    host: SerialTransport, sim: IdCardReaderSim
) -> None:
    sim.read_once = False
    sim.present_card()
    for _ in range(2):
        assert exchange(host, Command.FIND, len(FIND_OK)) == FIND_OK
        assert exchange(host, Command.SELECT, len(SELECT_OK)) == SELECT_OK
        assert len(exchange(host, Command.READ_TEXT_PHOTO, 1295)) == 1295


def test_given_a_removed_card_then_find_fails(host: SerialTransport, sim: IdCardReaderSim) -> None:
    sim.present_card()
    assert sim.card_present
    sim.remove_card()
    assert not sim.card_present
    assert exchange(host, Command.FIND, len(NO_CARD)) == NO_CARD


def test_given_a_block_of_the_wrong_size_when_presented_then_value_error(
    sim: IdCardReaderSim,
) -> None:
    with pytest.raises(ValueError):
        sim.present_card(b"short")


def test_given_failing_reads_then_0x41_that_many_times_and_the_card_stays(
    host: SerialTransport, sim: IdCardReaderSim
) -> None:
    sim.present_card()
    sim.fail_next_reads(1)
    assert exchange(host, Command.FIND, len(FIND_OK)) == FIND_OK
    assert exchange(host, Command.SELECT, len(SELECT_OK)) == SELECT_OK
    assert exchange(host, Command.READ_TEXT_PHOTO, len(READ_FAILED)) == READ_FAILED
    assert len(exchange(host, Command.READ_TEXT_PHOTO, 1295)) == 1295
