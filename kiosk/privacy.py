"""Personal information (PIPL): what the hall may keep, and in what form.

ID numbers and names are kept only as a keyed hash (to count repeat visits) and in masked
form for staff during the day (``4401**********1234``, ``张*``); the raw values are never
stored or logged. The hash key is per hall, so hashes cannot be joined across halls.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")


def id_check_digit(first17: str) -> str:
    """GB 11643 check character of the first 17 digits of a resident ID number."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def valid_id_number(number: str) -> bool:
    n = number.strip().upper()
    if not _ID_RE.match(n) or id_check_digit(n[:17]) != n[17]:
        return False
    try:
        birth_of(n)
    except ValueError:
        return False
    return True


def birth_of(number: str) -> date:
    """Birth date encoded in an 18-character ID number (digits 7-14)."""
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def mask_id(number: str) -> str:
    n = number.strip()
    return n[:4] + "*" * (len(n) - 8) + n[-4:] if len(n) > 8 else "*" * len(n)


def mask_name(name: str) -> str:
    n = name.strip()
    return n[:1] + "*" * (len(n) - 1) if n else ""


def mask_account(account: str) -> str:
    a = account.strip()
    return a[:2] + "*" * (len(a) - 6) + a[-4:] if len(a) > 6 else a


def keyed_hash(key: str, number: str) -> str:
    """HMAC-SHA256 of an ID number under the hall's key: counts repeat visits, reveals nothing."""
    return hmac.new(key.encode(), number.strip().upper().encode(), hashlib.sha256).hexdigest()[:32]


def new_hash_key() -> str:
    return secrets.token_hex(32)
