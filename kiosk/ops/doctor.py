"""``kiosk doctor``: check a box the way a technician would, and say what to do.

Each check gives ✓ (ok), ! (a warning: worth a look, not wrong) or ✗ (wrong, with what to do);
the command exits non-zero when anything is ✗. Devices are asked through the running hall
daemon when there is one (it owns the ports), or opened directly when there is none.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drivers import device_states
from drivers.device_states import DeviceLine
from kiosk.config import ConfigError, HallConfig, load_config

OK, WARN, FAIL = "ok", "warn", "fail"
MARK = {OK: "✓", WARN: "!", FAIL: "✗"}


@dataclass
class Check:
    name: str
    status: str
    detail: str = ""
    fix: str = ""


def _cmd(*args: str, timeout: float = 10.0, env: dict[str, str] | None = None) -> tuple[int, str]:
    try:
        r = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 127, str(exc)
    return r.returncode, (r.stdout + r.stderr).strip()


def check_fonts() -> Check:
    code, out = _cmd("fc-list", ":lang=zh", "family")
    if code == 0 and out:
        family = sorted({line.split(",")[0] for line in out.splitlines()})[0]
        return Check("中文字体 Chinese fonts", OK, family)
    return Check(
        "中文字体 Chinese fonts",
        FAIL,
        "no font with Chinese glyphs: screens and tickets would show empty boxes",
        "sudo apt-get install fonts-noto-cjk",
    )


def check_voice(cfg: HallConfig) -> list[Check]:
    if not cfg.voice.enabled:
        return [Check("语音 voice", OK, "disabled in the config ([voice] enabled = false)")]
    out: list[Check] = []
    code, voices = _cmd("espeak-ng", "--voices=cmn")
    if code != 0:
        out.append(
            Check(
                "普通话语音 Mandarin voice",
                FAIL,
                "espeak-ng is missing",
                "sudo apt-get install espeak-ng",
            )
        )
    elif "cmn-latn-pinyin" not in voices.lower():
        out.append(
            Check(
                "普通话语音 Mandarin voice",
                FAIL,
                "espeak-ng has no sit/cmn-latn-pinyin voice (sit/cmn reads Chinese as pinyin digits)",
                "sudo apt-get install --reinstall espeak-ng-data",
            )
        )
    else:
        out.append(Check("普通话语音 Mandarin voice", OK, "sit/cmn-latn-pinyin"))
    player = cfg.voice.player[0] if cfg.voice.player else "aplay"
    if Path(player).name == "aplay":
        code, listing = _cmd("aplay", "-l")
        # "no soundcards found" also contains "card": only "card N: …" lines are cards.
        cards = [line for line in listing.splitlines() if line.startswith("card ")]
        if code == 0 and cards:
            out.append(Check("音频输出 audio output", OK, cards[0]))
        else:
            out.append(
                Check(
                    "音频输出 audio output",
                    FAIL,
                    "no sound card (aplay -l lists none): calls would not be heard",
                    "plug in the speakers' USB/HDMI audio, check `aplay -l`, or set "
                    "[voice] player to the right ALSA device (aplay -D …)",
                )
            )
    elif shutil.which(player) is None:
        out.append(
            Check("音频输出 audio output", FAIL, f"player {player} not found", "fix [voice] player")
        )
    else:
        out.append(Check("音频输出 audio output", OK, f"player {player}"))
    return out


def check_clock() -> Check:
    """Synchronised (timedatectl, timesyncd, chrony) and not before this release: see
    kiosk/ops/timesync.py."""
    from kiosk.ops.timesync import NAME, clock_state

    return Check(NAME, *clock_state())


# In a subprocess: the hall's side never imports ui.qt (tests/test_architecture.py).
GUARD_CHECK = "from ui.qt.immortals import main; raise SystemExit(main())"


def check_reference_guard(python: str = sys.executable) -> Check:
    """The lobby, the hall display and the soft caller refuse to start (exit status 70)
    when the guard against PySide6's lost references to None does not take on this
    interpreter (ui/qt/immortals.py); their units then stop restarting them
    (RestartPreventExitStatus=70). Asked of the interpreter the UIs run on."""
    name = "界面引用保护 Qt UI reference guard"
    code, out = _cmd(python, "-c", GUARD_CHECK)
    last = out.splitlines()[-1] if out else ""
    if code == 0:
        return Check(name, OK, last)
    if code == 70:
        return Check(
            name,
            FAIL,
            f"not in place, the lobby, display and soft caller refuse to start (exit status "
            f"70, not restarted): {last}",
            "run the UIs on a release build of CPython 3.11, or on Python 3.12 or later "
            "(reinstall: sudo kiosk install --with-ui)",
        )
    return Check(name, WARN, f"cannot check ({python}: {last[-200:]})")


def check_disk(cfg: HallConfig, min_free_mb: int) -> Check:
    data = cfg.data_path()
    probe = data if data.exists() else data.parent
    try:
        usage = shutil.disk_usage(probe)
    except OSError as exc:
        return Check("磁盘空间 disk", FAIL, f"{probe}: {exc.strerror}", f"create {data}")
    free_mb = usage.free // 2**20
    if free_mb < min_free_mb:
        return Check(
            "磁盘空间 disk",
            FAIL,
            f"{free_mb} MB free on {probe}, under {min_free_mb} MB: tickets will be refused when it fills",
            "free space (old backups, logs: journalctl --vacuum-size=200M)",
        )
    writable = os.access(probe, os.W_OK)
    return Check(
        "磁盘空间 disk",
        OK if writable else FAIL,
        f"{free_mb} MB free on {probe}" + ("" if writable else ", not writable"),
        "" if writable else f"chown kiosk: {data}",
    )


def _daemon(cfg: HallConfig) -> Any:
    import httpx

    from kiosk.client import api_client

    token = next((t.token for t in cfg.tokens if t.role == "manager"), None)
    client = api_client(cfg.api.local_url, token, timeout_s=10)
    try:
        health = client.get("/api/v1/health").json()
    except (httpx.HTTPError, ValueError):
        client.close()
        return None, None
    return client, health


def device_check(line: DeviceLine, url: str) -> Check:
    """A device's line as a check, in the words of the device-state table: the same words
    ``kiosk devices`` and the lobby's admin panel use."""
    w = line.words
    detail = f"{w.state.both()} — {url}"
    if line.detail and line.state == "error":  # generic words: the driver says more
        detail += f" ({line.detail})"
    return Check(line.label.both(), w.level.value, detail, w.fix.both())


def check_devices_via_daemon(client: Any) -> list[Check]:
    return [device_check(line_of_entry(d), d["url"]) for d in client.get("/api/v1/devices").json()]


def line_of_entry(d: dict[str, Any]) -> DeviceLine:
    """An entry of ``GET /api/v1/devices`` back as its line (a daemon too old to send a
    ``state`` gives ok or a generic fault)."""
    state = d.get("state") or ("ok" if d.get("ok") else "error")
    return device_states.line(
        d["name"], state, role=d.get("role"), counter=d.get("counter"), detail=d.get("detail", "")
    )


def check_devices_directly(cfg: HallConfig) -> list[Check]:
    """No daemon: open each configured device as the daemon would, ask it, close it."""
    from kiosk.ops.probe import probe_devices

    return [device_check(p.line, p.url) for p in probe_devices(cfg)]


def check_sync(cfg: HallConfig) -> list[Check]:
    if not getattr(cfg, "sync", None) or not cfg.sync.central_url:
        return [Check("中心系统 central", OK, "not configured: the hall runs alone")]
    from kiosk.sync.daemon import CENTRAL_PREFIX, central_client, sync_status

    out = []
    try:
        with central_client(cfg, timeout_s=5) as http:
            r = http.get(f"{CENTRAL_PREFIX}/health")
        reachable = r.status_code == 200
        detail = (
            cfg.sync.central_url if reachable else f"{cfg.sync.central_url}: HTTP {r.status_code}"
        )
    except Exception as exc:
        reachable, detail = False, f"{cfg.sync.central_url}: {exc}"
    out.append(
        Check(
            "中心系统 central",
            OK if reachable else FAIL,
            detail,
            "" if reachable else "check the network, central_url and ca_file in [sync]",
        )
    )
    try:
        status = sync_status(cfg)
        backlog = status["backlog"]
        err = status.get("last_error")
        level = OK if backlog < 1000 and not err else (WARN if backlog < 12000 else FAIL)
        out.append(
            Check(
                "同步积压 sync backlog",
                level,
                f"{backlog} events not yet at central" + (f"; last error: {err}" if err else ""),
                ""
                if level == OK
                else "see `kiosk sync status` and `kiosk logs --subsystem kiosk.sync`",
            )
        )
    except Exception as exc:
        out.append(Check("同步积压 sync backlog", WARN, f"cannot read the sync state: {exc}"))
    return out


def run_checks(config_path: str, *, min_free_mb: int = 500) -> list[Check]:
    checks: list[Check] = []
    try:
        cfg = load_config(config_path)
    except ConfigError as exc:
        return [Check("配置 config", FAIL, str(exc), "fix the file, then `kiosk config check`")]
    checks.append(Check("配置 config", OK, f"{config_path}: hall {cfg.hall.id}"))
    checks.append(check_disk(cfg, min_free_mb))
    client, health = _daemon(cfg)
    if client is None:
        checks.append(
            Check(
                "营业厅服务 hall daemon",
                WARN,
                "not running: devices checked directly",
                "sudo systemctl start kiosk-hall",
            )
        )
        checks += check_devices_directly(cfg)
    else:
        try:
            degraded = health.get("status") != "ok"
            checks.append(
                Check(
                    "营业厅服务 hall daemon",
                    FAIL if degraded else OK,
                    f"serving, last event #{health.get('last_seq')}"
                    + (f"; store: {health.get('storage_error')}" if degraded else ""),
                    "free disk space" if degraded else "",
                )
            )
            checks += check_devices_via_daemon(client)
        finally:
            client.close()
    checks.append(check_fonts())
    checks.append(check_reference_guard())
    checks += check_voice(cfg)
    checks.append(check_clock())
    checks += check_sync(cfg)
    return checks


def render(checks: list[Check], write: Callable[[str], Any] = print) -> int:
    for c in checks:
        write(f"{MARK[c.status]} {c.name}: {c.detail}")
        if c.fix and c.status != OK:
            write(f"    → {c.fix}")
    failed = sum(c.status == FAIL for c in checks)
    write(
        f"\n{len(checks) - failed}/{len(checks)} 正常 ok"
        + (f", {failed} 需处理 to fix" if failed else "")
    )
    return 1 if failed else 0
