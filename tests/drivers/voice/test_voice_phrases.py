"""The words of announcements: ticket digits one by one, windows as Chinese numbers."""

from __future__ import annotations

import pytest

from drivers.voice import phrases
from drivers.voice.phrases import (
    call_phrase,
    chinese_number,
    digits_zh,
    evaluation_phrase,
    guidance_phrase,
    normalize_ticket_number,
    speakable_text,
    ticket_en,
    ticket_zh,
)


def test_call_phrase_reads_ticket_digits_one_by_one_and_the_window_as_a_number() -> None:
    assert call_phrase("A012", 3) == "请A零一二号到三号窗口办理"
    assert call_phrase("A012", 3, lang="zh") == "请A零一二号到三号窗口办理"


@pytest.mark.parametrize(
    ("counter", "spoken"),
    [
        (1, "一"),
        (2, "二"),  # never 两 for a window
        (3, "三"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (12, "十二"),
        (19, "十九"),
        (20, "二十"),
        (21, "二十一"),
        (22, "二十二"),
        (30, "三十"),
        (99, "九十九"),
    ],
)
def test_given_a_window_number_then_it_is_read_as_a_chinese_number(
    counter: int, spoken: str
) -> None:
    assert chinese_number(counter) == spoken
    assert call_phrase("B001", counter) == f"请B零零一号到{spoken}号窗口办理"


@pytest.mark.parametrize(
    ("n", "spoken"),
    [
        (0, "零"),
        (100, "一百"),
        (101, "一百零一"),
        (110, "一百一十"),
        (115, "一百一十五"),
        (200, "二百"),
        (999, "九百九十九"),
        (1000, "一千"),
        (1001, "一千零一"),
        (1010, "一千零一十"),
        (1100, "一千一百"),
        (2020, "二千零二十"),
        (9999, "九千九百九十九"),
    ],
)
def test_larger_numbers_follow_the_zero_rules(n: int, spoken: str) -> None:
    assert chinese_number(n) == spoken


def _parse_chinese_number(text: str) -> int:
    """An independent reader of the numerals chinese_number writes (the test's oracle)."""
    digits = {c: i for i, c in enumerate(phrases.ZH_DIGITS)}
    units = {"十": 10, "百": 100, "千": 1000}
    total, pending = 0, 0
    for char in text:
        if char in digits:
            pending = digits[char]
        else:
            total += (pending or 1) * units[char]
            pending = 0
    return total + pending


def test_every_window_number_reads_back_to_itself_and_never_uses_liang() -> None:
    for n in range(1, 1000):
        spoken = chinese_number(n)
        assert _parse_chinese_number(spoken) == n, (n, spoken)
        assert "两" not in spoken
        if n >= 20 or n < 10:
            assert not spoken.startswith("十")


@pytest.mark.parametrize("bad", [-1, 10000])
def test_numbers_outside_the_range_are_refused(bad: int) -> None:
    with pytest.raises(ValueError):
        chinese_number(bad)


@pytest.mark.parametrize("bad", [True, 3.0, "3"])
def test_non_integers_are_refused(bad: object) -> None:
    with pytest.raises(TypeError):
        chinese_number(bad)  # type: ignore[arg-type]


def test_digits_are_read_one_by_one() -> None:
    assert digits_zh("0123456789") == "零一二三四五六七八九"
    assert digits_zh("007") == "零零七"
    with pytest.raises(ValueError):
        digits_zh("12a")
    with pytest.raises(ValueError):
        digits_zh("١٢")  # Arabic-Indic digits are digits to str.isdigit, not to the hall


@pytest.mark.parametrize(
    ("number", "zh", "en"),
    [
        ("A012", "A零一二", "A0 1 2"),
        ("a012", "A零一二", "A0 1 2"),  # lower case: the pinyin voice would read "a" as a vowel
        ("Ａ０１２", "A零一二", "A0 1 2"),  # full width: read as garbage unless normalised
        (" E100 ", "E一零零", "E1 0 0"),
        ("VIP7", "V I P七", "V-I-P7"),  # a run of capitals is spaced, else read as a word
        ("012", "零一二", "0 1 2"),
        ("A12B3", "A一二B三", "A1 2 B3"),
    ],
)
def test_ticket_letters_stay_latin_capitals_spelled_letter_by_letter(
    number: str, zh: str, en: str
) -> None:
    assert ticket_zh(number) == zh
    assert ticket_en(number) == en


@pytest.mark.parametrize("bad", ["", "  ", "A-012", "A 012", "号012", "A0123456789012"])
def test_malformed_ticket_numbers_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        normalize_ticket_number(bad)
    with pytest.raises(ValueError):
        call_phrase(bad, 3)


@pytest.mark.parametrize("bad", [0, 1000, -3])
def test_counters_outside_1_to_999_are_refused(bad: int) -> None:
    with pytest.raises(ValueError):
        call_phrase("A012", bad)


def test_counter_must_be_an_int() -> None:
    with pytest.raises(TypeError):
        call_phrase("A012", "3")  # type: ignore[arg-type]


def test_english_call_phrase_glues_the_letter_to_the_first_digit() -> None:
    # A lone "A" is the article for the English voice; "A0" is the letter name.
    assert call_phrase("A012", 3, lang="en") == "Number A0 1 2, please go to window 3."
    assert call_phrase("B007", 12, lang="en") == "Number B0 0 7, please go to window 12."


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError):
        call_phrase("A012", 3, lang="fr")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        evaluation_phrase("fr")  # type: ignore[arg-type]


def test_evaluation_prompt() -> None:
    assert evaluation_phrase() == "请对本次服务进行评价"
    assert evaluation_phrase("en") == "Please rate our service."
    assert phrases.evaluation_thanks_phrase() == "感谢您的评价"


def test_every_guidance_phrase_exists_in_both_languages() -> None:
    for key, texts in phrases.GUIDANCE.items():
        assert set(texts) == {"zh", "en"}, key
        assert guidance_phrase(key) == texts["zh"]
        assert guidance_phrase(key, "en") == texts["en"]
    with pytest.raises(KeyError, match="welcome"):
        guidance_phrase("no-such-key")


def test_any_guidance_text_is_made_speakable() -> None:
    assert speakable_text("  请插入IC卡  ") == "请插入I C卡"
    assert (
        speakable_text("服务热线95598") == "服务热线九五五九八"
    )  # a number to dial, digit by digit
    assert speakable_text("应缴100元") == "应缴100元"  # a quantity stays a quantity
    assert speakable_text("户号：１２３４５６７８９０") == "户号:一二三四五六七八九零"
    assert speakable_text("Insert the\n IC card", "en") == "Insert the IC card"
    with pytest.raises(ValueError):
        speakable_text(" \n ")
