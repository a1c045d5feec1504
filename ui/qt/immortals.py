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
:mod:`ui.qt` is imported (so before any Qt call of the project) and again from the UIs'
periodic timers; it costs a comparison. Adding references to objects that are never freed
anyway is harmless.

The top-up writes ``ob_refcnt`` through ``ctypes``, which is only right where that field is
the first of the object: on CPython without ``Py_TRACE_REFS``. Before writing, the field is
read and compared with :func:`sys.getrefcount`; on an interpreter where they disagree (a
debug build, another implementation) nothing is written and the guard is not in place.

**At start-up each UI calls** :func:`require_reference_guard`, **which refuses to start
when the guard is not effective** (a critical line in the journal naming the cause, exit
status :data:`EXIT_UNGUARDED`). Why a refusal rather than a warning on the screen: without the guard the process does not fail at start-up but hours later, at
an unpredictable moment — in the middle of a customer taking a ticket or of a counter's
call — and the abort leaves only "deallocating None" in the journal, with nothing that
points here. Refusing moves that failure to the moment the box is installed or upgraded,
when a technician is looking, and says exactly what is wrong. A warning screen would keep a
UI running that is known to crash; the hall daemon, the pads and the window screens keep
the queue moving meanwhile.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger("ui.qt")

RESERVE = 1 << 40
LOW_WATER = 1 << 39
AFFECTED = sys.version_info < (3, 12)
#: The exit status of a UI that refused to start without the guard (EX_SOFTWARE).
EXIT_UNGUARDED = 70
#: How far the raw field may drift from ``sys.getrefcount`` between the two reads.
_READ_TOLERANCE = 1024
_GUARDED = (None, True, False)


def _refcount_field(obj: object) -> ctypes.c_ssize_t | None:
    """The object's ``ob_refcnt`` as a writable ctypes view, or None when this interpreter
    does not lay objects out as the guard expects."""
    if sys.implementation.name != "cpython":
        return None
    field = ctypes.c_ssize_t.from_address(id(obj))
    # getrefcount counts its own argument once more than the field holds.
    if abs(field.value - (sys.getrefcount(obj) - 1)) > _READ_TOLERANCE:
        return None
    return field


def keep_immortal() -> None:
    """Top up the reference counts of None, True and False when they run low."""
    if not AFFECTED:
        return
    for obj in _GUARDED:
        if sys.getrefcount(obj) < LOW_WATER:
            field = _refcount_field(obj)
            if field is not None:
                field.value += RESERVE


def reference_guard_problem() -> str | None:
    """Why the guard is not protecting this process, or None when it is (or need not).

    Tops up first, then checks that each guarded object holds at least :data:`LOW_WATER`
    references — the margin a day's void Qt calls cannot use up.
    """
    if not AFFECTED:
        return None
    keep_immortal()
    if sys.implementation.name != "cpython":
        return f"the interpreter is {sys.implementation.name}, the guard knows only CPython"
    for obj in _GUARDED:
        count = sys.getrefcount(obj)
        if count < LOW_WATER:
            return (
                f"{obj!r} holds {count} references after the top-up, under {LOW_WATER}: this "
                "build does not keep the reference count in the object's first field"
            )
    return None


def require_reference_guard(ui_name: str) -> None:
    """Refuse to start the UI ``ui_name`` when the guard is not effective (see the module's
    docstring for why a refusal); on Python 3.12 and later this always passes."""
    problem = reference_guard_problem()
    if problem is None:
        return
    message = (
        f"kiosk {ui_name}: 拒绝启动，PySide6 引用计数保护未生效 refusing to start, the guard "
        f"against PySide6's lost references to None is not in place: {problem}. Without it "
        "the UI aborts with 'deallocating None' within hours; run it on a release build of "
        "CPython 3.11, or on 3.12 or later."
    )
    # To the journal; with no logging set up, logging's last resort writes it to stderr.
    log.critical("%s", message)
    raise SystemExit(EXIT_UNGUARDED)


def main() -> int:
    """Whether the guard takes on this interpreter, for ``kiosk doctor`` (which runs
    ``main()`` on the UIs' interpreter): exit 0, or :data:`EXIT_UNGUARDED` with the
    reason."""
    problem = reference_guard_problem()
    if problem is not None:
        print(problem)
        return EXIT_UNGUARDED
    print(
        "in place (CPython 3.11: None, True and False cannot run out of references)"
        if AFFECTED
        else f"not needed (Python {sys.version_info.major}.{sys.version_info.minor}: None is immortal)"
    )
    return 0
