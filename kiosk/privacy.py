"""Personal information (PIPL): what the hall may keep, and in what form.

ID numbers and names are kept only as a keyed hash (to count repeat visits) and in masked
form for staff during the day (``4401**********1234``, ``张*``); the raw values are never
stored or logged. The hash key is per hall, so hashes cannot be joined across halls. The
check digit and the masked forms are shared with the drivers (:mod:`drivers.pii`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from drivers.pii import (
    age_on,
    birth_date_of,
    is_valid_id_number,
    mask_account,
    mask_middle,
    mask_name,
)

__all__ = [
    "age_on",
    "birth_date_of",
    "keyed_hash",
    "mask_account",
    "mask_id",
    "mask_name",
    "new_hash_key",
    "valid_id_number",
]


def valid_id_number(number: str) -> bool:
    """Check digit right and the birth date in it a real date."""
    if not is_valid_id_number(number):
        return False
    try:
        birth_date_of(number)
    except ValueError:
        return False
    return True


def mask_id(number: str) -> str:
    return mask_middle(number.strip())


def keyed_hash(key: str, number: str) -> str:
    """HMAC-SHA256 of an ID number under the hall's key: counts repeat visits, reveals nothing."""
    return hmac.new(key.encode(), number.strip().upper().encode(), hashlib.sha256).hexdigest()[:32]


def new_hash_key() -> str:
    return secrets.token_hex(32)
