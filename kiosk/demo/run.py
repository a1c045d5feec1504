"""``kiosk demo``: a whole hall on one machine.

A real hall daemon (real store, real LAN API on loopback) with a demo config, a clock running
``--speed`` times faster than real time from 08:30, a lobby issuing tickets to simulated
customers arriving through the day, and simulated staff at the four counters calling,
serving, recalling, marking no-shows, transferring and asking for ratings, all through the
same HTTP API the real devices use. The terminal shows the queue live; at the end of the day
(17:00) the demo runs the daily close and prints the day's figures, including how far the
printed wait estimates were from the real waits.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from kiosk.client import api_client
from kiosk.clock import ScaledClock
from kiosk.config import HallConfig, load_config
from kiosk.demo.children import Terminated, start_window, stop_on_signals
from kiosk.demo.simhall import SimulatedDevices
from kiosk.hall.root import HallApp
from kiosk.hall.service import Hall

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "hall.example.toml"
OPEN_AT = (8, 30)
CLOSE_AT = (17, 0)
# Share of arrivals per service, and mean service length in minutes.
MIX = {"A": 0.45, "B": 0.10, "C": 0.10, "D": 0.20, "E": 0.15}
SERVICE_MIN = {"A": 3.0, "B": 14.0, "C": 10.0, "D": 4.0, "E": 7.0}


def arrivals_per_hour(hour: float) -> float:
    """Morning and early-afternoon peaks, a lunch dip."""
    if hour < 9:
        return 30
    if hour < 11:
        return 55
    if hour < 13.5:
        return 28
    if hour < 16:
        return 45
    return 20


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    estimates: dict[str, tuple[datetime, int]] = field(default_factory=dict)
    errors_s: list[float] = field(default_factory=list)
    recent_calls: list[str] = field(default_factory=list)
    issued: int = 0
    failures: list[str] = field(default_factory=list)


def demo_config_text(data_dir: Path, port: int) -> str:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace('data_dir = "/var/lib/kiosk"', f'data_dir = "{data_dir}"')
    text = text.replace('host = "0.0.0.0"', 'host = "127.0.0.1"')
    return text.replace("port = 8470", f"port = {port}")


class Simulation:
    def __init__(
        self, app: HallApp, clock: ScaledClock, seed: int, devices: SimulatedDevices | None
    ) -> None:
        self.app = app
        self.devices = devices
        self.clock = clock
        self.rng = random.Random(seed)
        self.stats = Stats()
        self.stop = threading.Event()
        cfg = app.config
        self.tokens = {
            t.role if t.role != "counter" else f"counter{t.counter}": t.token for t in cfg.tokens
        }
        self.base = app.base_url + "/api/v1"
        self.close_at = clock.start.replace(hour=CLOSE_AT[0], minute=CLOSE_AT[1])

    def sim_sleep(self, sim_seconds: float) -> bool:
        """Sleep in simulated time; False when the demo is stopping."""
        return not self.stop.wait(max(0.0, sim_seconds) / self.clock.speed)

    def client(self, role: str) -> httpx.Client:
        return api_client(self.base, self.tokens[role])

    def lobby(self) -> None:
        rng = random.Random(self.rng.random())
        with self.client("kiosk") as http:
            while not self.stop.is_set():
                now = self.clock.now()
                if now >= self.close_at - timedelta(minutes=30):
                    return  # last tickets half an hour before closing
                rate = arrivals_per_hour(now.hour + now.minute / 60)
                if not self.sim_sleep(rng.expovariate(rate / 3600)):
                    return
                service = rng.choices(list(MIX), weights=list(MIX.values()))[0]
                body: dict[str, Any] = {"service": service}
                if rng.random() < 0.08:
                    body["priority"] = rng.choice(["elderly", "disabled", "appointment"])
                if rng.random() < 0.3:
                    body["account"] = str(3100000001 + rng.randrange(200))
                r = http.post("/tickets", json=body)
                if r.status_code != 201:
                    self.stats.failures.append(r.text)
                    continue
                t = r.json()
                with self.stats.lock:
                    self.stats.issued += 1
                    if t["estimated_wait_s"] is not None:
                        issued = datetime.fromisoformat(t["issued_at"])
                        self.stats.estimates[t["id"]] = (issued, t["estimated_wait_s"])

    def pad_counter(self, number: int) -> None:
        """A counter whose staff use the hardware caller pad and evaluator (simulated)."""
        from drivers.hallbus.codec import EventKind, Score

        assert self.devices is not None
        rng = random.Random(self.rng.random() + number)
        with self.client("manager") as http:
            while not self.stop.is_set():
                self.devices.press(number, EventKind.CALL_NEXT)
                if not self.sim_sleep(rng.uniform(20, 50)):
                    return
                view = http.get("/queue").json()
                current = next(c for c in view["counters"] if c["counter"] == number)["current"]
                if current is None:
                    if self.clock.now() >= self.close_at:
                        return
                    if not self.sim_sleep(30):
                        return
                    continue
                t = http.get(f"/tickets/{current['id']}").json()
                self._record_call(t, number)
                self.devices.press(number, EventKind.START)
                mean = SERVICE_MIN[t["service"]] * 60
                if not self.sim_sleep(rng.lognormvariate(math.log(mean), 0.45)):
                    return
                self.devices.press(number, EventKind.DONE)
                if rng.random() < 0.7:
                    self.devices.press(number, EventKind.EVALUATE)
                    if not self.sim_sleep(15):
                        return
                    self.devices.rate(number, rng.choice(list(Score)[1:]))

    def counter(self, number: int) -> None:
        """A counter whose staff use the soft caller's buttons (the LAN API)."""
        rng = random.Random(self.rng.random() + number)
        with self.client(f"counter{number}") as http:
            while not self.stop.is_set():
                go_on, called = self._call_next(http, number)
                if not go_on:
                    return
                if called is not None and not self._serve(http, rng, number, called):
                    return

    def _call_next(self, http: httpx.Client, number: int) -> tuple[bool, dict[str, Any] | None]:
        """(go on?, the called ticket or None when nobody came up and it waited a while)."""
        r = http.post(f"/counters/{number}/call-next", json={"staff": f"10{number:02d}"})
        if r.status_code == 200:
            t: dict[str, Any] = r.json()
            self._record_call(t, number)
            return True, t
        if r.status_code == 204 and self.clock.now() >= self.close_at:
            return False, None  # the day is over and nobody waits
        if r.status_code != 204:
            self.stats.failures.append(r.text)
        return self.sim_sleep(30), None

    def _serve(
        self, http: httpx.Client, rng: random.Random, number: int, t: dict[str, Any]
    ) -> bool:
        """One customer at the counter, from the walk-up to the rating; False: stop."""
        if rng.random() < 0.06:  # the customer does not come
            if not self.sim_sleep(60):
                return False
            http.post(f"/counters/{number}/recall")
            if not self.sim_sleep(60):
                return False
            http.post(f"/counters/{number}/no-show")
            return True
        if not self.sim_sleep(rng.uniform(20, 50)):
            return False
        http.post(f"/counters/{number}/start", json={"staff": f"10{number:02d}"})
        mean = SERVICE_MIN[t["service"]] * 60
        if not self.sim_sleep(rng.lognormvariate(math.log(mean), 0.45)):
            return False
        if rng.random() < 0.04:
            target = rng.choice([s for s in MIX if s != t["service"]])
            http.post(
                f"/counters/{number}/transfer", json={"service": target, "reason": "需转其他业务"}
            )
            return True
        http.post(f"/counters/{number}/done")
        if rng.random() < 0.7:
            score = rng.choice([1, 1, 1, 2, 2, 3, 4])
            http.post("/evaluations", json={"ticket": t["id"], "score": score})
        if rng.random() < 0.05:
            http.post(f"/counters/{number}/pause")
            if not self.sim_sleep(rng.uniform(300, 900)):
                return False
            http.post(f"/counters/{number}/resume")
        return True

    def _record_call(self, t: dict[str, Any], counter: int) -> None:
        with self.stats.lock:
            self.stats.recent_calls.insert(0, f"请{t['number']}号到{counter}号窗口")
            del self.stats.recent_calls[6:]
            est = self.stats.estimates.pop(t["id"], None)
            if est is not None and t["transfers"] == 0:
                issued, predicted = est
                actual = (datetime.fromisoformat(t["called_at"]) - issued).total_seconds()
                self.stats.errors_s.append(actual - predicted)


def render(hall: Hall, sim: Simulation, clock: ScaledClock, tty: bool) -> str:
    view = hall.queue_view().to_dict()
    now = clock.now()
    lines = [
        f"{hall.config.hall.name}   {now:%Y-%m-%d %H:%M:%S}   (×{clock.speed:g})   "
        f"已取号 issued {sim.stats.issued}",
        "",
        "业务 service            等候 waiting  预计 est. wait  开放窗口 open",
    ]
    for s in view["services"]:
        est = "—" if s["estimated_wait_s"] is None else f"{round(s['estimated_wait_s'] / 60)} 分钟"
        lines.append(
            f"{s['service']} {s['name']:<14}{s['waiting']:>6}        {est:<12}{s['open_counters']:>4}"
        )
    lines += ["", "窗口 counter   状态 state   当前 now serving   候 waiting"]
    state_zh = {"idle": "空闲", "busy": "办理", "paused": "暂停服务"}
    for c in view["counters"]:
        cur = c["current"]["number"] if c["current"] else "—"
        lines.append(f"{c['name']:<10}{state_zh[c['state']]:<10}{cur:<18}{c['waiting']:>4}")
    with sim.stats.lock:
        calls = list(sim.stats.recent_calls)
    lines += ["", "最近叫号 latest calls: " + "  ".join(calls)]
    if sim.devices is not None:
        screens = "  ".join(
            f"{n}:{sim.devices.screen_text(n) or '—'}" for n in sorted(sim.devices.pads)
        )
        lines.append(f"窗口屏 window screens: {screens}")
        lines.append(
            f"号票打印机 printer (simulated): {len(sim.devices.printer.tickets())} 张已打印 printed"
        )
    text = "\n".join(lines)
    return ("\033[H\033[2J" + text) if tty else text + "\n" + "-" * 60


def run_demo(args: argparse.Namespace) -> int:
    stop_on_signals()  # SIGTERM/SIGHUP stop the demo like Ctrl-C: windows and all
    tmp = None
    if args.data_dir:
        data_dir = Path(args.data_dir)
    else:
        tmp = tempfile.mkdtemp(prefix="kiosk-demo-")
        data_dir = Path(tmp)
    data_dir.mkdir(parents=True, exist_ok=True)
    conf = data_dir / "hall.toml"
    # Central with demo customers and notices, and a sync daemon beside the hall (issue 6).
    from kiosk.central.demo import DemoSync

    sync = DemoSync(data_dir, datetime.now().astimezone())
    conf.write_text(sync.start(demo_config_text(data_dir, args.port)), encoding="utf-8")
    base_cfg = load_config(conf)
    devices = SimulatedDevices(data_dir / "dev", sorted(c.number for c in base_cfg.counters))
    devices.start()
    cfg = devices.configure(base_cfg)
    today = datetime.now(cfg.tz)
    start = today.replace(hour=OPEN_AT[0], minute=OPEN_AT[1], second=0, microsecond=0)
    clock = ScaledClock(start, args.speed)
    app = HallApp(cfg, clock=clock, ticker_interval_s=0.25)
    try:
        app.start()
    except OSError as exc:
        devices.stop()
        sync.stop()
        print(f"cannot start the demo hall: {exc} (try --port 0)", file=sys.stderr)
        return 1
    assert app.hall is not None
    _print_banner(app, cfg, data_dir, sync)
    # The hall display and a soft caller as windows beside the terminal (issue 5).
    ui_windows = _start_ui_windows(args, conf, app.base_url) if _windows_wanted(args) else []
    ui_windows += _start_lobby_window(conf, app.base_url) if _windows_wanted(args) else []
    sys.stdout.flush()
    sim = Simulation(app, clock, args.seed, devices)
    threads = [threading.Thread(target=sim.lobby, name="demo-lobby", daemon=True)]
    threads += [
        threading.Thread(
            target=sim.pad_counter if n == 1 else sim.counter,
            args=(n,),
            name=f"demo-counter-{n}",
            daemon=True,
        )
        for n in app.hall.rules.counters
        if not (ui_windows and n == SOFT_CALLER_COUNTER)  # that one is yours to work
    ]
    for t in threads:
        t.start()
    code = 0
    try:
        _show_until_done(app.hall, sim, clock, threads, args.duration)
    except KeyboardInterrupt:
        code = 130
    except Terminated as stopped:
        code = stopped.code
    finally:
        _stop_ui_windows(ui_windows)
        sim.stop.set()
        for t in threads:
            t.join(timeout=5)
        summary = app.hall.close_day().to_dict()
        report = _summary(app, sim, summary)
        app.stop()
        devices.stop()
        sync.stop()
        report += "\n" + sync.summary(cfg)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    print(report)
    return code


def _print_banner(app: HallApp, cfg: HallConfig, data_dir: Path, sync: Any) -> None:
    """The demo's addresses and tokens; starts the sync daemon, which needs the API's URL."""
    print(f"演示营业厅 demo hall: {cfg.hall.name}")
    print(f"LAN API  {app.base_url}/api/v1   OpenAPI {app.base_url}/openapi.json")
    print("Demo tokens (Authorization: Bearer …):")
    for tok in cfg.tokens:
        who = f"{tok.role} {tok.counter}" if tok.role == "counter" else tok.role
        print(f"  {who:<10} {tok.token}")
    print(f"Demo bill accounts: 3100000001 … 3100000200    store: {data_dir / 'hall.db'}")
    sync.start_daemon(cfg, app.base_url)
    assert sync.server is not None
    print(f"Central  {sync.server.base_url}/central/v1 (demo customers, notices; sync daemon on)")
    print(
        f"Simulated devices on ptys in {data_dir / 'dev'}: printer, ID-card reader, hall bus "
        f"(a pad + screen and an evaluator per counter; counter 1 works by its pad)"
    )


def _show_until_done(
    hall: Hall,
    sim: Simulation,
    clock: ScaledClock,
    threads: list[threading.Thread],
    duration: float,
) -> None:
    """The live queue in the terminal until the simulated day ends or ``duration`` passes."""
    tty = sys.stdout.isatty()
    began = time.monotonic()
    time.sleep(1.0)
    while True:
        print(render(hall, sim, clock, tty), flush=True)
        if duration and time.monotonic() - began >= duration:
            return
        if not any(t.is_alive() for t in threads):
            return
        if sim.stop.wait(0.5 if tty else 5.0):
            return


SOFT_CALLER_COUNTER = 4


def _windows_wanted(args: argparse.Namespace) -> bool:
    return not args.headless and bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )


def _start_ui_windows(args: argparse.Namespace, conf: Path, base_url: str) -> list[Any]:
    """``kiosk display`` and ``kiosk counter`` for the demo hall, as their own processes
    (as on a real hall's TV box and counter PC), their clocks running at the demo's speed."""
    common = ["--config", str(conf), "--url", base_url, "--windowed"]
    common += ["--clock-speed", str(args.speed)]
    procs = []
    for what in (["display"], ["counter", "--counter", str(SOFT_CALLER_COUNTER)]):
        procs.append(start_window([sys.executable, "-m", "kiosk.cli", *what, *common]))
    print(
        f"Windows: the hall display, and the soft caller of counter {SOFT_CALLER_COUNTER} "
        f"(log in as staff 1041 or 1042, PIN 123456; F1 calls the next customer)"
    )
    return procs


def _start_lobby_window(conf: Path, base_url: str) -> list[Any]:
    """``kiosk ui``, the lobby touchscreen, in a window (issue 4): the demo kiosk's token
    from the config; an ID card on the simulated reader reaches it."""
    cmd = [sys.executable, "-m", "ui.lobby", "--config", str(conf), "--url", base_url]
    print("Window: the lobby touchscreen (tickets, ID card, 电费查询 with accounts 3100000001…)")
    return [start_window([*cmd, "--windowed"])]


def _stop_ui_windows(procs: list[Any]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=5)
        except Exception:
            proc.kill()


def _summary(app: HallApp, sim: Simulation, closed: dict[str, Any]) -> str:
    assert app.hall is not None
    rep = app.hall.daily_report()
    errs = sorted(abs(e) for e in sim.stats.errors_s)
    lines = [
        "",
        f"日结 day closed {closed['day']}: issued {rep['issued']}, done {rep['done']}, "
        f"no-show {rep['no_show']}, expired {closed['expired']}",
        f"mean wait {rep['mean_wait_s'] or 0:.0f} s; satisfaction {rep['satisfaction']}",
    ]
    if errs:
        p50 = errs[len(errs) // 2]
        p90 = errs[min(len(errs) - 1, int(len(errs) * 0.9))]
        bias = sum(sim.stats.errors_s) / len(sim.stats.errors_s)
        lines.append(
            f"wait estimate error over {len(errs)} tickets: |error| p50 {p50:.0f} s, "
            f"p90 {p90:.0f} s, mean (actual - estimate) {bias:+.0f} s"
        )
    if sim.stats.failures:
        lines.append(
            f"{len(sim.stats.failures)} API refusals, first: {sim.stats.failures[0][:200]}"
        )
    printed = len(sim.devices.printer.tickets()) if sim.devices else 0
    lines.append(f"{printed} tickets printed on the simulated printer")
    lines.append(
        "JSON "
        + json.dumps(
            {
                "issued": rep["issued"],
                "done": rep["done"],
                "printed": printed,
                "estimate_abs_err_p50_s": round(errs[len(errs) // 2]) if errs else None,
            }
        )
    )
    return "\n".join(lines)
