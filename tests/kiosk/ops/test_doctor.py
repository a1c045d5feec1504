"""``kiosk doctor`` on a box whose devices are the simulators: healthy, then each fault it
must see, each with what to do."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.demo.simhall import SimulatedDevices
from kiosk.ops.doctor import FAIL, OK, WARN, run_checks
from tests.helpers.hall import EXAMPLE

ROOT = Path(__file__).resolve().parents[3]
PRINTER = "打印机 ticket printer"
IDCARD = "身份证阅读器 ID-card reader"
PAD_1 = "1号窗口 呼叫器/窗口屏 #1 counter 1 pad/screen #1"


def write_config(
    tmp_path: Path,
    sims: SimulatedDevices,
    *,
    extra: str = "",
    voice: bool = False,
    hallbus_extra_address: int | None = None,
) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace('data_dir = "/var/lib/kiosk"', f'data_dir = "{tmp_path / "data"}"')
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    text = text.replace('host = "0.0.0.0"', 'host = "127.0.0.1"').replace(
        "port = 8470", f"port = {port}"
    )
    text += f"""
[printer]
url = "{sims.printer_link.url}"

[idcard]
url = "{sims.idcard_link.url}"

[voice]
enabled = {"true" if voice else "false"}

[hallbus]
url = "{sims.hallbus_link.url}"
baudrate = 19200
"""
    addresses = [(n, "pad+screen", n) for n in sims.counters]
    if hallbus_extra_address:
        addresses.append((hallbus_extra_address, "screen", 1))
    for address, role, counter in addresses:
        text += (
            f'\n[[hallbus.devices]]\naddress = {address}\nrole = "{role}"\ncounter = {counter}\n'
        )
    p = tmp_path / "hall.toml"
    p.write_text(text + extra, encoding="utf-8")
    return p


@pytest.fixture
def sims(tmp_path):
    s = SimulatedDevices(tmp_path / "dev", [1, 2]).start()
    yield s
    s.stop()


def by_name(checks):
    return {c.name: c for c in checks}


def test_a_healthy_box_has_no_cross_and_exits_0(tmp_path, sims):
    config = write_config(tmp_path, sims)
    checks = by_name(run_checks(str(config)))
    for name in (
        "配置 config",
        "磁盘空间 disk",
        PRINTER,
        IDCARD,
        PAD_1,
        "2号窗口 呼叫器/窗口屏 #2 counter 2 pad/screen #2",
        "中文字体 Chinese fonts",
        "语音 voice",
    ):
        assert checks[name].status == OK, (name, checks[name])
    assert checks["营业厅服务 hall daemon"].status == WARN  # not running: devices asked directly
    assert all(c.status != FAIL for c in checks.values()), [
        c for c in checks.values() if c.status == FAIL
    ]
    r = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "doctor", "--config", str(config)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"✓ {PRINTER}: 正常 OK" in r.stdout and "✗" not in r.stdout


def test_faults_are_crosses_with_what_to_do(tmp_path, sims):
    config = write_config(tmp_path, sims, hallbus_extra_address=9)
    sims.printer.set_paper("out")
    sims.idcard_link.unplug()
    checks = by_name(run_checks(str(config), min_free_mb=10**9))
    printer, idcard, missing = (
        checks[PRINTER],
        checks[IDCARD],
        checks["1号窗口 窗口屏 #9 counter 1 window screen #9"],
    )
    assert printer.status == FAIL and "缺纸 paper out" in printer.detail and "纸卷" in printer.fix
    assert idcard.status == FAIL and "/dev/kiosk-idcard" in idcard.fix
    assert missing.status == FAIL and "address setting" in missing.fix
    assert checks[PAD_1].status == OK
    assert checks["磁盘空间 disk"].status == FAIL and "free space" in checks["磁盘空间 disk"].fix
    r = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "doctor", "--config", str(config)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert r.returncode == 1 and f"✗ {PRINTER}: 缺纸 paper out" in r.stdout and "→ " in r.stdout


def test_devices_are_asked_through_a_running_daemon(tmp_path, sims):
    config = write_config(tmp_path, sims)
    daemon = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "hall", "--config", str(config)],
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert daemon.stderr is not None
        for line in daemon.stderr:
            if "serving" in line:
                break
        checks = by_name(run_checks(str(config)))
        assert checks["营业厅服务 hall daemon"].status == OK
        assert checks[PRINTER].status == OK and checks[PAD_1].status == OK
    finally:
        daemon.terminate()
        daemon.wait(timeout=15)
        assert daemon.stderr is not None
        daemon.stderr.close()


def test_a_bad_config_is_the_first_and_only_cross(tmp_path, sims):
    config = write_config(tmp_path, sims)
    config.write_text(config.read_text().replace("max_recalls = 3", "max_recalls = many"))
    checks = run_checks(str(config))
    assert [c.status for c in checks] == [FAIL]
    assert "not valid TOML" in checks[0].detail or "max_recalls" in checks[0].detail


def test_missing_chinese_fonts_and_sound_are_seen(tmp_path, sims, monkeypatch):
    fonts_conf = tmp_path / "fonts.conf"
    fonts_conf.write_text('<?xml version="1.0"?><fontconfig><dir>/nonexistent</dir></fontconfig>')
    monkeypatch.setenv("FONTCONFIG_FILE", str(fonts_conf))
    config = write_config(tmp_path, sims, voice=True)
    checks = by_name(run_checks(str(config)))
    fonts = checks["中文字体 Chinese fonts"]
    assert fonts.status == FAIL and "fonts-noto-cjk" in fonts.fix
    assert checks["普通话语音 Mandarin voice"].status == OK
    cards = subprocess.run(["aplay", "-l"], capture_output=True, text=True)
    has_card = any(line.startswith("card ") for line in cards.stdout.splitlines())
    audio = checks["音频输出 audio output"]
    assert audio.status == (OK if has_card else FAIL)
    if not has_card:
        assert "aplay -l" in audio.fix


def test_an_unreachable_central_is_a_cross(tmp_path, sims):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    config = write_config(
        tmp_path,
        sims,
        extra=f'\n[sync]\ncentral_url = "http://127.0.0.1:{closed_port}"\nhall_key = "0123456789abcdef0123456789abcdef"\n',
    )
    checks = by_name(run_checks(str(config)))
    central = checks["中心系统 central"]
    assert central.status == FAIL and "[sync]" in central.fix
    assert os.path.exists(config)
