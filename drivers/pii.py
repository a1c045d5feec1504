"""Personal information helpers shared by the drivers and the hall (PIPL).

One place for the GB 11643 check digit and for the masked forms that staff and customers may
see (``4401**********1234``, ``张*``, ``31******0001``); the hall's keyed hash lives in
:mod:`kiosk.privacy`, which builds on this module.
"""

from __future__ import annotations

import re
from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_PATTERN = re.compile(r"[0-9]{17}[0-9X]")


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of an ID number."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError("an ID number check digit needs exactly 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_valid_id_number(number: str) -> bool:
    """True for an 18-character number whose check character is right (birth date unchecked)."""
    return bool(_ID_PATTERN.fullmatch(number)) and id_check_digit(number[:17]) == number[17]


def birth_date_of(number: str) -> date:
    """The birth date written in digits 7-14 of an ID number; ValueError if it is no date."""
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def age_on(birth: date, on: date) -> int:
    """Full years on ``on`` (a 29 February birthday counts from 1 March in common years)."""
    return on.year - birth.year - int((on.month, on.day) < (birth.month, birth.day))


def mask_middle(text: str, keep_start: int = 4, keep_end: int = 4) -> str:
    """``4401**********1234``: the ends kept, every other character a ``*``."""
    if len(text) <= keep_start + keep_end:
        return "*" * len(text)
    return text[:keep_start] + "*" * (len(text) - keep_start - keep_end) + text[-keep_end:]


def mask_name(name: str) -> str:
    """``张三`` → ``张*``."""
    name = name.strip()
    if len(name) <= 1:
        return "*" * len(name)
    return name[0] + "*" * (len(name) - 1)


def mask_account(account: str) -> str:
    """``0123456789`` → ``01****6789``: enough for the customer to recognise, not to reuse."""
    account = account.strip()
    if len(account) <= 4:
        return "*" * len(account)
    return mask_middle(account, 2 if len(account) >= 8 else 0, 4)
