"""The words the hall says: text of call, guidance and evaluation announcements.

Pure functions, no I/O, so the wording is tested in microseconds and reused by the kiosk UI's
voice guidance. The text is written for the speech engine, not for a screen: how espeak-ng's
Mandarin voice (``sit/cmn-Latn-pinyin``) reads a string decided every rule below.

- Ticket digits are read one by one (``A012`` → 零一二): a ticket is a code, not a quantity.
- The window is read as a Chinese number (3 → 三, 12 → 十二, 21 → 二十一); 两 is not used.
- A ticket letter stays a Latin capital. The Mandarin voice reads a *single* capital as its
  letter name the way Chinese speakers say it (A → "ei", B → "bi", E → "yi"); a run of
  capitals (``VIP``, ``AB``) is read as an English *word* instead, so runs are spaced out
  (``V I P``). Lower case and full-width letters (``ａ``, ``Ａ``) are normalised first: a
  full-width letter is otherwise read as garbage.
- In English the voice reads a lone ``A`` as the article ("uh"); glued to the first digit
  (``A0 1 2``) it is the letter name, and runs are hyphenated (``V-I-P0 1 2``).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

Lang = Literal["zh", "en"]

ZH_DIGITS = "零一二三四五六七八九"

MAX_COUNTER = 999
MAX_TICKET_LENGTH = 12

_TICKET_RE = re.compile(r"^[A-Z0-9]+$")
_RUN_RE = re.compile(r"[A-Z]+|[0-9]+")
_LETTER_RUN_RE = re.compile(r"[A-Z]{2,}")
_LONG_DIGIT_RUN_RE = re.compile(r"[0-9]{5,}")
_SPACE_RE = re.compile(r"\s+")

EVALUATION_PROMPT: dict[Lang, str] = {
    "zh": "请对本次服务进行评价",
    "en": "Please rate our service.",
}
EVALUATION_THANKS: dict[Lang, str] = {
    "zh": "感谢您的评价",
    "en": "Thank you for your feedback.",
}

# Stock guidance for the lobby kiosk (elderly customers rely on it). Keys are stable: the UI
# refers to them; the words may be tuned here without touching the UI.
GUIDANCE: dict[str, dict[Lang, str]] = {
    "welcome": {
        "zh": "欢迎光临，请选择您要办理的业务",
        "en": "Welcome. Please choose a service.",
    },
    "place_id_card": {
        "zh": "请将身份证放在读卡区",
        "en": "Please place your ID card on the reader.",
    },
    "enter_account": {
        "zh": "请输入您的户号",
        "en": "Please enter your account number.",
    },
    "take_ticket": {
        "zh": "请取走您的排队号票",
        "en": "Please take your ticket.",
    },
    "ticket_not_printed": {
        "zh": "号票未能打印，请记住屏幕上的号码",
        "en": "The ticket could not be printed. Please note the number on the screen.",
    },
    "wait_for_call": {
        "zh": "请在等候区稍候，留意叫号",
        "en": "Please wait in the waiting area and listen for your number.",
    },
}


def chinese_number(n: int) -> str:
    """Read ``n`` (0–9999) as a Chinese numeral: 10 → 十, 12 → 十二, 110 → 一百一十, 1001 → 一千零一.

    Always 二, never 两: halls announce 二号窗口, and a single rule keeps the reading predictable.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"expected an int, got {type(n).__name__}")
    if not 0 <= n <= 9999:
        raise ValueError(f"{n} is outside 0..9999")
    if n == 0:
        return ZH_DIGITS[0]
    if 10 <= n <= 19:
        # 十, 十一 … 十九: the leading 一 is dropped only at the top of the number.
        return "十" + (ZH_DIGITS[n - 10] if n > 10 else "")
    text = ""
    need_zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = (n // value) % 10
        if digit == 0:
            if text:
                need_zero = True
            continue
        if need_zero:
            text += ZH_DIGITS[0]
            need_zero = False
        text += ZH_DIGITS[digit] + unit
    return text


def digits_zh(digits: str) -> str:
    """Read a string of ASCII digits one by one: ``"012"`` → ``"零一二"``."""
    if not digits.isascii() or not digits.isdigit():
        raise ValueError(f"{digits!r} is not a string of digits")
    return "".join(ZH_DIGITS[int(d)] for d in digits)


def normalize_ticket_number(number: str) -> str:
    """The canonical form of a ticket number: NFKC (full-width → ASCII), stripped, upper case.

    Raises ValueError for anything but letters and digits: a call must never be announced with
    a number the screens would show differently.
    """
    if not isinstance(number, str):
        raise TypeError(f"ticket number must be a str, got {type(number).__name__}")
    canonical = unicodedata.normalize("NFKC", number).strip().upper()
    if not canonical or len(canonical) > MAX_TICKET_LENGTH or not _TICKET_RE.match(canonical):
        raise ValueError(
            f"ticket number {number!r} must be 1..{MAX_TICKET_LENGTH} Latin letters and digits"
        )
    return canonical


def _check_counter(counter: int) -> int:
    if isinstance(counter, bool) or not isinstance(counter, int):
        raise TypeError(f"counter must be an int, got {type(counter).__name__}")
    if not 1 <= counter <= MAX_COUNTER:
        raise ValueError(f"counter {counter} is outside 1..{MAX_COUNTER}")
    return counter


def ticket_zh(number: str) -> str:
    """The spoken form of a ticket number for the Mandarin voice: ``"A012"`` → ``"A零一二"``.

    Letter runs are spaced (``"VIP7"`` → ``"V I P七"``) so each letter gets its name.
    """
    canonical = normalize_ticket_number(number)
    spoken = []
    for run in _RUN_RE.findall(canonical):
        spoken.append(" ".join(run) if run.isalpha() else digits_zh(run))
    return "".join(spoken)


def ticket_en(number: str) -> str:
    """The spoken form of a ticket number for the English voice: ``"A012"`` → ``"A0 1 2"``.

    A letter glued to the following digit is read as the letter name; alone, ``A`` would be
    the article. Letter runs are hyphenated so they are spelled, not read as a word.
    """
    canonical = normalize_ticket_number(number)
    spoken = ""
    previous_alpha = False
    for run in _RUN_RE.findall(canonical):
        if run.isalpha():
            piece = "-".join(run)
            spoken += (" " if spoken else "") + piece
            previous_alpha = True
        else:
            piece = " ".join(run)
            spoken += piece if previous_alpha or not spoken else " " + piece
            previous_alpha = False
    return spoken


def call_phrase(number: str, counter: int, lang: Lang = "zh") -> str:
    """The call announcement: ``call_phrase("A012", 3)`` → ``"请A零一二号到三号窗口办理"``."""
    _check_counter(counter)
    if lang == "zh":
        return f"请{ticket_zh(number)}号到{chinese_number(counter)}号窗口办理"
    if lang == "en":
        return f"Number {ticket_en(number)}, please go to window {counter}."
    raise ValueError(f"unsupported language {lang!r} (zh, en)")


def evaluation_phrase(lang: Lang = "zh") -> str:
    """The prompt played when the counter asks the customer to rate the service."""
    return _lookup(EVALUATION_PROMPT, lang)


def evaluation_thanks_phrase(lang: Lang = "zh") -> str:
    """Played after the customer pressed an evaluator key."""
    return _lookup(EVALUATION_THANKS, lang)


def guidance_phrase(key: str, lang: Lang = "zh") -> str:
    """A stock guidance sentence by key (see :data:`GUIDANCE`)."""
    try:
        texts = GUIDANCE[key]
    except KeyError:
        raise KeyError(
            f"no guidance phrase {key!r}; known: {', '.join(sorted(GUIDANCE))}"
        ) from None
    return _lookup(texts, lang)


def speakable_text(text: str, lang: Lang = "zh") -> str:
    """Prepare any text (kiosk voice guidance, notices) for the voice.

    NFKC (full-width letters and digits become ASCII), whitespace collapsed. For Mandarin,
    capital runs are spaced (``IC卡`` → ``I C卡``: otherwise read as an English word) and digit
    runs of five or more (account numbers, the 95598 hotline) are read digit by digit;
    shorter numbers stay quantities (``100元`` → 一百元).
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"unsupported language {lang!r} (zh, en)")
    cleaned = _SPACE_RE.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    if not cleaned:
        raise ValueError("nothing to say: the text is empty")
    if lang == "zh":
        cleaned = _LETTER_RUN_RE.sub(lambda m: " ".join(m.group(0)), cleaned)
        cleaned = _LONG_DIGIT_RUN_RE.sub(lambda m: digits_zh(m.group(0)), cleaned)
    return cleaned


def _lookup(texts: dict[Lang, str], lang: Lang) -> str:
    try:
        return texts[lang]
    except KeyError:
        raise ValueError(f"unsupported language {lang!r} (zh, en)") from None
