"""Soft caller and manager's report speed.

Prints:
- soft-caller click → hall display updated: p50/p95 over loopback (budget p95 ≤ 150 ms).
  A real hall daemon (SQLite with fsync, LAN API, WebSocket, the hall-bus simulators on
  ptys), the real soft caller and the real hall display (Qt, offscreen), all on this
  machine: the time from the click on 呼叫下一位 to the display's big number showing the
  called ticket (HTTP → hall → durable commit → WebSocket → display's GUI thread).
- the manager's report on a 90-day store of a busy hall (2,000 tickets a day, ~6.5 events a
  ticket, ~1.2 million events): one day, one month, the whole quarter (budget ≤ 2 s), once
  straight from the events and once with the closed days' summaries the hall keeps (it
  summarises each day at its daily close).

Usage: python bench/counter.py [--clicks N] [--days N] [--tickets N] [--store DIR]
                              [--only clicks|report]

The last line is one JSON object of the figures: ``click_p50_ms``, ``click_p95_ms`` and, per
report (``day``, ``month``, ``period``), ``report_<r>_s`` (from the events) and
``report_<r>_kept_s`` (with the closed days kept); a part not run is left out.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def bench_click_to_display(clicks: int) -> dict[str, float]:
    from kiosk.clock import SystemClock
    from kiosk.demo.simhall import SimulatedDevices
    from kiosk.hall.root import HallApp
    from tests.helpers.hall import DISPLAY, Api, counter_token, example_config
    from ui.common.servertime import ServerClock
    from ui.counter.session import CounterSession
    from ui.counter.window import CounterWindow
    from ui.display.window import DisplayWindow
    from ui.qt.core import QEventLoop, QTimer
    from ui.qt.widgets import QApplication

    app = QApplication.instance() or QApplication([])

    def spin_until(check: object, timeout_s: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if check():  # type: ignore[operator]
                return True
            loop = QEventLoop()
            QTimer.singleShot(1, loop.quit)
            loop.exec()
        return False

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        devices = SimulatedDevices(tmp / "dev", [1, 2, 3, 4]).start()
        cfg = devices.configure(example_config(tmp / "data"))
        hall = HallApp(cfg, clock=SystemClock(cfg.tz), host="127.0.0.1", port=0)
        hall.start()
        api = Api(hall.base_url)
        clock = ServerClock(cfg.tz)
        try:
            for _ in range(clicks + 1):
                api.issue("A")
            caller = CounterWindow(
                lambda n: CounterSession(n, hall.base_url, counter_token(n), clock=clock),
                [1],
                clock=clock,
                on_top=False,
            )
            display = DisplayWindow(hall.base_url, DISPLAY, clock=clock)
            display.resize(1920, 1080)
            caller.show()
            display.show()
            display.start()
            session = caller.session
            assert session is not None
            spin_until(lambda: session.online and display.online)
            caller.staff_edit.setText("1011")
            caller.pin_edit.setText("123456")
            caller.login_button.click()
            spin_until(lambda: caller.pages.currentIndex() == 1 and session.settled)

            shown: dict[str, float] = {}

            def on_message(msg: dict) -> None:  # runs after the display's own slot
                if msg.get("type") == "ticket.called" and display.latest_number.text() == msg.get(
                    "number"
                ):
                    shown[msg["number"]] = time.perf_counter()

            display.stream.message_received.connect(on_message)
            latencies = []
            for i in range(1, clicks + 1):
                number = f"A{i:03d}"
                spin_until(lambda: session.settled and caller.buttons["callNextButton"].isEnabled())
                t0 = time.perf_counter()
                caller.buttons["callNextButton"].click()
                if not spin_until(lambda n=number: n in shown):
                    print(f"  {number} never reached the display")
                    continue
                latencies.append((shown[number] - t0) * 1000)
            caller.close()
            display.close()
        finally:
            api.close()
            hall.stop()
            devices.stop()
    del app
    print(
        f"soft-caller click → hall display updated, {len(latencies)} calls over loopback: "
        f"p50 {statistics.median(latencies):.1f} ms, p95 {pct(latencies, 95):.1f} ms, "
        f"max {max(latencies):.1f} ms (budget p95 ≤ 150 ms)"
    )
    return {
        "click_p50_ms": round(statistics.median(latencies), 1),
        "click_p95_ms": round(pct(latencies, 95), 1),
    }


def build_store(path: Path, days: int, tickets: int) -> tuple[date, date]:
    from kiosk.store import EventStore
    from tests.helpers.busyday import events_of, generate_day
    from tests.helpers.hall import example_config

    rules = example_config(path.parent).queue_rules()
    last = date(2026, 11, 30)
    first = last - timedelta(days=days - 1)
    if path.exists():
        return first, last
    store = EventStore(path)
    t0 = time.perf_counter()
    n = 0
    try:
        d = first
        while d <= last:
            events = events_of(rules, generate_day(rules, d, tickets, seed=11))
            store.append(events)
            n += len(events)
            d += timedelta(days=1)
    finally:
        store.close()
    print(
        f"built a {days}-day store: {tickets} tickets/day, {n:,} events, "
        f"{path.stat().st_size / 1e6:.0f} MB, in {time.perf_counter() - t0:.0f} s"
    )
    return first, last


def bench_report(days: int, tickets: int, store_dir: Path | None) -> dict[str, float]:
    from kiosk.hall.report_html import render_html
    from kiosk.hall.reports import DayCache, daily_report, month_report, period_report
    from tests.helpers.hall import example_config

    tmp = None
    if store_dir is None:
        tmp = tempfile.TemporaryDirectory()
        store_dir = Path(tmp.name)
    store_dir.mkdir(parents=True, exist_ok=True)
    path = store_dir / f"busy-{days}d-{tickets}.db"
    first, last = build_store(path, days, tickets)
    rules = example_config(store_dir).queue_rules()

    cache = path.with_name(DayCache.FILE)
    figures: dict[str, float] = {}

    def timed(label: str, key: str, fn: object) -> None:
        cache.unlink(missing_ok=True)
        t0 = time.perf_counter()
        rep = fn()  # type: ignore[operator]
        cold = time.perf_counter() - t0
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            rep = fn()  # type: ignore[operator]
            runs.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        html = render_html(rep, "营业厅")
        render_s = time.perf_counter() - t0
        print(
            f"  {label}: {cold:.2f} s from the events, {statistics.median(runs):.2f} s with the "
            f"closed days kept; {rep['issued']:,} tickets; HTML {len(html) / 1e3:.0f} kB in "
            f"{render_s * 1000:.0f} ms"
        )
        figures[f"report_{key}_s"] = round(cold, 3)
        figures[f"report_{key}_kept_s"] = round(statistics.median(runs), 3)

    print(f"report on the {days}-day store (budget ≤ 2 s):")
    timed(f"day {last}", "day", lambda: daily_report(path, rules, last))
    timed(f"month {last:%Y-%m}", "month", lambda: month_report(path, rules, f"{last:%Y-%m}"))
    timed(f"{days} days", "period", lambda: period_report(path, rules, first, last))
    if tmp is not None:
        tmp.cleanup()
    return figures


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--clicks", type=int, default=200)
    p.add_argument("--days", type=int, default=90)
    p.add_argument("--tickets", type=int, default=2000)
    p.add_argument("--store", type=Path, help="keep (and reuse) the generated store here")
    p.add_argument("--only", choices=("clicks", "report"), help="run one part only")
    args = p.parse_args(argv)
    figures: dict[str, float] = {}
    if args.only != "report":
        figures |= bench_click_to_display(args.clicks)
    if args.only != "clicks":
        figures |= bench_report(args.days, args.tickets, args.store)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
