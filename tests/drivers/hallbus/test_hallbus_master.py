"""The bus master against the simulator over a real pty: calls reach the screens, presses are
applied exactly once whatever the line loses, faults and recoveries are reported."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from drivers.hallbus.codec import (
    Clear,
    DeviceType,
    EvalStart,
    Event,
    EventKind,
    Events,
    Identify,
    Poll,
    Rejected,
    Score,
    Show,
    ShowMode,
    Transfer,
    TransferTarget,
    transfer_arg,
)
from drivers.hallbus.master import (
    BUS_ADDRESS,
    BusDevice,
    BusTiming,
    DeviceRole,
    Direction,
    HallBusMaster,
    Health,
)
from drivers.sim.hallbus import (
    CallerPad,
    Evaluator,
    HallBusSimulator,
    PadWithScreen,
    TcpEndpoint,
    WindowScreen,
)
from drivers.sim.link import PtyLink

CALL_TEXT = "请A012号到3号窗口"
Wait = Callable[..., bool]


def pad_and_screen_config(counter: int = 3) -> list[BusDevice]:
    return [BusDevice(1, DeviceRole.PAD, counter), BusDevice(11, DeviceRole.SCREEN, counter)]


class TestCalls:
    def test_press_reaches_on_key_and_the_call_reaches_the_screen(
        self, make_rig, wait_until: Wait
    ) -> None:
        pad, screen = CallerPad(1), WindowScreen(11)
        rig = make_rig([pad, screen], pad_and_screen_config(), call_on_key=True)
        pad.press(EventKind.CALL_NEXT)
        assert wait_until(lambda: screen.screen.text == CALL_TEXT)
        assert rig.recorder.keys == [(3, 1, Event(1, EventKind.CALL_NEXT))]
        last = screen.screen.updates[-1]
        assert (last.mode, last.seconds) == (ShowMode.FLASH, 10)

    def test_paused_then_clear(self, make_rig, wait_until: Wait) -> None:
        screen = WindowScreen(11)
        rig = make_rig([screen], [BusDevice(11, DeviceRole.SCREEN, 3)])
        assert rig.master.show_paused(3)
        assert wait_until(lambda: screen.screen.text == "暂停服务")
        assert rig.master.clear(3)
        assert wait_until(lambda: screen.screen.updates[-1].text is None)
        assert screen.screen.texts == ["暂停服务"]

    def test_only_the_latest_screen_content_is_sent_when_calls_pile_up(
        self, make_rig, wait_until: Wait
    ) -> None:
        screen = WindowScreen(11)
        rig = make_rig([screen], [BusDevice(11, DeviceRole.SCREEN, 3)], wait_online=False)
        for n in range(1, 6):
            rig.master.show_call(3, f"A00{n}")
        assert wait_until(lambda: screen.screen.text == "请A005号到3号窗口")
        assert len(screen.screen.texts) <= 2  # at most one that was already on its way

    def test_pad_state_reaches_the_pad(self, make_rig, wait_until: Wait) -> None:
        pad = CallerPad(1)
        rig = make_rig([pad], [BusDevice(1, DeviceRole.PAD, 3)])
        assert rig.master.pad_state(3, 12, "A012")
        assert wait_until(lambda: pad.display is not None)
        assert pad.display is not None
        assert (pad.display.waiting, pad.display.current) == (12, "A012")

    def test_pad_with_screen_gets_keys_screen_text_and_pad_state(
        self, make_rig, wait_until: Wait
    ) -> None:
        combo = PadWithScreen(7)
        rig = make_rig([combo], [BusDevice(7, DeviceRole.PAD_AND_SCREEN, 5)], call_on_key=True)
        rig.master.pad_state(5, 4, "B001")
        combo.press(EventKind.CALL_NEXT)
        assert wait_until(lambda: combo.screen.text == "请A012号到5号窗口")
        assert wait_until(lambda: combo.display is not None)
        assert rig.recorder.keys == [(5, 7, Event(1, EventKind.CALL_NEXT))]

    def test_nothing_is_queued_for_a_counter_without_such_device(self, make_rig) -> None:
        rig = make_rig([CallerPad(1)], [BusDevice(1, DeviceRole.PAD, 3)])
        assert not rig.master.show_call(3, "A001")
        assert not rig.master.show_call(4, "A001")
        assert not rig.master.eval_start(3, "A001")

    def test_transfer_keys_decode_the_target(self, make_rig, wait_until: Wait) -> None:
        pad = CallerPad(1)
        rig = make_rig([pad], [BusDevice(1, DeviceRole.PAD, 3)])
        pad.press(EventKind.TRANSFER, transfer_arg(TransferTarget.SERVICE, 2))
        pad.press(EventKind.TRANSFER, transfer_arg(TransferTarget.COUNTER, 4))
        assert wait_until(lambda: len(rig.recorder.keys) == 2)
        assert [e.transfer for _, _, e in rig.recorder.keys] == [
            Transfer(TransferTarget.SERVICE, 2),
            Transfer(TransferTarget.COUNTER, 4),
        ]


class TestEvaluator:
    def test_start_answer_and_score_callback(self, make_rig, wait_until: Wait) -> None:
        evaluator = Evaluator(21)
        rig = make_rig([evaluator], [BusDevice(21, DeviceRole.EVALUATOR, 3)])
        rig.master.eval_start(3, "A012")
        assert wait_until(lambda: evaluator.evaluating == "A012")
        evaluator.answer(Score.VERY_SATISFIED)
        assert wait_until(lambda: rig.recorder.scores == [(3, 21, Score.VERY_SATISFIED)])
        assert rig.recorder.keys == []

    def test_cancel(self, make_rig, wait_until: Wait) -> None:
        evaluator = Evaluator(21)
        rig = make_rig([evaluator], [BusDevice(21, DeviceRole.EVALUATOR, 3)])
        rig.master.eval_start(3, "A012")
        assert wait_until(lambda: evaluator.evaluating == "A012")
        rig.master.eval_cancel(3)
        assert wait_until(lambda: evaluator.evaluating is None)

    def test_score_outside_0_to_4_is_acked_but_not_reported(
        self, make_rig, wait_until: Wait
    ) -> None:
        evaluator = Evaluator(21)
        rig = make_rig([evaluator], [BusDevice(21, DeviceRole.EVALUATOR, 3)])
        evaluator._push(EventKind.SCORE, 9)
        evaluator.answer(Score.NO_ANSWER)
        assert wait_until(lambda: rig.recorder.scores == [(3, 21, Score.NO_ANSWER)])
        assert wait_until(lambda: not evaluator.unacked)


class TestExactlyOnce:
    @pytest.mark.parametrize(
        "fault",
        [
            pytest.param(lambda pad: pad.drop_next_replies(1), id="lost-reply"),
            pytest.param(lambda pad: pad.ignore_next_requests(1), id="lost-poll"),
            pytest.param(lambda pad: pad.corrupt_next_replies(1), id="corrupt-reply"),
            pytest.param(lambda pad: pad.delay_next_reply(0.08), id="late-reply"),
            pytest.param(lambda pad: pad.drop_next_replies(3), id="whole-round-lost"),
            pytest.param(lambda pad: pad.ignore_next_requests(4), id="polls-lost-over-rounds"),
        ],
    )
    def test_press_is_applied_once_not_zero_not_twice(
        self, make_rig, wait_until: Wait, fault: Callable[[CallerPad], None]
    ) -> None:
        pad = CallerPad(1)
        rig = make_rig([pad], [BusDevice(1, DeviceRole.PAD, 3)])
        fault(pad)
        pad.press(EventKind.CALL_NEXT)
        assert wait_until(lambda: rig.recorder.seqs() == [1])
        assert wait_until(lambda: not pad.unacked)  # the device saw the ack
        time.sleep(0.05)  # a few more rounds: nothing comes twice
        assert rig.recorder.seqs() == [1]
        pad.press(EventKind.DONE)
        assert wait_until(lambda: rig.recorder.seqs() == [1, 2])

    def test_master_applies_a_repeated_event_once(self, make_rig, wait_until: Wait) -> None:
        """A device that repeats an event the master already applied (its ack was late)."""
        pad = CallerPad(1)
        rig = make_rig([pad], [BusDevice(1, DeviceRole.PAD, 3)])
        pad.press()
        assert wait_until(lambda: rig.recorder.seqs() == [1])
        # The reply to the next poll is held so long that the master's retry overlaps it.
        pad.press()
        pad.delay_next_reply(0.06)
        pad.delay_next_reply(0.0)
        assert wait_until(lambda: not pad.unacked)
        time.sleep(0.05)
        assert rig.recorder.seqs() == [1, 2]

    def test_many_presses_under_random_faults_each_count_once(
        self, make_rig, wait_until: Wait
    ) -> None:
        pads = [CallerPad(1), CallerPad(2)]
        rig = make_rig(pads, [BusDevice(1, DeviceRole.PAD, 1), BusDevice(2, DeviceRole.PAD, 2)])
        faults = [
            lambda p: p.drop_next_replies(1),
            lambda p: p.ignore_next_requests(1),
            lambda p: p.corrupt_next_replies(1),
            lambda p: None,
        ]
        for n in range(24):
            pad = pads[n % 2]
            faults[n % len(faults)](pad)
            pad.press(EventKind.CALL_NEXT)
            if n % 5 == 0:
                rig.simulator.garbage_before_next_reply(b"\x02\x01\x81\x40\xee")
            time.sleep(0.01)
        assert wait_until(lambda: len(rig.recorder.keys) >= 24)
        assert wait_until(lambda: not any(p.unacked for p in pads))
        time.sleep(0.05)
        for address in (1, 2):
            seqs = [e.seq for _, a, e in rig.recorder.keys if a == address]
            assert seqs == list(range(1, 13))

    def test_seq_wraps_from_255_to_1(self, make_rig, wait_until: Wait) -> None:
        pad = CallerPad(1, first_seq=254)
        rig = make_rig([pad], [BusDevice(1, DeviceRole.PAD, 3)])
        for _ in range(2):
            pad.press()
        assert wait_until(lambda: rig.recorder.seqs() == [254, 255])
        for _ in range(2):
            pad.press()
        assert wait_until(lambda: rig.recorder.seqs() == [254, 255, 1, 2])
        assert wait_until(lambda: not pad.unacked)
        assert rig.recorder.seqs() == [254, 255, 1, 2]

    def test_burst_of_presses_in_one_reply_all_count(self, make_rig, wait_until: Wait) -> None:
        pad = CallerPad(1)
        rig = make_rig([pad], [BusDevice(1, DeviceRole.PAD, 3)])
        pad.set_silent(True)
        for _ in range(5):
            pad.press()
        pad.set_silent(False)
        assert wait_until(lambda: rig.recorder.seqs() == [1, 2, 3, 4, 5])


class TestRestart:
    def test_restart_while_offline_resets_the_expected_seq(
        self, make_rig, wait_until: Wait
    ) -> None:
        pad = CallerPad(1)
        rig = make_rig([pad], [BusDevice(1, DeviceRole.PAD, 3)])
        for _ in range(3):
            pad.press()
        assert wait_until(lambda: rig.recorder.seqs() == [1, 2, 3] and not pad.unacked)
        pad.set_silent(True)
        assert wait_until(lambda: rig.recorder.fault_addresses() == [1])
        pad.restart()
        pad.press()  # seq 1 again, pressed while the master thinks the pad is gone
        pad.set_silent(False)
        assert wait_until(lambda: rig.recorder.recovered == [1])
        assert wait_until(lambda: rig.recorder.seqs() == [1, 2, 3, 1])
        pad.press()
        assert wait_until(lambda: rig.recorder.seqs() == [1, 2, 3, 1, 2])

    def test_offline_without_restart_does_not_double_the_last_press(
        self, make_rig, wait_until: Wait
    ) -> None:
        pad = CallerPad(1)
        rig = make_rig([pad], [BusDevice(1, DeviceRole.PAD, 3)])
        pad.press()
        pad.press()
        # The reply carrying 1 and 2 arrives; the ack after it never does, then silence.
        assert wait_until(lambda: rig.recorder.seqs() == [1, 2])
        pad.set_silent(True)
        assert wait_until(lambda: rig.recorder.fault_addresses() == [1])
        pad.set_silent(False)
        assert wait_until(lambda: rig.recorder.recovered == [1])
        pad.press()
        assert wait_until(lambda: rig.recorder.seqs() == [1, 2, 3])
        time.sleep(0.05)
        assert rig.recorder.seqs() == [1, 2, 3]

    def test_quick_restart_without_silence_is_detected_by_the_sequence(
        self, make_rig, wait_until: Wait
    ) -> None:
        pad = CallerPad(1)
        rig = make_rig([pad], [BusDevice(1, DeviceRole.PAD, 3)])
        for _ in range(5):
            pad.press()
        assert wait_until(lambda: rig.recorder.seqs() == [1, 2, 3, 4, 5] and not pad.unacked)
        pad.restart()
        pad.press()
        assert wait_until(lambda: rig.recorder.seqs() == [1, 2, 3, 4, 5, 1])
        status = rig.master.device_states()[0]
        assert status.restarts_detected == 1
        assert rig.recorder.faults == []


class TestFaults:
    def test_silent_pad_goes_offline_after_three_rounds_then_recovers(
        self, make_rig, wait_until: Wait
    ) -> None:
        pad = CallerPad(1)
        rig = make_rig([pad], [BusDevice(1, DeviceRole.PAD, 3)])
        pad.set_silent(True)
        silent_at = time.monotonic()
        assert wait_until(lambda: rig.recorder.faults)
        elapsed = time.monotonic() - silent_at
        # three rounds of (1 try + 2 retries) × 50 ms reply timeout
        assert elapsed >= 3 * 3 * 0.05 * 0.9
        assert rig.recorder.faults[0][0] == 1
        assert "does not answer" in rig.recorder.faults[0][1]
        assert rig.master.device_states()[0].health is Health.OFFLINE
        pad.set_silent(False)
        assert wait_until(lambda: rig.recorder.recovered == [1])
        assert rig.master.device_states()[0].health is Health.ONLINE
        pad.press()
        assert wait_until(lambda: rig.recorder.seqs() == [1])

    def test_offline_device_is_asked_identify_not_polled(self, make_rig, wait_until: Wait) -> None:
        pad = CallerPad(1)
        rig = make_rig([pad], [BusDevice(1, DeviceRole.PAD, 3)])
        pad.set_silent(True)
        assert wait_until(lambda: rig.recorder.faults)
        with rig.recorder.lock:
            rig.recorder.frames.clear()
        time.sleep(0.5)
        with rig.recorder.lock:
            sent = [f for d, _, f in rig.recorder.frames if d is Direction.TX]
        assert not any(isinstance(f, Poll) for f in sent)
        identifies = [f for f in sent if isinstance(f, Identify)]
        # every 0.2 s, one try each (no retries while offline)
        assert 2 <= len(identifies) <= 4

    def test_screen_that_dies_is_reported_and_redrawn_when_back(
        self, make_rig, wait_until: Wait
    ) -> None:
        screen = WindowScreen(11)
        rig = make_rig([screen], [BusDevice(11, DeviceRole.SCREEN, 3)])
        rig.master.show_call(3, "A012")
        assert wait_until(lambda: screen.screen.text == CALL_TEXT)
        screen.set_silent(True)
        rig.master.show_call(3, "A013")  # the failed SHOW is what notices the screen is gone
        assert wait_until(lambda: rig.recorder.fault_addresses() == [11])
        screen.restart()  # came back blank after a power cut
        screen.set_silent(False)
        assert wait_until(lambda: rig.recorder.recovered == [11])
        assert wait_until(lambda: screen.screen.text == "请A013号到3号窗口")

    def test_nak_for_a_frame_the_device_cannot_take_drops_it(
        self, make_rig, wait_until: Wait, caplog: pytest.LogCaptureFixture
    ) -> None:
        pad = CallerPad(11)  # configured as a screen by mistake
        caplog.set_level(logging.WARNING, logger="drivers.hallbus")
        rig = make_rig([pad], [BusDevice(11, DeviceRole.SCREEN, 3)])
        rig.master.show_call(3, "A012")
        assert wait_until(lambda: rig.master.device_states()[0].naks >= 1)
        time.sleep(0.05)
        assert sum(isinstance(m, Show) for m in pad.received) == 1  # not retried forever
        assert any("configured as screen" in r.getMessage() for r in caplog.records)
        assert any("refused SHOW" in r.getMessage() for r in caplog.records)
        assert rig.master.device_states()[0].device_type is DeviceType.CALLER_PAD

    def test_a_failing_callback_does_not_stop_the_bus(
        self, tmp_path: Path, wait_until: Wait, caplog: pytest.LogCaptureFixture
    ) -> None:
        link = PtyLink(tmp_path / "bus")
        pad = CallerPad(1)
        seen: list[int] = []

        def on_key(counter: int, address: int, event: Event) -> None:
            seen.append(event.seq)
            if event.seq == 1:
                raise RuntimeError("queue said no")

        master = HallBusMaster(
            link.url,
            [BusDevice(1, DeviceRole.PAD, 3)],
            on_key=on_key,
            timing=BusTiming(min_round_s=0.005),
        )
        try:
            with HallBusSimulator(link, [pad]), master:
                pad.press()
                pad.press()
                assert wait_until(lambda: seen == [1, 2])
        finally:
            link.close()
        assert any("callback" in r.getMessage() for r in caplog.records)

    def test_garbage_before_a_reply_does_not_lose_it(self, make_rig, wait_until: Wait) -> None:
        pad = CallerPad(1)
        rig = make_rig([pad], [BusDevice(1, DeviceRole.PAD, 3)])
        # A header claiming 64 bytes of payload would hold the real reply hostage.
        rig.simulator.garbage_before_next_reply(b"\x02\x01\x81\x40\x13\x37")
        pad.press()
        assert wait_until(lambda: rig.recorder.seqs() == [1])
        assert wait_until(lambda: rig.master.bus_status().rejected.get("truncated", 0) >= 1)
        assert rig.recorder.faults == []


class TestPort:
    def test_unplug_and_replug_reports_and_resumes_without_restart(
        self, make_rig, wait_until: Wait
    ) -> None:
        pad, screen = CallerPad(1), WindowScreen(11)
        rig = make_rig([pad, screen], pad_and_screen_config(), call_on_key=True)
        pad.press()
        assert wait_until(lambda: rig.recorder.seqs() == [1])
        rig.link.unplug()
        assert wait_until(lambda: rig.recorder.fault_addresses() == [BUS_ADDRESS])
        assert "unavailable" in rig.recorder.faults[0][1]
        assert wait_until(lambda: not rig.master.bus_status().port_open)
        pad.press()  # pressed while the adapter is out: kept in the pad's ring
        rig.master.show_paused(3)  # and the daemon asks for something meanwhile
        time.sleep(0.3)
        rig.link.replug()
        assert wait_until(lambda: rig.recorder.recovered == [BUS_ADDRESS])
        assert wait_until(lambda: rig.recorder.seqs() == [1, 2])
        assert rig.master.running
        assert wait_until(lambda: screen.screen.text == CALL_TEXT)
        pad.press()
        assert wait_until(lambda: rig.recorder.seqs() == [1, 2, 3])
        assert rig.recorder.fault_addresses() == [BUS_ADDRESS]  # no device was blamed

    def test_port_missing_at_start_is_a_bus_fault_until_it_appears(
        self, tmp_path: Path, wait_until: Wait
    ) -> None:
        faults: list[tuple[int, str]] = []
        recovered: list[int] = []
        path = tmp_path / "later"
        master = HallBusMaster(
            str(path),
            [BusDevice(1, DeviceRole.PAD, 3)],
            on_fault=lambda a, m: faults.append((a, m)),
            on_recovered=recovered.append,
            timing=BusTiming(reopen_every_s=0.05, min_round_s=0.005),
        )
        started = time.monotonic()
        with master:
            assert time.monotonic() - started < 0.1  # start() never waits for hardware
            assert master.show_call(3, "A012") is False  # no screen, and still no blocking
            assert wait_until(lambda: faults)
            assert faults[0][0] == BUS_ADDRESS
            pad = CallerPad(1)
            link = PtyLink(path)
            try:
                with HallBusSimulator(link, [pad]):
                    assert wait_until(lambda: recovered == [BUS_ADDRESS])
                    pad.press()
                    assert wait_until(lambda: master.device_states()[0].events_applied == 1)
            finally:
                link.close()

    def test_public_calls_return_at_once_while_the_bus_is_busy(self, make_rig) -> None:
        pad = CallerPad(1)
        rig = make_rig([pad, WindowScreen(11)], pad_and_screen_config())
        pad.set_silent(True)  # every poll now waits out its timeouts
        started = time.perf_counter()
        for n in range(50):
            rig.master.show_call(3, f"A{n:03d}")
            rig.master.pad_state(3, n)
        assert time.perf_counter() - started < 0.05

    def test_over_tcp_socket_url(self, wait_until: Wait) -> None:
        endpoint = TcpEndpoint()
        pad, screen = CallerPad(1), WindowScreen(11)
        faults: list[int] = []
        recovered: list[int] = []
        master: HallBusMaster

        def on_key(counter: int, address: int, event: Event) -> None:
            master.show_call(counter, "A012")

        master = HallBusMaster(
            endpoint.url,
            pad_and_screen_config(),
            on_key=on_key,
            on_fault=lambda a, m: faults.append(a),
            on_recovered=recovered.append,
            timing=BusTiming(reopen_every_s=0.05, min_round_s=0.005),
        )
        try:
            with HallBusSimulator(endpoint, [pad, screen]), master:
                pad.press()
                assert wait_until(lambda: screen.screen.text == CALL_TEXT)
                endpoint.disconnect()
                assert wait_until(lambda: recovered == [BUS_ADDRESS])
                assert faults == [BUS_ADDRESS]
                pad.press(EventKind.RECALL)
                assert wait_until(lambda: len(screen.screen.texts) == 2)
        finally:
            endpoint.close()


class TestMonitorAndStatus:
    def test_on_frame_sees_both_directions(self, make_rig, wait_until: Wait) -> None:
        pad = CallerPad(1)
        rig = make_rig([pad], [BusDevice(1, DeviceRole.PAD, 3)])
        pad.press()
        assert wait_until(lambda: rig.recorder.seqs() == [1])
        with rig.recorder.lock:
            frames = list(rig.recorder.frames)
        assert any(d is Direction.TX and isinstance(f, Poll) for d, _, f in frames)
        assert any(d is Direction.RX and isinstance(f, Events) for d, _, f in frames)
        assert not any(isinstance(f, Rejected) for _, _, f in frames)

    def test_device_states(self, make_rig) -> None:
        rig = make_rig(
            [CallerPad(1, firmware=(2, 5)), WindowScreen(11), Evaluator(21)],
            [*pad_and_screen_config(), BusDevice(21, DeviceRole.EVALUATOR, 3)],
        )
        states = rig.master.device_states()
        assert [s.address for s in states] == [1, 11, 21]
        assert all(s.health is Health.ONLINE for s in states)
        assert states[0].firmware == "2.5"
        assert [s.device_type for s in states] == [
            DeviceType.CALLER_PAD,
            DeviceType.WINDOW_SCREEN,
            DeviceType.EVALUATOR,
        ]
        status = rig.master.bus_status()
        assert status.port_open and status.frames_sent >= 3

    def test_unknown_health_before_start(self, tmp_path: Path) -> None:
        master = HallBusMaster(str(tmp_path / "none"), [BusDevice(1, DeviceRole.PAD, 3)])
        assert master.device_states()[0].health is Health.UNKNOWN
        master.stop()  # stop before start is harmless

    def test_duplicate_address_in_config_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match="twice"):
            HallBusMaster(
                str(tmp_path / "x"),
                [BusDevice(1, DeviceRole.PAD, 3), BusDevice(1, DeviceRole.SCREEN, 3)],
            )

    def test_default_timing_is_the_protocols(self) -> None:
        timing = BusTiming()
        assert timing.reply_timeout_s == 0.1
        assert timing.retries == 2
        assert timing.offline_after_missed_rounds == 3
        assert timing.identify_offline_every_s == 10.0


def test_eval_start_frame_carries_the_ticket(make_rig, wait_until: Wait) -> None:
    evaluator = Evaluator(21)
    rig = make_rig([evaluator], [BusDevice(21, DeviceRole.EVALUATOR, 3)])
    rig.master.eval_start(3, "B007")
    assert wait_until(lambda: any(isinstance(m, EvalStart) for m in evaluator.received))
    assert [m for m in evaluator.received if isinstance(m, EvalStart)] == [EvalStart(21, "B007")]
    assert not any(isinstance(m, Clear) for m in evaluator.received)


def test_stop_joins_the_worker(make_rig) -> None:
    rig = make_rig([CallerPad(1)], [BusDevice(1, DeviceRole.PAD, 3)])
    rig.master.stop()
    assert not rig.master.running
    assert not any(t.name == "hallbus-master" for t in threading.enumerate())
