"""The driver end to end: real pty, byte-exact simulator, the worker thread and its callbacks."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest

from drivers.idcard import IdCard, IdCardReader, IdCardSettings
from drivers.idcard.codec import Command
from drivers.sim.idcard import (
    ADULT_CARD,
    BAD_CHECK_DIGIT_CARD,
    ELDERLY_CARD,
    FOREIGN_PERMANENT_RESIDENT_CARD,
    IdCardReaderSim,
    SimCard,
    measure_card_latency,
)
from drivers.sim.link import PtyLink
from tests.drivers.idcard.idcard_support import ReaderFactory, Recorder


def finds_after(sim: IdCardReaderSim, extra: int, timeout_s: float = 3.0) -> None:
    """Wait until the driver has sent ``extra`` more find requests (that many more polls)."""
    target = sim.count(Command.FIND) + extra
    assert sim.wait_until(lambda: sim.count(Command.FIND) >= target, timeout_s)


def present_again(sim: IdCardReaderSim, card: SimCard) -> None:
    """Lift the card long enough for one poll to miss it, then put ``card`` down."""
    sim.remove_card()
    finds_after(sim, 2)
    sim.present_card(card)


def test_given_a_card_held_for_many_polls_then_it_is_reported_once(
    make_reader: ReaderFactory, sim: IdCardReaderSim, recorder: Recorder
) -> None:
    make_reader()
    sim.present_card(ELDERLY_CARD)
    (card,) = recorder.wait_for("card")
    assert isinstance(card, IdCard) and card.masked_name() == "李**"
    finds_after(sim, 10)
    assert recorder.kinds() == ["card"]
    assert sim.count(Command.READ_TEXT_PHOTO) == 1


def test_given_a_card_lifted_and_presented_again_then_it_is_read_again(
    make_reader: ReaderFactory, sim: IdCardReaderSim, recorder: Recorder
) -> None:
    make_reader()
    sim.present_card(ADULT_CARD)
    recorder.wait_for("card")
    present_again(sim, ELDERLY_CARD)
    first, second = recorder.wait_for("card", 2)
    assert isinstance(first, IdCard) and first.name == "张伟"
    assert isinstance(second, IdCard) and second.name == "李秀英"


def test_given_a_sam_that_keeps_finding_a_read_card_then_the_driver_still_reports_it_once(
    make_reader: ReaderFactory, sim: IdCardReaderSim, recorder: Recorder
) -> None:
    sim.read_once = False
    make_reader()
    sim.present_card(ADULT_CARD)
    recorder.wait_for("card")
    finds_after(sim, 8)
    assert recorder.kinds() == ["card"]
    assert sim.count(Command.READ_TEXT_PHOTO) == 1
    # Lifting (a failed find) re-arms the driver.
    present_again(sim, ADULT_CARD)
    recorder.wait_for("card", 2)


def test_given_garbage_before_a_response_then_the_driver_resynchronises_and_reads_the_card(
    make_reader: ReaderFactory, sim: IdCardReaderSim, recorder: Recorder
) -> None:
    make_reader()
    sim.inject_garbage(
        b"\x00\x13\xaa\xaa\x96\xffnoise\xaa\xaa\xaa\x96\x69\xff\xff", before=Command.FIND
    )
    sim.inject_garbage(b"\xaa\xaa\xaa\x96\x69\x00\x04\x00\x00\x80\x00", before=Command.SELECT)
    sim.inject_garbage(bytes(range(256)), before=Command.READ_TEXT_PHOTO)
    sim.present_card(ADULT_CARD)
    recorder.wait_for("card")
    assert recorder.kinds() == ["card"]
    assert sim.count(Command.READ_TEXT_PHOTO) == 1


def test_given_a_corrupt_checksum_on_find_then_that_answer_is_dropped_and_the_card_read(
    make_reader: ReaderFactory, sim: IdCardReaderSim, recorder: Recorder
) -> None:
    make_reader()
    finds_after(sim, 1)
    sim.corrupt_next_checksum(of=Command.FIND)
    sim.present_card(ADULT_CARD)
    recorder.wait_for("card")
    assert recorder.kinds() == ["card"]


def test_given_a_corrupt_read_answer_then_the_customer_is_asked_to_retry_and_the_next_works(
    make_reader: ReaderFactory, sim: IdCardReaderSim, recorder: Recorder
) -> None:
    make_reader()
    sim.corrupt_next_checksum(of=Command.READ_TEXT_PHOTO)
    sim.present_card(ADULT_CARD)
    assert recorder.wait_for("error") == ["请重新放置身份证"]
    present_again(sim, ADULT_CARD)
    recorder.wait_for("card")
    assert recorder.kinds() == ["error", "card"]


def test_given_a_bad_check_digit_then_on_error_asks_to_replace_and_no_card_is_reported(
    make_reader: ReaderFactory, sim: IdCardReaderSim, recorder: Recorder
) -> None:
    make_reader()
    sim.present_card(BAD_CHECK_DIGIT_CARD)
    assert recorder.wait_for("error") == ["请重新放置身份证"]
    finds_after(sim, 5)
    present_again(sim, ADULT_CARD)
    recorder.wait_for("card")
    assert recorder.kinds() == ["error", "card"]


def test_given_a_foreign_permanent_resident_card_then_a_clear_chinese_message(
    make_reader: ReaderFactory, sim: IdCardReaderSim, recorder: Recorder
) -> None:
    make_reader()
    sim.present_card(FOREIGN_PERMANENT_RESIDENT_CARD)
    assert recorder.wait_for("error") == ["暂不支持外国人永久居留身份证，请使用居民身份证"]
    finds_after(sim, 3)
    assert recorder.kinds() == ["error"]


def test_given_two_failed_reads_then_the_third_attempt_reads_the_card_silently(
    make_reader: ReaderFactory, sim: IdCardReaderSim, recorder: Recorder
) -> None:
    make_reader()
    sim.fail_next_reads(2)
    sim.present_card(ADULT_CARD)
    recorder.wait_for("card")
    assert recorder.kinds() == ["card"]
    assert sim.count(Command.READ_TEXT_PHOTO) == 3


def test_given_reads_failing_three_times_then_the_customer_is_asked_once_to_retry(
    make_reader: ReaderFactory, sim: IdCardReaderSim, recorder: Recorder
) -> None:
    make_reader()
    sim.fail_next_reads(3)
    sim.present_card(ADULT_CARD)
    assert recorder.wait_for("error") == ["请重新放置身份证"]
    finds_after(sim, 5)  # the card still lies there: not read again until lifted
    assert sim.count(Command.READ_TEXT_PHOTO) == 3
    present_again(sim, ADULT_CARD)
    recorder.wait_for("card")
    assert recorder.kinds() == ["error", "card"]


@pytest.mark.slow
def test_given_a_reader_that_stops_answering_then_fault_and_on_resuming_recovered(
    make_reader: ReaderFactory, sim: IdCardReaderSim, recorder: Recorder
) -> None:
    reader = make_reader()
    finds_after(sim, 1)
    sim.set_answering(False)
    (message,) = recorder.wait_for("fault")
    assert isinstance(message, str) and "无应答" in message
    assert reader.faulted
    finds_after(sim, 2)  # still trying, without a second fault report
    sim.set_answering(True)
    recorder.wait_for("recovered")
    assert not reader.faulted
    sim.present_card(ADULT_CARD)
    recorder.wait_for("card")
    assert recorder.kinds() == ["fault", "recovered", "card"]


def test_given_the_usb_cable_pulled_and_replugged_then_fault_recovery_and_next_card_read(
    make_reader: ReaderFactory, link: PtyLink, sim: IdCardReaderSim, recorder: Recorder
) -> None:
    make_reader()
    sim.present_card(ADULT_CARD)
    recorder.wait_for("card")
    link.unplug()
    (message,) = recorder.wait_for("fault")
    assert isinstance(message, str) and "未连接" in message
    time.sleep(0.3)  # several reopen attempts fail while unplugged: still one fault
    link.replug()
    recorder.wait_for("recovered")
    sim.present_card(ELDERLY_CARD)
    cards = recorder.wait_for("card", 2)
    assert isinstance(cards[1], IdCard) and cards[1].name == "李秀英"
    assert recorder.kinds() == ["card", "fault", "recovered", "card"]


def test_given_no_port_at_start_then_fault_and_recovered_once_it_appears(
    tmp_path: Path, recorder: Recorder
) -> None:
    path = tmp_path / "late"
    reader = IdCardReader(
        IdCardSettings(str(path), poll_interval_s=0.03, reopen_interval_s=0.05),
        on_card=recorder.on_card,
        on_fault=recorder.on_fault,
        on_recovered=recorder.on_recovered,
    )
    reader.start()
    link: PtyLink | None = None
    try:
        recorder.wait_for("fault")
        link = PtyLink(path)
        with IdCardReaderSim(link, ADULT_CARD):
            recorder.wait_for("recovered")
            recorder.wait_for("card")
    finally:
        reader.stop()
        if link is not None:
            link.close()
    assert recorder.kinds() == ["fault", "recovered", "card"]


def test_given_sam_status_then_true_when_it_answers_ok_with_or_without_the_worker(
    link: PtyLink, sim: IdCardReaderSim, make_reader: ReaderFactory
) -> None:
    idle = IdCardReader(IdCardSettings(link.url, reply_timeout_s=0.5), on_card=lambda _: None)
    assert idle.sam_status()
    assert sim.count(Command.SAM_STATUS) == 1
    idle.stop()
    running = make_reader()
    assert running.sam_status()


def test_given_a_silent_or_missing_reader_then_sam_status_is_false(
    tmp_path: Path, link: PtyLink, sim: IdCardReaderSim
) -> None:
    sim.set_answering(False)
    silent = IdCardReader(IdCardSettings(link.url, reply_timeout_s=0.2), on_card=lambda _: None)
    assert not silent.sam_status()
    missing = IdCardReader(str(tmp_path / "absent"), on_card=lambda _card: None)
    assert not missing.sam_status()


def test_given_a_callback_that_raises_then_polling_goes_on(
    make_reader: ReaderFactory, sim: IdCardReaderSim, recorder: Recorder
) -> None:
    calls: list[IdCard] = []

    def flaky(card: IdCard) -> None:
        calls.append(card)
        if len(calls) == 1:
            raise RuntimeError("the UI queue is full")
        recorder.on_card(card)

    make_reader(on_card=flaky)
    sim.present_card(ADULT_CARD)
    assert sim.wait_until(lambda: len(calls) == 1, 3.0)
    present_again(sim, ADULT_CARD)
    recorder.wait_for("card")
    assert len(calls) == 2


def test_given_a_whole_session_with_faults_then_no_log_line_carries_personal_data(
    make_reader: ReaderFactory,
    sim: IdCardReaderSim,
    recorder: Recorder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    make_reader()
    sim.corrupt_next_checksum(of=Command.READ_TEXT_PHOTO)
    sim.present_card(ELDERLY_CARD)
    recorder.wait_for("error")
    present_again(sim, ELDERLY_CARD)
    recorder.wait_for("card")
    present_again(sim, BAD_CHECK_DIGIT_CARD)
    recorder.wait_for("error", 2)
    text = caplog.text + "".join(repr(r.args) for r in caplog.records)
    assert "card read" in text and "resynchronising" in text
    for secret in (ELDERLY_CARD, BAD_CHECK_DIGIT_CARD):
        for value in (secret.name, secret.id_number, secret.address, secret.birth):
            assert value not in text
        assert secret.name.encode("utf-16-le").hex() not in text


def test_given_stop_twice_or_without_start_then_nothing_breaks(link: PtyLink) -> None:
    reader = IdCardReader(link.url, on_card=lambda _card: None)
    reader.stop()
    reader.start()
    assert reader.running
    reader.stop()
    reader.stop()
    assert not reader.running


def test_given_the_bench_helper_then_it_returns_one_latency_per_card(tmp_path: Path) -> None:
    latencies = measure_card_latency(3, directory=tmp_path, poll_interval_s=0.05)
    assert len(latencies) == 3
    assert all(0 < latency < 1.0 for latency in latencies)
    assert list(tmp_path.iterdir()) == []


def test_given_settings_then_defaults_follow_the_protocol_page_and_bad_values_are_refused() -> None:
    settings = IdCardSettings("/dev/kiosk-idcard")
    assert (settings.baudrate, settings.poll_interval_s) == (115200, 0.3)
    assert settings.port.baudrate == 115200 and settings.port.url == "/dev/kiosk-idcard"
    assert IdCardReader("/dev/kiosk-idcard", on_card=lambda _: None).settings == settings
    for bad in ({"url": ""}, {"poll_interval_s": 0}, {"silent_polls_before_fault": 0}):
        with pytest.raises(ValueError):
            IdCardSettings(**{"url": "/dev/x", **bad})  # type: ignore[arg-type]


@pytest.mark.hardware
@pytest.mark.skipif(
    not os.environ.get("KIOSK_IDCARD_URL"), reason="set KIOSK_IDCARD_URL to a real reader"
)
def test_a_real_reader_answers_sam_status_and_reads_a_presented_card(recorder: Recorder) -> None:
    """On a bench: ``KIOSK_IDCARD_URL=/dev/ttyUSB0 pytest -m hardware tests/drivers/idcard``,
    then put a resident ID card on the reader within 20 s."""
    settings = IdCardSettings(
        os.environ["KIOSK_IDCARD_URL"],
        baudrate=int(os.environ.get("KIOSK_IDCARD_BAUD", "115200")),
    )
    reader = IdCardReader(
        settings, on_card=recorder.on_card, on_error=recorder.on_error, on_fault=recorder.on_fault
    )
    assert reader.sam_status(), "no SAM status answer: check the port, baud rate and power"
    with reader:
        (card,) = recorder.wait_for("card", timeout_s=20.0)
    assert isinstance(card, IdCard)
