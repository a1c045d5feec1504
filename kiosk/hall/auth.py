"""Staff PINs: salted, slow hashes in the config, checked at the soft caller's login.

A PIN is short (4-8 digits), so the hash alone cannot protect it against someone holding the
config file; what it does is keep PINs out of plain sight in a file technicians copy around.
The real protection is the lockout after failed tries (see :mod:`kiosk.api.routes.counter`).
Format: ``pbkdf2-sha256$<iterations>$<salt, hex>$<hash, hex>`` (the lobby's admin PIN uses
the same); make one with ``kiosk config hash-pin``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

SCHEME = "pbkdf2-sha256"
ITERATIONS = 100_000
PIN_RE = re.compile(r"^\d{4,8}$")
STAFF_NUMBER_RE = re.compile(r"^\d{3,8}$")


class BadPinHash(ValueError):
    """A ``pin_hash`` setting that is not in the expected format."""


def hash_pin(pin: str, *, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    if not PIN_RE.match(pin):
        raise ValueError("a PIN is 4 to 8 digits")
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("ascii"), salt, iterations)
    return f"{SCHEME}${iterations}${salt.hex()}${digest.hex()}"


def parse_pin_hash(value: str) -> tuple[int, bytes, bytes]:
    """(iterations, salt, digest) of a stored hash; :class:`BadPinHash` when malformed."""
    parts = value.split("$")
    if len(parts) != 4 or parts[0] != SCHEME:
        raise BadPinHash(f"expected {SCHEME}$<iterations>$<salt>$<hash> (kiosk config hash-pin)")
    try:
        iterations = int(parts[1])
        salt = bytes.fromhex(parts[2])
        digest = bytes.fromhex(parts[3])
    except ValueError:
        raise BadPinHash("the iterations, salt or hash part is not readable") from None
    if iterations < 10_000 or len(salt) < 8 or len(digest) != 32:
        raise BadPinHash("too few iterations, too short a salt or a wrong hash length")
    return iterations, salt, digest


def verify_pin(pin: str, stored: str) -> bool:
    """True when ``pin`` matches ``stored``. Constant time in the comparison."""
    try:
        iterations, salt, digest = parse_pin_hash(stored)
    except BadPinHash:
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, iterations)
    return hmac.compare_digest(candidate, digest)
