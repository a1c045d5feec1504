"""QtTest, for the tests and the benches (see :mod:`ui.qt`)."""

from PySide6.QtTest import QTest

__all__ = ["QTest"]
