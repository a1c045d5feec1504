"""Is the box's clock right? ``kiosk doctor``'s clock line.

A kiosk box without a working RTC battery boots in 1970 or at the time it was last shut down,
and keeps that time until NTP corrects it; until then every ticket, wait, report and the
daily close are wrong. So the check asks, in order, what keeps the time here:

1. ``timedatectl`` (systemd-timesyncd or any NTP service systemd knows): synchronised, not
   yet synchronised, or no synchronisation switched on at all;
2. the flag file systemd-timesyncd leaves when it has synchronised (a box where
   ``timedatectl`` cannot reach systemd);
3. ``chronyc tracking`` (chrony's "Leap status");

and, whatever they say, a sanity bound: a clock before :data:`CLOCK_FLOOR` (this release
did not exist then) is certainly wrong. When nothing answers and the clock is past the bound,
it cannot be told: a warning with what to check.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

#: No box runs this release before it was made: a clock before this is wrong (1970, a dead
#: RTC battery). Moved forward with the releases.
CLOCK_FLOOR = date(2026, 1, 1)
TIMESYNCD_FLAG = Path("/run/systemd/timesync/synchronized")

NAME = "时钟同步 clock"
OK, WARN, FAIL = "ok", "warn", "fail"

Run = Callable[..., tuple[int, str]]


def run_command(*args: str, timeout: float = 10.0) -> tuple[int, str]:
    try:
        r = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 127, str(exc)
    return r.returncode, (r.stdout + r.stderr).strip()


def clock_state(
    now: datetime | None = None, run: Run = run_command, flag: Path = TIMESYNCD_FLAG
) -> tuple[str, str, str]:
    """(ok / warn / fail, what was found, what to do)."""
    now = now or datetime.now().astimezone()
    reads = f"it reads {now:%Y-%m-%d %H:%M %Z}".rstrip()
    if now.date() < CLOCK_FLOOR:
        return (
            FAIL,
            f"{reads}, before {CLOCK_FLOOR} (this release did not exist yet): the clock was "
            "never set, a box without a clock battery boots in 1970; ticket times, waits "
            "and the daily close would be wrong",
            "sudo timedatectl set-ntp true and let the box reach an NTP server, or set it "
            "by hand: sudo timedatectl set-time 'YYYY-MM-DD HH:MM:SS'; replace the RTC "
            "battery",
        )
    for ask in (_timedatectl, _timesyncd_flag, _chrony):
        found = ask(run, flag)
        if found is not None:
            level, how, fix = found
            return level, f"{how}; {reads}", fix
    return (
        WARN,
        f"cannot tell whether it is synchronised (no timedatectl, systemd-timesyncd or "
        f"chrony answered); {reads}",
        "compare it with a phone's time; install a time service: "
        "sudo apt-get install systemd-timesyncd",
    )


def _timedatectl(run: Run, flag: Path) -> tuple[str, str, str] | None:
    code, out = run("timedatectl", "show", "-p", "NTP", "-p", "NTPSynchronized")
    if code != 0:
        return None
    values = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    if values.get("NTPSynchronized") == "yes":
        return OK, "synchronised (timedatectl: NTP)", ""
    if values.get("NTP") == "no":
        return (
            FAIL,
            "not synchronised, and no time synchronisation is switched on (timedatectl: "
            "NTP=no): after a power cut the box keeps a wrong time",
            "sudo timedatectl set-ntp true",
        )
    if "NTPSynchronized" not in values:
        return None
    return (
        FAIL,
        "not synchronised yet (timedatectl: NTPSynchronized=no): ticket times, waits and "
        "the daily close may be wrong",
        "let the box reach an NTP server: check the network and the NTP= line of "
        "/etc/systemd/timesyncd.conf; `timedatectl timesync-status` says what it tried",
    )


def _timesyncd_flag(run: Run, flag: Path) -> tuple[str, str, str] | None:
    if flag.exists():
        return OK, "synchronised (systemd-timesyncd)", ""
    return None


def _chrony(run: Run, flag: Path) -> tuple[str, str, str] | None:
    code, out = run("chronyc", "-n", "tracking")
    if code != 0:
        return None
    leap = next((line for line in out.splitlines() if line.startswith("Leap status")), "")
    if leap.rstrip().endswith("Normal"):
        return OK, "synchronised (chrony)", ""
    if not leap:
        return None
    return (
        FAIL,
        f"not synchronised (chrony: {leap.split(':', 1)[-1].strip()})",
        "let the box reach an NTP server: `chronyc sources -v` says which it tried",
    )
