"""The manager's printable report says when it was made in the hall's time (issue 18: times
are the hall's everywhere)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime

from kiosk.config import parse_config
from kiosk.store import EventStore
from tests.helpers.busyday import events_of, generate_day
from tests.helpers.hall import EXAMPLE, TZ


def test_the_printable_report_says_when_it_was_made_in_the_halls_time(tmp_path):
    """On a box whose system zone is UTC, 生成于 is still the hall's time."""
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        'data_dir = "/var/lib/kiosk"', 'data_dir = "data"'
    )
    conf = tmp_path / "hall.toml"
    conf.write_text(text, encoding="utf-8")
    rules = parse_config(text).queue_rules()
    store = EventStore(tmp_path / "data" / "hall.db")
    try:
        store.append(events_of(rules, generate_day(rules, date(2026, 11, 23), 20, seed=1)))
    finally:
        store.close()
    page = tmp_path / "day.html"
    before = datetime.now(TZ).replace(second=0, microsecond=0, tzinfo=None)
    args = ["report", "--config", str(conf), "--date", "2026-11-23", "--html", str(page)]
    r = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "TZ": "UTC"},
    )
    assert r.returncode == 0, r.stderr
    after = datetime.now(TZ).replace(tzinfo=None)
    html = page.read_text(encoding="utf-8")
    stamp = html.split("生成于 ", 1)[1][:16]
    assert before <= datetime.strptime(stamp, "%Y-%m-%d %H:%M") <= after, stamp
