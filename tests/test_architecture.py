"""The layering of DESIGN.md, checked on the source: Qt only in ui/ and only through ui/qt/,
a pure queue core, drivers that never import upward."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


def sources(*dirs: str) -> list[Path]:
    return [p for d in dirs for p in sorted((ROOT / d).rglob("*.py"))]


QT_BINDINGS = ("PySide6", "shiboken6")
# Also a Qt import inside a string (a script run in a subprocess) or by name.
QT_IMPORT_TEXT = re.compile(
    r"\b(?:from|import)\s+(?:PySide6|shiboken6)\b|import_module\(\s*[\"'](?:PySide6|shiboken6)"
)


def imports_qt(path: Path) -> bool:
    """Whether a source file imports a Qt binding itself, in code or in code it runs."""
    if any(m.split(".")[0] in QT_BINDINGS for m in imports_of(path)):
        return True
    return QT_IMPORT_TEXT.search(path.read_text(encoding="utf-8")) is not None


def test_qt_is_imported_only_through_ui_qt():
    """``ui/qt/`` is the one door to PySide6 (it applies the reference guard first)."""
    offenders = [
        str(p.relative_to(ROOT))
        for p in sources("kiosk", "drivers", "ui", "tests", "scripts", "bench")
        if imports_qt(p)
        and not p.is_relative_to(ROOT / "ui" / "qt")
        and p != Path(__file__).resolve()  # its test cases below are Qt imports in strings
    ]
    assert offenders == []


def test_the_qt_check_sees_every_way_of_importing_qt(tmp_path):
    cases = {
        "plain.py": "import PySide6.QtCore\n",
        "from.py": "from shiboken6 import isValid\n",
        "nested.py": "def f():\n    from PySide6.QtWidgets import QLabel\n",
        "script.py": 'CODE = """\nfrom PySide6.QtWidgets import QApplication\n"""\n',
        "by_name.py": "import importlib\nimportlib.import_module('PySide6.QtGui')\n",
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert imports_qt(tmp_path / name), name
    (tmp_path / "clean.py").write_text(
        '"""Draws with PySide6 (through ui.qt)."""\nfrom ui.qt.core import Qt\n', encoding="utf-8"
    )
    assert not imports_qt(tmp_path / "clean.py")


def test_qt_stays_out_of_the_hall_and_the_drivers():
    """Not even through ``ui.qt``: the daemon and the drivers run on boxes without a screen."""
    offenders = [
        str(p.relative_to(ROOT))
        for p in sources("kiosk", "drivers")
        if any(m == "ui.qt" or m.startswith("ui.qt.") for m in imports_of(p))
    ]
    assert offenders == []


def test_the_queue_core_does_no_io():
    forbidden = {
        "sqlite3",
        "sqlite_utils",
        "socket",
        "serial",
        "threading",
        "subprocess",
        "httpx",
        "fastapi",
        "os",
        "time",
        "kiosk.store",
        "kiosk.api",
        "drivers",
    }
    for p in sources("kiosk/queue"):
        bad = {m for m in imports_of(p) if m in forbidden or m.split(".")[0] in forbidden}
        assert not bad, f"{p.relative_to(ROOT)} imports {bad}"


def test_drivers_never_import_upward():
    for p in sources("drivers"):
        bad = {m for m in imports_of(p) if m.split(".")[0] in ("ui", "kiosk")}
        assert not bad, f"{p.relative_to(ROOT)} imports {bad}"
