"""The hall daemon speaks systemd's notify protocol to a real notify socket that the test
binds itself (systemd is not PID 1 here, so systemd-run cannot be used): READY, watchdog
pings while healthy, silence when the daemon hangs, STOPPING on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from kiosk.clock import FakeClock
from kiosk.hall.service import Hall
from kiosk.ops.sdnotify import Watchdog, notify, watchdog_interval_s
from kiosk.store import EventStore
from tests.helpers.hall import EXAMPLE, example_config, morning

ROOT = Path(__file__).resolve().parents[3]


class NotifySocket:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))

    def receive(self, timeout_s: float) -> list[tuple[float, str]]:
        """Every datagram that arrives within the next ``timeout_s`` seconds."""
        out = []
        deadline = time.monotonic() + timeout_s
        while (left := deadline - time.monotonic()) > 0:
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                break
            out.append((time.monotonic(), data.decode()))
        return out

    def wait_for(self, text: str, timeout_s: float) -> float:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data = self.sock.recv(4096).decode()
            except TimeoutError:
                break
            if text in data:
                return time.monotonic()
        raise AssertionError(f"no {text!r} within {timeout_s} s")

    def close(self) -> None:
        self.sock.close()


def config_file(tmp_path: Path) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace('data_dir = "/var/lib/kiosk"', f'data_dir = "{tmp_path / "data"}"')
    text = text.replace('host = "0.0.0.0"', 'host = "127.0.0.1"').replace("port = 8470", "port = 0")
    text += "\n[voice]\nenabled = false\n"
    p = tmp_path / "hall.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_ready_then_watchdog_pings_then_silence_when_hung_then_clean_stop(tmp_path):
    ns = NotifySocket(tmp_path / "notify")
    env = {**os.environ, "NOTIFY_SOCKET": str(ns.path), "WATCHDOG_USEC": "400000"}
    env.pop("WATCHDOG_PID", None)
    daemon = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "hall", "--config", str(config_file(tmp_path))],
        env=env,
        cwd=ROOT,
        stderr=subprocess.DEVNULL,
    )
    try:
        ns.wait_for("READY=1", timeout_s=30)
        pings = [t for t, m in ns.receive(timeout_s=1.0) if m == "WATCHDOG=1"]
        assert len(pings) >= 3  # every 0.2 s (half of WATCHDOG_USEC) while healthy
        # The process hangs (stopped): the pings stop, so systemd would kill it after
        # WatchdogSec. The test plays systemd's part.
        daemon.send_signal(signal.SIGSTOP)
        ns.receive(timeout_s=0.1)  # drain what was in flight
        assert ns.receive(timeout_s=1.0) == []
        daemon.send_signal(signal.SIGCONT)
        ns.wait_for("WATCHDOG=1", timeout_s=5)
        daemon.send_signal(signal.SIGTERM)
        ns.wait_for("STOPPING=1", timeout_s=10)
        assert daemon.wait(timeout=15) == 0
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait()
        ns.close()


def test_watchdog_stays_silent_while_the_hall_is_hung(tmp_path):
    """A hall whose lock is held (the queue cannot answer) stops completing ticker rounds;
    the main loop's watchdog then sends nothing, however often it is asked."""
    store = EventStore(tmp_path / "hall.db")
    hall = Hall(example_config(tmp_path), store, FakeClock(morning()))
    hall.start_ticker(0.05)
    sent: list[str] = []
    dog = Watchdog(hall.healthy, 0.01, send=lambda m: sent.append(m) or True)
    try:
        time.sleep(0.2)
        dog.tick()
        assert sent == ["WATCHDOG=1"]
        release = threading.Event()

        def hang() -> None:
            with hall._lock:
                release.wait(10)

        hanger = threading.Thread(target=hang)
        hanger.start()
        time.sleep(2.5)  # past the heartbeat's allowance (at least 2 s)
        for _ in range(5):
            time.sleep(0.02)
            dog.tick()
        assert sent == ["WATCHDOG=1"]
        release.set()
        hanger.join()
        time.sleep(0.2)
        dog.tick()
        assert sent == ["WATCHDOG=1", "WATCHDOG=1"]
    finally:
        hall.stop()
        store.close()


def test_notify_is_a_no_op_outside_systemd_and_reads_the_watchdog_interval():
    assert notify("READY=1", environ={}) is False
    assert watchdog_interval_s({"WATCHDOG_USEC": "30000000"}) == 15.0
    assert watchdog_interval_s({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}) is None
    assert watchdog_interval_s({}) is None
