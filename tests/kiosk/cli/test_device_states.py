"""``kiosk devices`` and ``kiosk doctor`` on the simulators, in each state of the printer: one
line per device, one truth, Chinese first, the same words in both commands, through a running
hall daemon and with the ports opened directly."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from drivers.device_states import STATES
from kiosk.demo.simhall import SimulatedDevices
from tests.kiosk.cli.test_cli import _device_config, _free_port, hall_daemon, kiosk

ROOT = Path(__file__).resolve().parents[3]

# state of the simulated printer → (mark, the printer's state words, what to do)
PRINTER_STATES = {
    "ok": ("✓", "正常 OK", None),
    "near_end": ("!", "打印纸将尽 paper near end", "请及时更换纸卷 change the roll soon"),
    "out": ("✗", "缺纸 paper out", "装入新纸卷 load a new roll"),
    "cover_open": ("✗", "盖未合上 cover open", "合上打印机盖 close the cover"),
    "unplugged": ("✗", "未连接 not connected", "/dev/kiosk-printer"),
}


def put_printer_in(sims: SimulatedDevices, state: str) -> None:
    if not sims.printer_link.plugged:
        sims.printer_link.plug()
    sims.printer.set_paper("ok")
    sims.printer.close_cover()
    if state in ("near_end", "out"):
        sims.printer.set_paper(state)  # type: ignore[arg-type]
    elif state == "cover_open":
        sims.printer.open_cover()
    elif state == "unplugged":
        sims.printer_link.unplug()


def printer_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if "打印机" in line or "printer" in line.lower()]


def check_devices_output(out: str, state: str) -> None:
    mark, words, fix = PRINTER_STATES[state]
    (line,) = [x for x in out.splitlines() if "打印机 ticket printer" in x]
    assert line.split()[0] == mark, out
    assert words in line, out
    assert "printer-paper" not in out and "paper:" not in out
    # Chinese first on every device line.
    for x in out.splitlines():
        if x.strip()[:1] in "✓!✗":
            label = x.strip()[1:].strip()
            assert "\u4e00" <= label[0] <= "\u9fff" or label[0].isdigit(), x
    if fix is not None:
        after = out.split(line, 1)[1].splitlines()[1]
        assert "→" in after and fix in after, out


def check_doctor_output(out: str, state: str) -> None:
    mark, words, fix = PRINTER_STATES[state]
    lines = [x for x in out.splitlines() if "打印机 ticket printer" in x]
    assert len(lines) == 1, out
    assert lines[0].startswith(f"{mark} 打印机 ticket printer: {words}"), out
    assert "printer-paper" not in out
    if fix is not None:
        after = out.split(lines[0], 1)[1].splitlines()[1]
        assert after.strip().startswith("→") and fix in after, out


def wait_for_daemon_state(config: Path, state: str) -> subprocess.CompletedProcess[str]:
    """The daemon polls the printer every 2 s: ask until it has seen the new state."""
    _, words, _ = PRINTER_STATES[state]
    deadline = time.monotonic() + 20
    while True:
        r = kiosk("devices", "--config", str(config))
        line = next((x for x in r.stdout.splitlines() if "打印机 ticket printer" in x), "")
        if words in line or time.monotonic() > deadline:
            return r
        time.sleep(0.3)


@pytest.fixture
def sims(tmp_path):
    s = SimulatedDevices(tmp_path / "dev", [1, 2]).start()
    yield s
    s.stop()


def test_every_state_has_words_a_level_and_a_fix_when_something_is_wrong():
    for (kind, state), w in STATES.items():
        assert w.state.zh and w.state.en, (kind, state)
        assert (w.level.value == "ok") == (not w.fix.zh), (kind, state)
        assert bool(w.fix.zh) == bool(w.fix.en), (kind, state)


def test_through_the_daemon_each_printer_state_is_one_line_with_the_same_words(tmp_path, sims):
    config = _device_config(tmp_path, _free_port(), sims)
    with hall_daemon(config):
        for state in PRINTER_STATES:
            put_printer_in(sims, state)
            devices = wait_for_daemon_state(config, state)
            check_devices_output(devices.stdout, state)
            assert devices.returncode == (1 if PRINTER_STATES[state][0] == "✗" else 0)
            doctor = kiosk("doctor", "--config", str(config))
            check_doctor_output(doctor.stdout, state)
            assert "✓ 营业厅服务 hall daemon" in doctor.stdout


@pytest.mark.parametrize("state", list(PRINTER_STATES))
def test_with_no_daemon_the_ports_are_asked_directly_with_the_same_words(tmp_path, sims, state):
    config = _device_config(tmp_path, _free_port(), sims)
    put_printer_in(sims, state)
    devices = kiosk("devices", "--config", str(config))
    assert "hall daemon not running: devices asked directly" in devices.stdout
    check_devices_output(devices.stdout, state)
    assert devices.returncode == (1 if PRINTER_STATES[state][0] == "✗" else 0)
    doctor = kiosk("doctor", "--config", str(config))
    check_doctor_output(doctor.stdout, state)


def test_a_hall_bus_address_is_named_by_its_counter_and_role(tmp_path, sims):
    config = _device_config(tmp_path, _free_port(), sims)
    r = kiosk("devices", "--config", str(config))
    assert "✓  1号窗口 呼叫器/窗口屏 #1 counter 1 pad/screen #1" in r.stdout, r.stdout
    assert "✓  485总线 RS-485 hall bus" in r.stdout
