"""QtCore, the names the project uses (see :mod:`ui.qt`)."""

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QEventLoop,
    QLocale,
    QObject,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QThread,
    QTimer,
    QTranslator,
    Signal,
    Slot,
)

__all__ = [
    "QCoreApplication",
    "QEvent",
    "QEventLoop",
    "QLocale",
    "QObject",
    "QPoint",
    "QPointF",
    "QRect",
    "QRectF",
    "QSize",
    "QThread",
    "QTimer",
    "QTranslator",
    "Qt",
    "Signal",
    "Slot",
]
