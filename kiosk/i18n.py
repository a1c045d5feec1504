"""Translations for everything outside Qt (API messages, tickets, voice, CLI tables).

Chinese is the source language: a message's Chinese text is its gettext msgid, so zh_CN needs
no catalog and nothing a customer sees can be left untranslated in Chinese. Other languages
are gettext ``.po`` catalogs under ``assets/locale/<lang>/LC_MESSAGES/kiosk.po``, read
directly (no compile step). The Qt screens use Qt's own translation files.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "assets" / "locale"
DOMAIN = "kiosk"
SOURCE_LANG = "zh_CN"


def N_(msgid: str) -> str:
    """Mark a string for extraction without translating it here."""
    return msgid


def parse_po(text: str) -> dict[str, str]:
    """msgid → msgstr of a .po file (no plurals or contexts: this project uses none)."""
    catalog: dict[str, str] = {}
    msgid: list[str] | None = None
    msgstr: list[str] | None = None
    current: list[str] | None = None

    def flush() -> None:
        if msgid is not None and msgstr is not None:
            key, value = "".join(msgid), "".join(msgstr)
            if key and value:
                catalog[key] = value

    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("msgid "):
            flush()
            msgid, msgstr = [ast.literal_eval(line[6:])], None
            current = msgid
        elif line.startswith("msgstr "):
            msgstr = [ast.literal_eval(line[7:])]
            current = msgstr
        elif line.startswith('"') and current is not None:
            current.append(ast.literal_eval(line))
    flush()
    return catalog


@functools.cache
def catalog(lang: str) -> dict[str, str]:
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    try:
        return parse_po(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def normalise_lang(value: str | None) -> str:
    """``en-US,en;q=0.9`` → ``en``; anything Chinese or unknown → ``zh_CN``."""
    if not value:
        return SOURCE_LANG
    first = re.split(r"[,;]", value.strip())[0].strip().lower()
    if first.startswith("en"):
        return "en"
    return SOURCE_LANG


def translate(msgid: str, lang: str | None) -> str:
    lang = normalise_lang(lang)
    if lang == SOURCE_LANG:
        return msgid
    return catalog(lang).get(msgid, msgid)


_CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")
# Calls whose string arguments are user-visible msgids: error classes take the template
# first, ApiError third; translate() and N_() first.
_ERROR_SUFFIXES = (
    "Error",
    "Request",
    "Service",
    "Counter",
    "Ticket",
    "Serves",
    "Paused",
    "State",
    "Reached",
    "Evaluated",
    "Closed",
    "Exhausted",
)


def extract_msgids(root: Path) -> dict[str, str]:
    """msgid → "file:line" for every user-visible Chinese string under ``root``."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "ApiError":
                args = node.args[2:3]
            elif name in ("translate", "N_") or name.endswith(_ERROR_SUFFIXES):
                args = node.args[:1]
            else:
                continue
            for arg in args:
                if (
                    isinstance(arg, ast.Constant)
                    and isinstance(arg.value, str)
                    and _CJK.search(arg.value)
                ):
                    found.setdefault(arg.value, f"{path}:{node.lineno}")
    return found
