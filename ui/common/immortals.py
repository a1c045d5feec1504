"""A guard against a reference-count bug of PySide6 6.12 on CPython 3.11.

Measured here (PySide6-Essentials 6.12.0, CPython 3.11): every call of a Qt method that
returns nothing — ``QLabel.setText``, ``QWidget.show``, ``update``, ``QTimer.start``,
``QCoreApplication.processEvents``… — drops one reference to ``None`` (−1 per call; methods
returning a value are fine). From CPython 3.12 ``None`` is immortal and nothing happens;
on 3.11 its count reaches zero after a few hundred thousand such calls — a lobby screen
makes that many in a day of queue updates — and the interpreter aborts with "Fatal Python
error: none_dealloc: deallocating None".

Until PySide6 is fixed, the UIs give ``None`` (and ``True``/``False``, for safety) what
3.12 gives them: a reference count too large to run out. :func:`keep_immortal` runs when
:mod:`ui.common` is imported and again from the UIs' periodic timers; it costs a
comparison. Adding references to objects that are never freed anyway is harmless.
"""

from __future__ import annotations

import ctypes
import sys

RESERVE = 1 << 40
LOW_WATER = 1 << 39
AFFECTED = sys.version_info < (3, 12)


def keep_immortal() -> None:
    """Top up the reference counts of None, True and False when they run low."""
    if not AFFECTED:
        return
    for obj in (None, True, False):
        if sys.getrefcount(obj) < LOW_WATER:
            # ob_refcnt is the first field of every CPython object.
            ctypes.c_ssize_t.from_address(id(obj)).value += RESERVE
