"""QtWidgets, the names the project uses (see :mod:`ui.qt`)."""

from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QButtonGroup,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

__all__ = [
    "QApplication",
    "QBoxLayout",
    "QButtonGroup",
    "QComboBox",
    "QFrame",
    "QGridLayout",
    "QHBoxLayout",
    "QLabel",
    "QLayout",
    "QLineEdit",
    "QPushButton",
    "QRadioButton",
    "QSizePolicy",
    "QStackedWidget",
    "QVBoxLayout",
    "QWidget",
]
