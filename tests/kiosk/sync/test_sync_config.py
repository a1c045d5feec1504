"""[sync] settings: refused with the key and its line, like every other section."""

from __future__ import annotations

import pytest

from kiosk.config import ConfigError, parse_config
from kiosk.sync import fragment
from tests.helpers.hall import EXAMPLE

TEXT = EXAMPLE.read_text(encoding="utf-8")
GOOD = '\n[sync]\ncentral_url = "https://central.example.invalid:8480"\nhall_key = "k-0123456789abcdef"\n'


def line_of(text: str, fragment_: str) -> int:
    """The last line with ``fragment_`` (the example has a commented [sync] before ours)."""
    return max(
        i
        for i, line in enumerate(text.splitlines(), 1)
        if fragment_ in line and not line.startswith("#")
    )


def test_a_hall_that_syncs_loads_with_defaults_for_the_rest():
    cfg = parse_config(TEXT + GOOD, "hall.toml")
    assert cfg.sync.central_url.startswith("https://") and cfg.sync.batch_size == 500
    assert parse_config(TEXT, "hall.toml").sync.central_url == ""  # a hall alone by default


@pytest.mark.parametrize(
    ("change", "key", "marker", "reason"),
    [
        (("https://central", "ftp://central"), "sync.central_url", "central_url", "http(s)"),
        (
            ('hall_key = "k-0123456789abcdef"', 'hall_key = "short"'),
            "sync.hall_key",
            "hall_key",
            "16",
        ),
        (("[sync]\n", "[sync]\nbatch_size = 0\n"), "sync.batch_size", "batch_size", "1-5000"),
        (("[sync]\n", "[sync]\ntimeout_s = -1.0\n"), "sync.timeout_s", "timeout_s", "positive"),
    ],
)
def test_bad_sync_settings_name_the_key_and_line(change, key, marker, reason):
    text = TEXT + GOOD.replace(*change)
    with pytest.raises(ConfigError) as exc:
        parse_config(text, "hall.toml")
    assert exc.value.key == key and reason in exc.value.problem
    assert exc.value.line == line_of(text, marker)


def test_bills_through_central_need_a_central():
    with pytest.raises(ConfigError, match='source "sync" needs'):
        parse_config(TEXT.replace('source = "demo"', 'source = "sync"'), "hall.toml")


def test_centrals_fragment_replaces_only_its_own_sections_of_the_hall_file():
    local = TEXT + GOOD
    part = fragment.central_part(local)
    assert "[hall]" not in part and "[sync]" not in part and "[[counters]]" in part
    merged = fragment.merge(local, part.replace('name = "电费缴纳"', 'name = "电费缴纳（新）"'))
    cfg = parse_config(merged, "hall.toml")
    assert cfg.services[0].name == "电费缴纳（新）"
    assert cfg.hall.id == "gd-gz-tianhe-01" and cfg.sync.central_url.startswith("https://")
    again = fragment.merge(merged, part)  # applying twice does not pile sections up
    assert again.count("[[services]]") == TEXT.count("[[services]]")
    assert again.count(fragment.MARKER) == 1
    with pytest.raises(fragment.FragmentError, match="voice"):
        fragment.check_fragment(part + "\n[voice]\nenabled = false\n")
