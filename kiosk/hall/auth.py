"""PINs and lockouts: one scheme for every PIN in the hall, one guard for every login.

**PINs.** Staff log in at the soft caller (and, later, the console) with their staff number
and a PIN; the lobby's admin panel opens with its own PIN. Both are stored in the config as
``pbkdf2-sha256$<iterations>$<salt, hex>$<hash, hex>`` (made by ``kiosk config hash-pin``,
the one command for it), 4 to 12 digits, 120,000 iterations for a new hash. Hashes made
with fewer iterations by earlier versions (100,000 for staff) still verify: the count is part
of the stored string. A PIN is short, so the hash cannot protect it against someone holding
the config file; it keeps PINs out of plain sight in a file technicians copy around. The real
protection is the lockout.

**Lockout.** :class:`LockoutGuard` counts wrong PINs per key (a staff number, a device's
token name, the admin panel of one kiosk) on the hall's clock, locks a key for a while after
``max_failures`` in a row, and keeps a bounded table (the least recently failed keys are
forgotten first, so nobody can grow it without limit by trying made-up numbers). A login
checks an unknown staff number against a dummy hash, so a wrong PIN takes as long for a
number that does not exist as for one that does.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.queue.errors import QueueError

SCHEME = "pbkdf2-sha256"
ITERATIONS = 120_000
MIN_ITERATIONS = 1_000  # what verification accepts (tests make cheap hashes)
PIN_RE = re.compile(r"^\d{4,12}$")
PIN_HASH_RE = re.compile(r"^pbkdf2-sha256\$\d{4,7}\$[0-9a-f]{16,64}\$[0-9a-f]{64}$")
STAFF_NUMBER_RE = re.compile(r"^\d{3,8}$")
GUARD_CAPACITY = 4096


class BadPinHash(ValueError):
    """A ``pin_hash`` setting that is not in the expected format."""


def hash_pin(pin: str, *, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    """The stored form of a PIN of 4 to 12 digits."""
    if not PIN_RE.match(pin):
        raise ValueError("a PIN is 4 to 12 digits")
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
    if iterations < MIN_ITERATIONS or len(salt) < 8 or len(digest) != 32:
        raise BadPinHash("too few iterations, too short a salt or a wrong hash length")
    return iterations, salt, digest


# Verified when a staff number is unknown, so that the answer takes as long as for a real one.
_DUMMY_HASH = hash_pin("000000", salt=b"\x00" * 16)


def verify_pin(pin: str, stored: str | None) -> bool:
    """True when ``pin`` matches ``stored``; with ``stored`` None (unknown staff member) the
    same work is done against a dummy hash and the answer is False."""
    try:
        iterations, salt, digest = parse_pin_hash(stored if stored is not None else _DUMMY_HASH)
    except BadPinHash:
        iterations, salt, digest = parse_pin_hash(_DUMMY_HASH)
        stored = None
    candidate = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, iterations)
    return hmac.compare_digest(candidate, digest) and stored is not None


# ------------------------------------------------------------------------------ refusals


class LoginFailed(QueueError):
    code = "login_failed"
    http_status = 403


class LoginLocked(QueueError):
    code = "login_locked"
    http_status = 429

    def __init__(self, template: str, *, retry_after_s: int, **params: object) -> None:
        super().__init__(template, **params)
        self.retry_after_s = retry_after_s


class StaffNotAllowed(QueueError):
    code = "staff_not_allowed"
    http_status = 403


# ------------------------------------------------------------------------------- lockout


@dataclass
class _Failures:
    count: int = 0
    locked_until: datetime | None = None


class LockoutGuard:
    """Wrong-PIN counting with a lock after ``max_failures`` in a row, per key, on the hall's
    clock. Thread-safe; at most ``capacity`` keys are remembered."""

    def __init__(
        self,
        now: Callable[[], datetime],
        *,
        max_failures: int,
        lockout: timedelta,
        capacity: int = GUARD_CAPACITY,
    ) -> None:
        self._now = now
        self.max_failures = max_failures
        self.lockout = lockout
        self.capacity = capacity
        self._lock = threading.Lock()
        self._failures: OrderedDict[str, _Failures] = OrderedDict()

    def locked_for(self, key: str) -> timedelta | None:
        """How long ``key`` stays locked, or None when it may try."""
        with self._lock:
            f = self._failures.get(key)
            if f is None or f.locked_until is None:
                return None
            left = f.locked_until - self._now()
            if left <= timedelta(0):
                del self._failures[key]
                return None
            return left

    def failed(self, key: str) -> int:
        """Count a wrong PIN; the tries left before the lock (0: locked now)."""
        with self._lock:
            f = self._failures.pop(key, None) or _Failures()
            self._failures[key] = f  # most recent last
            while len(self._failures) > self.capacity:
                self._failures.popitem(last=False)
            f.count += 1
            if f.count >= self.max_failures:
                f.locked_until = self._now() + self.lockout
                return 0
            return self.max_failures - f.count

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def __len__(self) -> int:
        return len(self._failures)


def minutes_left(left: timedelta) -> int:
    """Whole minutes, rounded up, for "try again in N minutes"."""
    return max(1, -(-int(left.total_seconds()) // 60))
