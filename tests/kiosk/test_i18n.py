"""Every message a customer or staff member can get from the daemon has an English text."""

from __future__ import annotations

from pathlib import Path

from kiosk.i18n import catalog, extract_msgids, normalise_lang, parse_po, translate

ROOT = Path(__file__).resolve().parents[2]


def test_every_chinese_message_has_an_english_translation():
    msgids = extract_msgids(ROOT / "kiosk")
    assert len(msgids) > 30
    en = catalog("en")
    missing = {m: where for m, where in msgids.items() if m not in en}
    assert missing == {}


def test_translations_keep_the_placeholders():
    for msgid, text in catalog("en").items():
        assert sorted(_fields(msgid)) == sorted(_fields(text)), msgid


def _fields(s: str) -> list[str]:
    import string

    return [f for _, f, _, _ in string.Formatter().parse(s) if f]


def test_language_negotiation_defaults_to_chinese():
    assert normalise_lang(None) == "zh_CN"
    assert normalise_lang("en-US,en;q=0.9") == "en"
    assert normalise_lang("zh-CN,zh;q=0.9,en;q=0.5") == "zh_CN"
    assert translate("今日已经日结", "en") == "Today has already been closed"
    assert translate("今日已经日结", "zh-CN") == "今日已经日结"


def test_po_parser_handles_continuation_lines():
    po = 'msgid ""\nmsgstr "x"\n\nmsgid "甲"\n"乙"\nmsgstr "A"\n"B"\n'
    assert parse_po(po) == {"甲乙": "AB"}
