"""Device figures: bytes and wire time of a ticket, the caller chain, the ID card, the voice.

Prints:
- bytes on the wire per ticket (budget ≤ 600) and what that means at 9600 and 115200 baud;
- print call → bytes handed to the port, p50/p95 (pty, status reads included);
- the whole chain through the real hall daemon: caller-pad key → window-screen SHOW frame
  written and voice started, p50/p95 (budget p95 ≤ 150 ms), the bus emulating the wire at
  9600 and 19200 baud with 4 pad+screens and 4 evaluators polled;
- the hall bus alone: press → SHOW with 8 pads at 9600 baud (the protocol's reference case);
- ID card on the reader → decoded card, p50/p95;
- announce → voice started, warm and cold cache.

Usage: python bench/devices.py [--presses N] [--quick]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drivers.hallbus.bench import measure_press_to_show, summarize
from drivers.hallbus.codec import EventKind
from drivers.printer.ticket import wire_time_s
from drivers.sim.idcard import measure_card_latency
from drivers.sim.printer import bench_print_latencies, bench_ticket_bytes
from drivers.voice.bench import measure_voice_latency
from kiosk.clock import FakeClock
from kiosk.demo.simhall import SimulatedDevices
from kiosk.hall.root import HallApp
from tests.helpers.hall import example_config, morning


def ms(values: list[float]) -> str:
    s = sorted(values)
    p95 = s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]
    return f"p50 {statistics.median(s) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {s[-1] * 1000:.1f} ms (n={len(s)})"


def bench_chain(presses: int, baud: int) -> tuple[list[float], list[float]]:
    """Pad key → SHOW on that counter's screen, and → voice started, through HallApp."""
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        counters = [1, 2, 3, 4]
        sims = SimulatedDevices(
            root / "dev", counters, hallbus_baud=baud, emulate_wire=True
        ).start()
        cfg = sims.configure(example_config(root / "data", voice=True))
        cfg = dataclasses.replace(cfg, voice=dataclasses.replace(cfg.voice, player=["true"]))
        app = HallApp(
            cfg, clock=FakeClock(morning()), host="127.0.0.1", port=0, voice_cache=root / "voice"
        )
        app.start()
        assert app.hall is not None and app.devices is not None
        voice_at: dict[str, float] = {}
        started = threading.Condition()

        def on_voice(number: str, counter: int) -> None:
            with started:
                voice_at.setdefault(number, time.monotonic())
                started.notify_all()

        app.devices.voice_started_listeners.append(on_voice)
        to_screen: list[float] = []
        to_voice: list[float] = []
        try:
            time.sleep(1.0)  # the bus master has found its devices
            for i in range(presses):
                counter = counters[i % len(counters)]
                service = {1: "A", 2: "A", 3: "B", 4: "E"}[counter]
                number = app.hall.issue_ticket(service).number
                pad = sims.pads[counter]
                before = len(pad.screen.updates)
                time.sleep(0.05 + (i % 7) * 0.013)  # press at a random point of the poll round
                pressed = time.monotonic()
                sims.press(counter, EventKind.CALL_NEXT)
                deadline = pressed + 5
                while time.monotonic() < deadline:
                    shown = [u for u in pad.screen.updates[before:] if u.text and number in u.text]
                    if shown:
                        to_screen.append(shown[0].at - pressed)
                        break
                    time.sleep(0.001)
                with started:
                    started.wait_for(lambda n=number: n in voice_at, timeout=10)
                if number in voice_at:
                    to_voice.append(voice_at[number] - pressed)
                app.hall.counter_action(counter, "done")
        finally:
            app.stop()
            sims.stop()
        return to_screen, to_voice


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--presses", type=int, default=60)
    ap.add_argument("--quick", action="store_true", help="fewer samples")
    args = ap.parse_args()
    n = 20 if args.quick else args.presses

    for width in (80, 58):
        b = bench_ticket_bytes(width)  # type: ignore[arg-type]
        print(
            f"ticket {width} mm: {b} bytes on the wire; {wire_time_s(b, 9600):.3f} s at 9600 baud, "
            f"{wire_time_s(b, 115200):.3f} s at 115200 baud"
        )
    with tempfile.TemporaryDirectory() as d:
        print(
            "print call → bytes handed to the port (pty): "
            + ms(bench_print_latencies(n * 2, Path(d)))
        )

    for baud in (9600, 19200):
        screen, voice = bench_chain(n, baud)
        print(f"hall chain at {baud} baud, pad key → window-screen SHOW written: " + ms(screen))
        print(f"hall chain at {baud} baud, pad key → voice started: " + ms(voice))

    with tempfile.TemporaryDirectory() as d:
        alone = measure_press_to_show(presses=n, pads=8, baudrate=9600, directory=d)
        s = summarize(alone)
        print(
            f"hall bus alone, 8 pads at 9600 baud, press → SHOW: p50 {s['p50_ms']:.1f} ms, "
            f"p95 {s['p95_ms']:.1f} ms, max {s['max_ms']:.1f} ms"
        )

    with tempfile.TemporaryDirectory() as d:
        print(
            "ID card on the reader → decoded card (poll 0.3 s): "
            + ms(measure_card_latency(n, directory=d))
        )
        print(
            "ID card on the reader → decoded card (poll 0.1 s): "
            + ms(measure_card_latency(n, directory=d, poll_interval_s=0.1))
        )

    for cache in ("cold", "warm"):
        with tempfile.TemporaryDirectory() as d:
            lat = measure_voice_latency(n, cache=cache, work_dir=Path(d))  # type: ignore[arg-type]
            print(
                f"voice ({cache} cache): announce → started: {ms(lat.started_s)}; "
                f"→ speech: {ms(lat.speech_s)}"
            )


if __name__ == "__main__":
    main()
