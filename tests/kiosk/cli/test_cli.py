"""The ``kiosk`` command as a technician runs it (real subprocesses)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.helpers.hall import EXAMPLE

ROOT = Path(__file__).resolve().parents[3]


def kiosk(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


@contextmanager
def hall_daemon(config: Path) -> Iterator[subprocess.Popen[str]]:
    """``kiosk hall`` as a real process, until it says it is serving; SIGTERM at the end,
    which must be a clean stop (exit 0)."""
    daemon = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "hall", "--config", str(config)],
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert daemon.stderr is not None
    try:
        for line in daemon.stderr:
            if "serving" in line:
                break
        yield daemon
    finally:
        daemon.terminate()
        daemon.wait(timeout=15)
        daemon.stderr.close()
    assert daemon.returncode == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def config_in(tmp_path: Path) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        'data_dir = "/var/lib/kiosk"', 'data_dir = "data"'
    )
    p = tmp_path / "hall.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_config_check_accepts_the_example_and_summarises_it(tmp_path):
    r = kiosk("config", "check", str(config_in(tmp_path)))
    assert r.returncode == 0, r.stderr
    assert "service A 电费缴纳" in r.stdout and "counter 2: A, D, E (service-order)" in r.stdout


def test_config_check_rejects_a_bad_file_with_its_line(tmp_path):
    p = config_in(tmp_path)
    p.write_text(
        p.read_text(encoding="utf-8").replace("port = 8470", "port = -1"), encoding="utf-8"
    )
    r = kiosk("config", "check", str(p))
    assert r.returncode == 2
    assert f"{p}:14: api.port: expected 0-65535" in r.stderr


def test_every_command_has_help():
    for cmd in (["hall"], ["demo"], ["config", "check"], ["tickets"], ["close-day"]):
        r = kiosk(*cmd, "--help")
        assert r.returncode == 0 and "usage: kiosk" in r.stdout


def test_tickets_and_close_day_work_on_the_store_without_a_daemon(tmp_path):
    from kiosk.clock import SystemClock
    from kiosk.config import load_config
    from kiosk.hall.service import Hall
    from kiosk.store import EventStore

    cfg = load_config(config_in(tmp_path))
    store = EventStore(cfg.data_path() / "hall.db")
    hall = Hall(cfg, store, SystemClock(cfg.tz))
    hall.issue_ticket("A")
    hall.issue_ticket("B")
    hall.call_next(1)
    store.close()
    r = kiosk("tickets", "--config", str(tmp_path / "hall.toml"))
    assert r.returncode == 0, r.stderr
    assert "2 张号票 tickets" in r.stdout
    rows = [line.split() for line in r.stdout.splitlines()[2:]]
    assert [(row[0], row[2]) for row in rows] == [("A001", "已叫号"), ("B001", "等候")]
    r = kiosk("close-day", "--config", str(tmp_path / "hall.toml"))
    assert r.returncode == 0, r.stderr
    assert "2 张号票过期 expired" in r.stdout
    r = kiosk("close-day", "--config", str(tmp_path / "hall.toml"))
    assert r.returncode == 1 and "今日已经日结" in r.stderr


def test_close_day_goes_through_the_running_daemon(tmp_path):
    import httpx

    p = config_in(tmp_path)
    text = p.read_text(encoding="utf-8").replace('host = "0.0.0.0"', 'host = "127.0.0.1"')
    port = _free_port()
    p.write_text(text.replace("port = 8470", f"port = {port}"), encoding="utf-8")
    with hall_daemon(p):
        r = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/tickets",
            json={"service": "A"},
            headers={"Authorization": "Bearer change-me-lobby-kiosk-0001"},
        )
        assert r.status_code == 201
        r = kiosk("close-day", "--config", str(p))
        assert r.returncode == 0, r.stderr
        assert "1 张号票过期" in r.stdout
        r = httpx.get(
            f"http://127.0.0.1:{port}/api/v1/queue",
            headers={"Authorization": "Bearer change-me-manager-00000001"},
        )
        assert r.json()["closed"] is True
        # A second daemon on the same store is refused.
        second = kiosk("hall", "--config", str(p), "--port", "0")
        assert second.returncode == 1 and "another hall daemon" in second.stderr


@pytest.mark.slow
def test_headless_demo_runs_a_day_and_reports_it(tmp_path):
    r = kiosk("demo", "--headless", "--speed", "1200", "--duration", "6", "--port", "0", timeout=90)
    assert r.returncode == 0, r.stderr
    assert "Demo tokens" in r.stdout and "/api/v1" in r.stdout
    assert "1号窗口" in r.stdout and "电费缴纳" in r.stdout
    summary = [line for line in r.stdout.splitlines() if line.startswith("日结 day closed")]
    assert summary, r.stdout[-2000:]
    issued = int(summary[0].split("issued ")[1].split(",")[0])
    assert issued > 20
    assert "wait estimate error over" in r.stdout


def test_report_on_a_store_newer_than_the_program_says_so(tmp_path):
    import sqlite3

    from kiosk.store import EventStore
    from kiosk.store.reader import NEWEST_READABLE

    config = config_in(tmp_path)
    EventStore(tmp_path / "data" / "hall.db").close()
    conn = sqlite3.connect(tmp_path / "data" / "hall.db")
    conn.execute(f"PRAGMA user_version={NEWEST_READABLE + 1}")
    conn.commit()
    conn.close()
    r = kiosk("report", "--config", str(config), "--month", "2026-11")
    assert r.returncode == 1
    assert "报表失败" in r.stderr and "upgrade the program" in r.stderr
    assert "Traceback" not in r.stderr


def _device_config(tmp_path: Path, port: int, sims) -> Path:
    p = config_in(tmp_path)
    text = p.read_text(encoding="utf-8").replace('host = "0.0.0.0"', 'host = "127.0.0.1"')
    text = text.replace("port = 8470", f"port = {port}")
    text += f"""
[printer]
url = "{sims.printer_link.url}"

[idcard]
url = "{sims.idcard_link.url}"

[voice]
enabled = false

[hallbus]
url = "{sims.hallbus_link.url}"
baudrate = 19200
"""
    for n in sims.counters:
        text += f'\n[[hallbus.devices]]\naddress = {n}\nrole = "pad+screen"\ncounter = {n}\n'
    p.write_text(text, encoding="utf-8")
    return p


def test_devices_print_test_and_watch_against_a_running_daemon(tmp_path):
    from kiosk.demo.simhall import SimulatedDevices

    sims = SimulatedDevices(tmp_path / "dev", [1, 2]).start()
    port = _free_port()
    p = _device_config(tmp_path, port, sims)
    r = kiosk("devices", "--config", str(p))
    # No daemon holds the ports: they are asked directly.
    assert r.returncode == 0 and "hall daemon not running" in r.stdout
    assert "✓  打印机 ticket printer" in r.stdout
    try:
        with hall_daemon(p):
            r = kiosk("devices", "--config", str(p))
            assert r.returncode == 0, r.stdout + r.stderr
            assert "✓  打印机 ticket printer" in r.stdout
            assert "✓  2号窗口 呼叫器/窗口屏 #2" in r.stdout
            r = kiosk("print-test", "--config", str(p))
            assert r.returncode == 0, r.stderr
            assert "sample ticket printed" in r.stdout
            assert "T000" in sims.printer.wait_for_tickets(1, timeout_s=10)[0].texts
            watch = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "kiosk.cli",
                    "devices",
                    "watch",
                    "--count",
                    "3",
                    "--config",
                    str(p),
                ],
                stdout=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
            out, _ = watch.communicate(timeout=30)
            assert watch.returncode == 0
            frames = [line for line in out.splitlines() if "hallbus" in line]
            assert len(frames) == 3 and ("Poll" in out or "Ack" in out or "Events" in out)
            sims.printer_link.unplug()
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                r = kiosk("devices", "--config", str(p))
                if "✗  打印机 ticket printer" in r.stdout:
                    break
            assert r.returncode == 1 and "✗  打印机 ticket printer" in r.stdout
    finally:
        sims.stop()
