"""The simulator from the wire: a raw port writes exact frames and checks exact replies, so the
simulator is known to speak the protocol before the master is tested against it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from drivers.hallbus.codec import (
    Clear,
    DeviceType,
    EvalCancel,
    EvalStart,
    Event,
    EventKind,
    Events,
    Identify,
    Info,
    Nak,
    NakCode,
    PadState,
    Poll,
    RejectReason,
    Score,
    Show,
    ShowMode,
    decode,
    encode,
    encode_frame,
)
from drivers.sim.hallbus import (
    RING_CAPACITY,
    CallerPad,
    Evaluator,
    HallBusSimulator,
    PadWithScreen,
    SimulatedDevice,
    WindowScreen,
)
from drivers.sim.link import PtyLink
from drivers.transport import PortSettings, SerialTransport

ACK_1 = bytes.fromhex("02 01 80 00 41 C0 03")
Wait = Callable[..., bool]


class Wire:
    """The master's end of the pty, driven by hand."""

    def __init__(self, port: SerialTransport) -> None:
        self.port = port

    def ask(self, request: bytes, reply_len: int) -> bytes:
        self.port.write(request)
        return self.port.read_exactly(reply_len, 1.0)

    def ask_frame(self, request: bytes) -> bytes:
        """The whole reply frame, whatever its length."""
        self.port.write(request)
        header = self.port.read_exactly(4, 1.0)
        return header + self.port.read_exactly(header[3] + 3, 1.0)

    def silence(self, request: bytes, wait_s: float = 0.15) -> bytes:
        """Whatever comes back within ``wait_s`` (expected: nothing)."""
        self.port.write(request)
        got = b""
        for _ in range(int(wait_s / 0.05)):
            got += self.port.read(64)
        return got


@pytest.fixture
def wire_to(pty_link: PtyLink) -> Iterator[Callable[..., Wire]]:
    started: list[HallBusSimulator] = []
    ports: list[SerialTransport] = []

    def make(*devices: SimulatedDevice) -> Wire:
        simulator = HallBusSimulator(pty_link, devices)
        simulator.start()
        started.append(simulator)
        port = SerialTransport("test", PortSettings(pty_link.url, timeout_s=0.05))
        port.open()
        ports.append(port)
        return Wire(port)

    yield make
    for port in ports:
        port.close()
    for simulator in started:
        simulator.stop()


class TestPad:
    def test_the_protocol_documents_example_exchange(self, wire_to) -> None:
        pad = CallerPad(1)
        wire = wire_to(pad)
        pad.press(EventKind.CALL_NEXT)
        assert wire.ask(bytes.fromhex("02 01 01 01 00 51 88 03"), 11) == bytes.fromhex(
            "02 01 81 04 01 01 00 00 B4 2D 03"
        )
        assert wire.ask(encode(Poll(1, 1)), 7) == ACK_1

    def test_unacked_events_repeat_in_every_reply_until_acked(self, wire_to) -> None:
        pad = CallerPad(1)
        wire = wire_to(pad)
        pad.press(EventKind.CALL_NEXT)
        pad.press(EventKind.RECALL)
        both = encode(Events(1, (Event(1, EventKind.CALL_NEXT), Event(2, EventKind.RECALL))))
        assert wire.ask(encode(Poll(1, 0)), len(both)) == both
        assert wire.ask(encode(Poll(1, 0)), len(both)) == both
        only_second = encode(Events(1, (Event(2, EventKind.RECALL),)))
        assert wire.ask(encode(Poll(1, 1)), len(only_second)) == only_second
        assert wire.ask(encode(Poll(1, 2)), 7) == ACK_1
        assert pad.acks_seen == [0, 0, 1, 2]

    def test_an_ack_for_a_seq_not_in_the_ring_removes_nothing(self, wire_to) -> None:
        pad = CallerPad(1)
        wire = wire_to(pad)
        pad.press()
        one = encode(Events(1, (Event(1, EventKind.CALL_NEXT),)))
        assert wire.ask(encode(Poll(1, 58)), len(one)) == one

    def test_restart_numbers_from_1_again(self, wire_to) -> None:
        pad = CallerPad(1, first_seq=40)
        wire = wire_to(pad)
        pad.press()
        pad.restart()
        pad.press()
        assert decode(wire.ask_frame(encode(Poll(1, 0)))) == Events(
            1, (Event(1, EventKind.CALL_NEXT),)
        )

    def test_seq_wraps_255_to_1(self) -> None:
        pad = CallerPad(1, first_seq=255)
        assert [pad.press().seq, pad.press().seq] == [255, 1]

    def test_full_ring_loses_the_oldest_and_counts_it(self, wire_to) -> None:
        pad = CallerPad(1)
        wire = wire_to(pad)
        for _ in range(RING_CAPACITY + 2):
            pad.press()
        assert pad.lost_events == 2
        reply = decode(wire.ask_frame(encode(Poll(1, 0))))
        assert isinstance(reply, Events)
        assert [e.seq for e in reply.events] == list(range(3, 19))  # 16 a frame, oldest first

    def test_pad_state_is_recorded_and_acked(self, wire_to) -> None:
        pad = CallerPad(2)
        wire = wire_to(pad)
        assert decode(wire.ask_frame(encode(PadState(2, 12, "A012")))) == decode(
            encode_frame(2, 0x80)
        )
        assert pad.display == PadState(2, 12, "A012")

    def test_identify(self, wire_to) -> None:
        wire = wire_to(CallerPad(1, firmware=(3, 7)))
        assert wire.ask(encode(Identify(1)), 10) == encode(Info(1, DeviceType.CALLER_PAD, 3, 7))


class TestScreen:
    def test_show_is_decoded_from_gb18030_and_acked(self, wire_to) -> None:
        screen = WindowScreen(3)
        wire = wire_to(screen)
        frame = encode(Show(3, "请A012号到3号窗口", ShowMode.FLASH, 10))
        assert decode(wire.ask_frame(frame)) == decode(encode_frame(3, 0x80))
        assert screen.screen.text == "请A012号到3号窗口"
        assert wire.ask_frame(encode(Show(3, "暂停服务")))[2] == 0x80
        assert wire.ask_frame(encode(Clear(3)))[2] == 0x80
        assert screen.screen.text == ""
        assert screen.screen.texts == ["请A012号到3号窗口", "暂停服务"]
        assert screen.screen.updates[0].mode is ShowMode.FLASH

    def test_screen_answers_poll_with_ack(self, wire_to) -> None:
        wire = wire_to(WindowScreen(1))
        assert wire.ask(encode(Poll(1, 0)), 7) == ACK_1

    def test_broadcast_show_reaches_every_screen_and_nobody_answers(self, wire_to) -> None:
        screens = [WindowScreen(3), WindowScreen(4), PadWithScreen(5)]
        wire = wire_to(*screens)
        assert wire.silence(encode(Show(0, "暂停服务"))) == b""
        assert [s.screen.text for s in screens] == ["暂停服务"] * 3

    def test_restart_blanks_the_screen(self) -> None:
        screen = WindowScreen(3)
        screen.handle(Show(3, "A001"))
        screen.restart()
        assert screen.screen.text == ""


class TestEvaluator:
    def test_eval_start_answer_and_cancel(self, wire_to) -> None:
        evaluator = Evaluator(9)
        wire = wire_to(evaluator)
        assert wire.ask_frame(encode(EvalStart(9, "A012")))[2] == 0x80
        assert evaluator.evaluating == "A012"
        evaluator.answer(Score.SATISFIED)
        assert evaluator.evaluating is None
        assert decode(wire.ask_frame(encode(Poll(9, 0)))) == Events(
            9, (Event(1, EventKind.SCORE, 2),)
        )
        wire.ask_frame(encode(EvalStart(9, "A013")))
        assert wire.ask_frame(encode(EvalCancel(9)))[2] == 0x80
        assert evaluator.evaluating is None
        assert evaluator.requests == ["A012", "A013"]


class TestNak:
    def test_bad_crc_is_nakked_with_code_1(self, wire_to) -> None:
        wire = wire_to(CallerPad(1))
        bad = bytearray(encode(Poll(1, 0)))
        bad[-2] ^= 0xFF
        assert wire.ask(bytes(bad), 8) == encode(Nak(1, NakCode.BAD_CRC))

    def test_unknown_command_is_nakked_with_code_2(self, wire_to) -> None:
        wire = wire_to(CallerPad(1))
        assert wire.ask(encode_frame(1, 0x55), 8) == encode(Nak(1, NakCode.UNKNOWN_COMMAND))

    def test_command_the_device_does_not_have_is_an_unknown_command(self, wire_to) -> None:
        wire = wire_to(CallerPad(1))
        assert wire.ask(encode(Show(1, "A001")), 8) == encode(Nak(1, NakCode.UNKNOWN_COMMAND))

    @pytest.mark.parametrize(
        "payload",
        [b"", b"\x00\x00", b"\x00\x00\x00"],
        ids=["poll-without-ack", "poll-too-long", "poll-far-too-long"],
    )
    def test_bad_payload_is_nakked_with_code_3(self, wire_to, payload: bytes) -> None:
        wire = wire_to(CallerPad(1))
        assert wire.ask(encode_frame(1, 0x01, payload), 8) == encode(Nak(1, NakCode.BAD_PAYLOAD))

    def test_text_that_is_not_gb18030_is_a_bad_payload(self, wire_to) -> None:
        screen = WindowScreen(3)
        wire = wire_to(screen)
        assert wire.ask(encode_frame(3, 0x10, b"\x00\x00\x81\x20"), 8) == encode(
            Nak(3, NakCode.BAD_PAYLOAD)
        )
        assert screen.screen.updates == []

    def test_frames_for_other_addresses_get_no_answer(self, wire_to) -> None:
        wire = wire_to(CallerPad(1))
        assert wire.silence(encode(Poll(2, 0))) == b""
        assert wire.silence(encode_frame(2, 0x55)) == b""


class TestFaultInjection:
    def test_dropped_reply_is_not_sent_but_the_ack_was_taken(self, wire_to) -> None:
        pad = CallerPad(1)
        wire = wire_to(pad)
        pad.press()
        pad.drop_next_replies(1)
        assert wire.silence(encode(Poll(1, 0))) == b""
        assert pad.unacked == [Event(1, EventKind.CALL_NEXT)]
        pad.drop_next_replies(1)
        assert wire.silence(encode(Poll(1, 1))) == b""
        assert pad.unacked == []

    def test_ignored_request_changes_nothing(self, wire_to) -> None:
        pad = CallerPad(1)
        wire = wire_to(pad)
        pad.press()
        pad.ignore_next_requests(1)
        assert wire.silence(encode(Poll(1, 1))) == b""
        assert pad.unacked == [Event(1, EventKind.CALL_NEXT)]
        assert pad.received == []

    def test_corrupted_reply_fails_its_crc(self, wire_to) -> None:
        pad = CallerPad(1)
        wire = wire_to(pad)
        pad.corrupt_next_replies(1)
        reply = wire.ask(encode(Poll(1, 0)), 7)
        assert reply != ACK_1 and reply[:3] == ACK_1[:3]

    def test_silent_device_answers_nothing_not_even_nak(self, wire_to) -> None:
        pad = CallerPad(1)
        wire = wire_to(pad)
        pad.set_silent(True)
        assert wire.silence(encode_frame(1, 0x55)) == b""
        pad.set_silent(False)
        assert wire.ask(encode(Poll(1, 0)), 7) == ACK_1

    def test_delayed_reply(self, wire_to) -> None:
        pad = CallerPad(1)
        wire = wire_to(pad)
        pad.delay_next_reply(0.1)
        wire.port.write(encode(Poll(1, 0)))
        assert wire.port.read(7) == b""  # nothing within the 50 ms port timeout
        assert wire.port.read_exactly(7, 1.0) == ACK_1


class TestBusNoise:
    def test_inject_garbage_and_garbage_before_reply(self, pty_link: PtyLink) -> None:
        pad = CallerPad(1)
        port = SerialTransport("test", PortSettings(pty_link.url, timeout_s=0.05))
        port.open()
        try:
            with HallBusSimulator(pty_link, [pad]) as simulator:
                simulator.inject_garbage(b"\x13\x37")
                assert port.read_exactly(2, 1.0) == b"\x13\x37"
                simulator.garbage_before_next_reply(b"\xff\x02")
                port.write(encode(Poll(1, 0)))
                assert port.read_exactly(9, 1.0) == b"\xff\x02" + ACK_1
                # The master's noise reaches the simulator too, and does not stop it.
                port.write(b"\x02\x01\x01\x40" + encode(Poll(1, 0)))
                assert port.read_exactly(7, 1.0) == ACK_1
                assert RejectReason.TRUNCATED in [r.reason for r in simulator.rejected]
        finally:
            port.close()

    def test_simulator_survives_unplug_and_replug(self, pty_link: PtyLink) -> None:
        pad = CallerPad(1)
        with HallBusSimulator(pty_link, [pad]):
            pty_link.unplug()
            pty_link.replug()
            port = SerialTransport("test", PortSettings(pty_link.url, timeout_s=0.05))
            port.open()
            try:
                port.write(encode(Poll(1, 0)))
                assert port.read_exactly(7, 1.0) == ACK_1
            finally:
                port.close()

    def test_duplicate_address_is_refused(self, pty_link: PtyLink) -> None:
        with pytest.raises(ValueError):
            HallBusSimulator(pty_link, [CallerPad(1), WindowScreen(1)])
