"""Lobby touchscreen figures (DESIGN.md "Performance budgets").

Prints:
- cold start to the first interactive frame: ``python -m ui.lobby`` started as its own
  process against a running hall daemon, until it has painted the home screen with the live
  queue from the daemon (budget ≤ 2 s); the first start and the following ones;
- resident memory of that process (VmRSS from /proc) at its first frame and after it has
  followed 300 queue changes (budget ≤ 150 MB);
- a tap on a service tile → the ticket's bytes handed to the (simulated) printer, through
  the real widgets, the LAN API, the hall and the printer driver (budget p95 ≤ 100 ms); and
  tap → the ticket on screen.

Usage: QT_QPA_PLATFORM=offscreen python bench/lobby.py [--taps N] [--starts N]
Asserts nothing: the figures go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.clock import FakeClock  # noqa: E402
from kiosk.demo.simhall import SimulatedDevices  # noqa: E402
from kiosk.hall.root import HallApp  # noqa: E402
from tests.helpers.hall import KIOSK, Api, morning  # noqa: E402
from tests.helpers.lobby import lobby_config  # noqa: E402


def ms(values: list[float]) -> str:
    s = sorted(values)
    p95 = s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]
    return (
        f"p50 {statistics.median(s) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
        f"max {s[-1] * 1000:.1f} ms (n={len(s)})"
    )


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cold_starts(base_url: str, api: Api, starts: int) -> None:
    times: list[float] = []
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    cmd = [sys.executable, "-m", "ui.lobby", "--url", base_url, "--token", KIOSK]
    cmd += ["--windowed", "--size", "1080x1920", "--bench-first-frame"]
    rss_first = rss_busy = 0.0
    for i in range(starts):
        began = time.monotonic()
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline().strip()
            elapsed = time.monotonic() - began
            if line != "interactive":
                raise RuntimeError(f"the lobby did not start (said {line!r})")
            times.append(elapsed)
            if i == 0:
                rss_first = rss_mb(proc.pid)
                for n in range(300):  # a morning's worth of queue changes, pushed to it
                    api.issue("ABCDE"[n % 5])
                time.sleep(1.0)
                rss_busy = rss_mb(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    print(f"cold start to first interactive frame (budget ≤ 2 s): first {times[0]:.2f} s", end="")
    if len(times) > 1:
        rest = times[1:]
        print(
            f", then median {statistics.median(rest):.2f} s, max {max(rest):.2f} s (n={len(rest)})"
        )
    else:
        print()
    print(
        f"resident memory (budget ≤ 150 MB): {rss_first:.0f} MB at the first frame, "
        f"{rss_busy:.0f} MB after following 300 queue changes"
    )


def taps(root: Path, n: int) -> None:
    from tests.helpers.lobby import LobbyHarness
    from ui.qt.core import Qt
    from ui.qt.test import QTest
    from ui.qt.widgets import QApplication

    app = QApplication.instance() or QApplication([])
    assert app is not None
    h = LobbyHarness(root, ask_identification=False)
    try:
        to_printer: list[float] = []
        to_screen: list[float] = []
        printer = h.sims.printer
        for i in range(n):
            tile = h.button(f"tile_{'ABDE'[i % 4]}")
            before = len(printer.received)
            began = time.monotonic()
            QTest.mouseClick(tile, Qt.MouseButton.LeftButton, pos=tile.rect().center())
            if not printer.wait_for(lambda s, b=before: len(s.received) > b + 100, 5.0):
                raise RuntimeError("the printer got no ticket")
            to_printer.append(time.monotonic() - began)
            h.wait_until(lambda: h.screen == "ticket")
            to_screen.append(time.monotonic() - began)
            h.wait_until(lambda: h.window.ticket.state == "printed")
            h.tap("ticket_done")
            h.wait_screen("home")
        print(
            f"tap on a service tile → ticket bytes to the printer (budget p95 ≤ 100 ms): {ms(to_printer)}"
        )
        print(f"tap on a service tile → the ticket on screen: {ms(to_screen)}")
    finally:
        h.close()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--taps", type=int, default=200)
    p.add_argument("--starts", type=int, default=6)
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-lobby-") as d:
        root = Path(d)
        sims = SimulatedDevices(root / "dev", [1, 2, 3, 4]).start()
        hall = HallApp(
            lobby_config(root / "data", sims), clock=FakeClock(morning()), host="127.0.0.1", port=0
        ).start()
        api = Api(hall.base_url)
        try:
            cold_starts(hall.base_url, api, args.starts)
        finally:
            api.close()
            hall.stop()
            sims.stop()
        taps(root / "taps", args.taps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
