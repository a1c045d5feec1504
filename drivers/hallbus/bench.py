"""Key press → window-screen frame: measured through the simulator, and modelled on the wire.

``bench/devices.py`` calls :func:`measure_press_to_show` for the budget "caller-pad press →
window-screen frame written, p95 ≤ 150 ms with 8 pads at 9600 baud". A pty moves bytes
instantly, so two figures matter:

* the measurement, optionally with the simulator holding every reply for the time request
  and reply take on a line at ``baudrate`` (``emulate_wire=True``) and the SHOW frame's own
  wire time added, since the master's write to a pty returns at once;
* :func:`wire_estimate`, the same path computed from frame sizes alone, which says whether a
  budget is reachable at a baud rate at all, whatever the software does.

The caller's wiring (press → queue → ``show_call``) is a callback that calls ``show_call``
at once, so the figure is the bus's share of the budget.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from drivers.hallbus.codec import (
    Ack,
    Event,
    EventKind,
    Events,
    Message,
    Poll,
    Rejected,
    Show,
    ShowMode,
    encode,
    wire_time_s,
)
from drivers.hallbus.master import (
    BusDevice,
    BusTiming,
    DeviceRole,
    Direction,
    HallBusMaster,
    Health,
)
from drivers.sim.hallbus import CallerPad, HallBusSimulator, WindowScreen
from drivers.sim.link import PtyLink

SAMPLE_CALL_TEXT = "请A012号到3号窗口"
SCREEN_ADDRESS_OFFSET = 20  # pad n at address n, its window screen at 20 + n


@dataclass(frozen=True)
class WireEstimate:
    """Press → SHOW on the wire, from frame sizes, for a bus of ``pads`` polled pads."""

    baudrate: int
    pads: int
    device_turnaround_s: float
    poll_round_s: float  # one POLL/ACK for every pad
    fixed_s: float  # the pad's POLL/EVENTS, then the SHOW frame written
    best_s: float
    mean_s: float
    p95_s: float
    worst_s: float


def wire_estimate(
    pads: int = 8, baudrate: int = 9600, device_turnaround_s: float = 0.0
) -> WireEstimate:
    """A press waits for its pad's next poll (uniform over one round), then the poll that
    carries it, then the SHOW frame; every frame preceded by the 3.5-character gap."""
    gap = wire_time_s(1, baudrate) * 3.5
    poll = len(encode(Poll(1, 0)))
    ack = len(encode(Ack(1)))
    events = len(encode(Events(1, (Event(1, EventKind.CALL_NEXT),))))
    show = len(encode(Show(1, SAMPLE_CALL_TEXT, ShowMode.FLASH, 10)))
    idle_poll = gap + wire_time_s(poll + ack, baudrate) + device_turnaround_s
    poll_round = pads * idle_poll
    fixed = (
        gap
        + wire_time_s(poll + events, baudrate)
        + device_turnaround_s
        + gap
        + wire_time_s(show, baudrate)
    )
    return WireEstimate(
        baudrate=baudrate,
        pads=pads,
        device_turnaround_s=device_turnaround_s,
        poll_round_s=poll_round,
        fixed_s=fixed,
        best_s=fixed,
        mean_s=fixed + poll_round / 2,
        p95_s=fixed + 0.95 * poll_round,
        worst_s=fixed + poll_round,
    )


def measure_press_to_show(
    presses: int = 100,
    pads: int = 8,
    baudrate: int = 9600,
    *,
    emulate_wire: bool = True,
    directory: str | Path | None = None,
    seed: int = 1,
    timeout_s: float = 2.0,
) -> list[float]:
    """Seconds from each simulated key press to the master's SHOW frame for that call.

    Presses come one at a time from random pads at random moments of the poll cycle. With
    ``emulate_wire`` the figures include the line time at ``baudrate``; without, they are
    the software's share only (the pty ignores the baud rate).
    """
    if presses < 1 or not 1 <= pads <= 49:
        raise ValueError("need at least one press and 1..49 pads")
    with tempfile.TemporaryDirectory(prefix="hallbus-bench-", dir=directory) as tmp:
        return _measure(presses, pads, baudrate, emulate_wire, Path(tmp), seed, timeout_s)


def _measure(
    presses: int,
    pads: int,
    baudrate: int,
    emulate_wire: bool,
    tmp: Path,
    seed: int,
    timeout_s: float,
) -> list[float]:
    link = PtyLink(tmp / "hallbus")
    pad_devices = [CallerPad(n) for n in range(1, pads + 1)]
    screens = [WindowScreen(SCREEN_ADDRESS_OFFSET + n) for n in range(1, pads + 1)]
    simulator = HallBusSimulator(
        link, [*pad_devices, *screens], wire_baudrate=baudrate if emulate_wire else None
    )
    config = [BusDevice(n, DeviceRole.PAD, n) for n in range(1, pads + 1)]
    config += [
        BusDevice(SCREEN_ADDRESS_OFFSET + n, DeviceRole.SCREEN, n) for n in range(1, pads + 1)
    ]
    shown = threading.Event()
    shown_at: list[float] = []
    expected_screen = [0]

    def on_frame(direction: Direction, address: int, frame: Message | Rejected) -> None:
        if direction is Direction.TX and isinstance(frame, Show) and address == expected_screen[0]:
            shown_at.append(time.perf_counter())
            shown.set()

    master: HallBusMaster

    def on_key(counter: int, address: int, event: Event) -> None:
        master.show_call(counter, "A012")

    # A real line is never idle between polls; on a bare pty keep the default pacing.
    timing = BusTiming(min_round_s=0.0 if emulate_wire else BusTiming().min_round_s)
    master = HallBusMaster(link.url, config, on_key=on_key, on_frame=on_frame, timing=timing)
    show_wire = wire_time_s(len(encode(Show(1, SAMPLE_CALL_TEXT, ShowMode.FLASH, 10))), baudrate)
    round_guess = wire_estimate(pads, baudrate).poll_round_s if emulate_wire else 0.02
    rng = random.Random(seed)
    latencies: list[float] = []
    simulator.start()
    master.start()
    try:
        _wait_online(master, timeout_s=5.0)
        for _ in range(presses):
            pad = rng.choice(pad_devices)
            expected_screen[0] = SCREEN_ADDRESS_OFFSET + pad.address
            time.sleep(rng.uniform(0, round_guess))
            shown.clear()
            shown_at.clear()
            pressed_at = time.perf_counter()
            pad.press(EventKind.CALL_NEXT)
            if not shown.wait(timeout_s):
                raise TimeoutError(f"no SHOW within {timeout_s} s of a press on pad {pad.address}")
            latencies.append(shown_at[0] - pressed_at + (show_wire if emulate_wire else 0.0))
    finally:
        master.stop()
        simulator.stop()
        link.close()
    return latencies


def _wait_online(master: HallBusMaster, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if all(status.health is Health.ONLINE for status in master.device_states()):
            return
        time.sleep(0.01)
    raise TimeoutError("simulated devices did not come online")


def summarize(latencies: list[float]) -> dict[str, float]:
    """p50 / p95 / max in milliseconds, the way bench/ prints figures."""
    ordered = sorted(latencies)
    p95_index = max(0, round(0.95 * len(ordered)) - 1)
    return {
        "n": float(len(ordered)),
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[p95_index] * 1000,
        "max_ms": ordered[-1] * 1000,
    }


def main() -> None:
    for emulate in (False, True):
        figures = summarize(measure_press_to_show(100, 8, 9600, emulate_wire=emulate))
        label = "pty + 9600 baud wire emulation" if emulate else "pty only (software share)"
        print(
            f"press → SHOW, 8 pads, {label}: "
            + ", ".join(f"{k} {v:.1f}" for k, v in figures.items())
        )
    for baud in (9600, 19200, 38400):
        for turnaround in (0.0, 0.005):
            est = wire_estimate(8, baud, turnaround)
            print(
                f"wire model {baud} baud, 8 pads, turnaround {turnaround * 1000:.0f} ms: "
                f"round {est.poll_round_s * 1000:.1f} ms, mean {est.mean_s * 1000:.1f}, "
                f"p95 {est.p95_s * 1000:.1f}, worst {est.worst_s * 1000:.1f} ms"
            )


if __name__ == "__main__":
    main()
