"""The only door to Qt: every PySide6 name the UIs, tests, scripts and benches use comes
from here (the qutebrowser pattern: ``qutebrowser/qt/``).

- :mod:`ui.qt.core` — QtCore (``QObject``, ``Signal``, ``Slot``, ``QTimer``, ``Qt``…)
- :mod:`ui.qt.gui` — QtGui (painting, fonts, events, ``QGuiApplication``)
- :mod:`ui.qt.widgets` — QtWidgets
- :mod:`ui.qt.test` — QtTest (``QTest``), for the tests and the benches
- :mod:`ui.qt.immortals` — the guard against PySide6 6.12's lost references to ``None``

Why one door: a single place to apply the reference guard before the first Qt call, to see
which Qt names the code depends on (an upgrade or a move to another binding touches these
files only), and to keep Qt out of ``kiosk/`` and ``drivers/``. ``tests/test_architecture.py``
fails if ``PySide6`` or ``shiboken6`` is imported anywhere else.

Importing any of these modules imports this package first, which tops up the reference
counts of ``None``/``True``/``False`` (:func:`ui.qt.immortals.keep_immortal`); each UI's
start-up then checks the guard took (:func:`ui.qt.immortals.require_reference_guard`).
"""

from ui.qt.immortals import keep_immortal

keep_immortal()
