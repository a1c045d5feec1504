"""Config files: the example loads; bad files are refused with file, line, key and reason."""

from __future__ import annotations

import pytest

from kiosk.config import ConfigError, describe, parse_config
from tests.helpers.hall import EXAMPLE

TEXT = EXAMPLE.read_text(encoding="utf-8")


def test_the_shipped_example_has_five_services_and_four_counters():
    cfg = parse_config(TEXT, "hall.toml")
    rules = cfg.queue_rules()
    assert [s.code for s in rules.services.values()] == list("ABCDE")
    assert rules.services["A"].name == "电费缴纳" and rules.services["A"].time_limit_s == 300
    assert rules.services["D"].time_limit_s is None
    assert sorted(rules.counters) == [1, 2, 3, 4]
    assert rules.counters[2].policy.value == "service-order"
    assert {t.role for t in cfg.tokens} == {"kiosk", "display", "counter", "manager"}


def bad(old: str, new: str) -> ConfigError:
    assert old in TEXT
    with pytest.raises(ConfigError) as exc:
        parse_config(TEXT.replace(old, new, 1), "hall.toml")
    return exc.value


def line_of(fragment: str) -> int:
    return next(i for i, line in enumerate(TEXT.splitlines(), 1) if fragment in line)


@pytest.mark.parametrize(
    ("old", "new", "key", "line_fragment", "reason"),
    [
        ("port = 8470", 'port = "8470"', "api.port", "port = 8470", "expected an integer"),
        (
            'services = ["B", "C"]',
            'services = ["B", "X"]',
            "counters[2].services",
            'services = ["B", "C"]',
            "unknown service 'X'",
        ),
        (
            "max_recalls = 3",
            "max_recals = 3",
            "queue.max_recals",
            "max_recalls = 3",
            "unknown setting",
        ),
        ('code = "E"', 'code = "A"', "services[4].code", 'code = "E"', "defined twice"),
        ('code = "B"', 'code = "b2"', "services[1].code", 'code = "B"', "one capital letter"),
        (
            'timezone = "Asia/Shanghai"',
            'timezone = "Mars/Olympus"',
            "hall.timezone",
            "timezone",
            "unknown time zone",
        ),
        (
            'policy = "service-order"',
            'policy = "lifo"',
            "counters[1].policy",
            'policy = "service-order"',
            "fifo or service-order",
        ),
        (
            'token = "change-me-manager-00000001"',
            'token = "short"',
            "tokens[6].token",
            'token = "change-me-manager',
            "at least 16",
        ),
    ],
)
def test_bad_values_name_the_key_the_line_and_what_was_expected(
    old, new, key, line_fragment, reason
):
    e = bad(old, new)
    assert e.key == key
    assert e.line == line_of(line_fragment)
    assert reason in e.problem
    assert str(e).startswith(f"hall.toml:{e.line}: {key}: ")


def test_a_missing_required_key_points_at_its_table():
    e = bad('name = "电费缴纳"\n', "")
    assert e.key == "services[0].name" and "missing" in e.problem
    assert e.line == line_of("[[services]]")


def test_a_syntax_error_gives_the_line():
    e = bad("[queue]", "[queue")
    assert "not valid TOML" in e.problem and e.line == line_of("[queue]")


def test_describe_lists_every_setting_with_its_default():
    text = "\n".join(describe())
    assert "max_recalls: an integer = 3" in text
    assert "[[counters]]" in text and "policy: a string = 'fifo'" in text
