"""The press → SHOW bench helper: it runs, returns plausible figures, and its wire model is
the arithmetic of the protocol's frame sizes."""

from __future__ import annotations

from pathlib import Path

import pytest

from drivers.hallbus.bench import measure_press_to_show, summarize, wire_estimate


def test_wire_model_at_9600_baud_with_8_pads() -> None:
    estimate = wire_estimate(pads=8, baudrate=9600)
    char = 10 / 9600
    # per idle poll: 3.5-char gap + POLL (8) + ACK (7)
    assert estimate.poll_round_s == pytest.approx(8 * (3.5 + 15) * char)
    # the pad's POLL (8) + EVENTS (11), then the SHOW (26 bytes for 请A012号到3号窗口), gaps
    assert estimate.fixed_s == pytest.approx((3.5 + 19 + 3.5 + 26) * char)
    assert estimate.p95_s == pytest.approx(estimate.fixed_s + 0.95 * estimate.poll_round_s)
    # The budget (p95 ≤ 150 ms) cannot be met at 9600 baud with 8 polled pads; see the docs.
    assert estimate.p95_s > 0.150
    assert wire_estimate(pads=8, baudrate=19200).p95_s < 0.150


def test_device_turnaround_adds_per_poll() -> None:
    slow = wire_estimate(pads=8, baudrate=9600, device_turnaround_s=0.005)
    fast = wire_estimate(pads=8, baudrate=9600)
    assert slow.poll_round_s - fast.poll_round_s == pytest.approx(8 * 0.005)


def test_measure_on_a_bare_pty(tmp_path: Path) -> None:
    latencies = measure_press_to_show(5, pads=2, emulate_wire=False, directory=tmp_path)
    assert len(latencies) == 5
    assert all(0 < latency < 0.5 for latency in latencies)


def test_measure_with_the_wire_emulated_at_9600(tmp_path: Path) -> None:
    latencies = measure_press_to_show(4, pads=8, baudrate=9600, directory=tmp_path)
    model = wire_estimate(8, 9600)
    assert len(latencies) == 4
    assert all(model.best_s * 0.9 < latency < model.worst_s + 0.1 for latency in latencies)


def test_summarize() -> None:
    figures = summarize([0.010, 0.020, 0.030, 0.040])
    assert figures["n"] == 4
    assert figures["p50_ms"] == pytest.approx(25.0)
    assert figures["max_ms"] == pytest.approx(40.0)
