"""Staff PINs and the [[staff]] tables, and the manager's report as a command."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from kiosk.config import ConfigError, parse_config
from kiosk.hall.auth import hash_pin, verify_pin
from kiosk.store import EventStore
from tests.helpers.busyday import events_of, generate_day
from tests.helpers.hall import EXAMPLE, example_config

ROOT = Path(__file__).resolve().parents[3]
TEXT = EXAMPLE.read_text(encoding="utf-8")


def kiosk(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        input=stdin,
    )


def test_a_pin_hash_checks_its_pin_and_nothing_else():
    stored = hash_pin("246810")
    assert stored.startswith("pbkdf2-sha256$120000$")
    assert verify_pin("246810", stored)
    assert not verify_pin("246811", stored) and not verify_pin("", stored)
    assert hash_pin("246810") != stored  # salted
    assert not verify_pin("246810", "plain-text-pin")
    assert not verify_pin("246810", None)  # an unknown staff member
    with pytest.raises(ValueError):
        hash_pin("12ab")
    with pytest.raises(ValueError):
        hash_pin("1234567890123")  # 13 digits: PINs are 4 to 12


def test_hashes_of_earlier_versions_still_verify():
    # The staff PINs of the first release: 100,000 iterations, 4-8 digits.
    old = hash_pin("13579", iterations=100_000)
    assert old.startswith("pbkdf2-sha256$100000$") and verify_pin("13579", old)


def test_an_unknown_staff_number_costs_a_full_pin_check():
    """A wrong PIN for a number that does not exist must not answer faster than for a real
    one (enumeration): the dummy hash it is checked against has today's iteration count."""
    from kiosk.hall import auth

    assert auth.parse_pin_hash(auth._DUMMY_HASH)[0] == auth.ITERATIONS


def test_the_lockout_guard_locks_after_the_limit_and_forgets_when_it_ends():
    from datetime import datetime, timedelta

    from kiosk.clock import FakeClock
    from kiosk.hall.auth import LockoutGuard

    clock = FakeClock(datetime(2026, 11, 23, 9, 0))
    guard = LockoutGuard(clock.now, max_failures=3, lockout=timedelta(minutes=5))
    assert [guard.failed("staff:1011") for _ in range(3)] == [2, 1, 0]
    assert guard.locked_for("staff:1011") == timedelta(minutes=5)
    assert guard.locked_for("staff:1012") is None  # others are not affected
    clock.advance(299)
    assert guard.locked_for("staff:1011") is not None
    clock.advance(1)
    assert guard.locked_for("staff:1011") is None
    assert guard.failed("staff:1011") == 2  # a fresh count after the lock ended


def test_the_lockout_table_stays_bounded_whatever_is_tried():
    from datetime import datetime, timedelta

    from kiosk.clock import FakeClock
    from kiosk.hall.auth import LockoutGuard

    clock = FakeClock(datetime(2026, 11, 23, 9, 0))
    guard = LockoutGuard(clock.now, max_failures=5, lockout=timedelta(minutes=5), capacity=100)
    for i in range(10_000):
        guard.failed(f"device:{i}")
    assert len(guard) == 100
    assert guard.failed("device:9999") == 3  # the most recent are the ones kept


def test_the_examples_demo_staff_log_in_with_123456():
    staff = example_config(Path("/nonexistent")).staff
    assert [s.number for s in staff] == [
        "1011",
        "1012",
        "1021",
        "1022",
        "1031",
        "1032",
        "1041",
        "1042",
    ]
    assert all(verify_pin("123456", s.pin_hash) for s in staff)


def bad(old: str, new: str) -> ConfigError:
    assert old in TEXT
    with pytest.raises(ConfigError) as exc:
        parse_config(TEXT.replace(old, new, 1), "hall.toml")
    return exc.value


def line_of(fragment: str) -> int:
    return next(i for i, line in enumerate(TEXT.splitlines(), 1) if fragment in line)


@pytest.mark.parametrize(
    ("old", "new", "key", "reason"),
    [
        ('number = "1011"', 'number = "10a1"', "staff[0].number", "3-8 digits"),
        ('number = "1012"', 'number = "1011"', "staff[1].number", "given twice"),
        ('name = "王芳"', 'name = " "', "staff[0].name", "a name is needed"),
        ('pin_hash = "pbkdf2', 'pin_hash = "md5', "staff[0].pin_hash", "kiosk config hash-pin"),
        ('name = "王芳"', 'name = "王芳"\ncounters = [9]', "staff[0].counters", "no counter 9"),
    ],
)
def test_a_bad_staff_table_names_the_key_and_its_line(old, new, key, reason):
    e = bad(old, new)
    assert e.key == key and reason in e.problem
    written = TEXT.replace(old, new, 1).splitlines()
    assert written[e.line - 1].strip().startswith(new.split("\n")[-1].strip())  # its line


def test_hash_pin_prints_a_line_for_the_config():
    r = kiosk("config", "hash-pin", "--stdin", stdin="135790\n")
    assert r.returncode == 0, r.stderr
    line = r.stdout.strip()
    assert line.startswith('pin_hash = "pbkdf2-sha256$') and "135790" not in line
    assert verify_pin("135790", line.split('"')[1])
    r = kiosk("config", "hash-pin", "--stdin", stdin="12\n")
    assert r.returncode == 1 and "4到8位数字" in r.stderr


def test_kiosk_report_prints_the_day_and_writes_a_printable_page(tmp_path):
    text = TEXT.replace('data_dir = "/var/lib/kiosk"', 'data_dir = "data"')
    conf = tmp_path / "hall.toml"
    conf.write_text(text, encoding="utf-8")
    rules = parse_config(text).queue_rules()
    store = EventStore(tmp_path / "data" / "hall.db")
    try:
        store.append(events_of(rules, generate_day(rules, date(2026, 11, 23), 200, seed=1)))
    finally:
        store.close()
    page = tmp_path / "day.html"
    r = kiosk("report", "--config", str(conf), "--date", "2026-11-23", "--html", str(page))
    assert r.returncode == 0, r.stderr
    assert "2026-11-23 日报" in r.stdout and "1011 王芳" in r.stdout and "按员工" in r.stdout
    html = page.read_text(encoding="utf-8")
    assert "<svg" in html and "http" not in html.replace("http://www.w3.org/2000/svg", "")
    r = kiosk("report", "--config", str(conf), "--month", "2026-11", "--lang", "en")
    assert r.returncode == 0 and "monthly report 2026-11" in r.stdout and "By staff" in r.stdout
    r = kiosk("report", "--config", str(conf), "--month", "2026-13")
    assert r.returncode == 2 and "YYYY-MM" in r.stderr


def test_one_command_hashes_every_pin_staff_and_admin_alike(tmp_path):
    """`kiosk config hash-pin` is the one command: its line works as a staff pin_hash and as
    the lobby's admin_pin_hash (12 digits, the longest PIN)."""
    r = kiosk("config", "hash-pin", "--stdin", stdin="864209753102\n")
    assert r.returncode == 0, r.stderr
    stored = r.stdout.strip().split('"')[1]
    assert "864209753102" not in r.stdout
    cfg = parse_config(TEXT + f'\n[lobby]\nadmin_pin_hash = "{stored}"\n', "hall.toml")
    assert verify_pin("864209753102", cfg.lobby.admin_pin_hash)
