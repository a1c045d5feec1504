"""The layering of DESIGN.md and docs/architecture.md, checked on the source: Qt only in ui/
and only through ui/qt/, a pure queue core, drivers that never import upward, the whole "may
import" table, and the hall service as the one way to the queue and the store."""

from __future__ import annotations

import ast
import fnmatch
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _is_module(dotted: str) -> bool:
    base = ROOT.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imports_of(path: Path) -> set[str]:
    """Modules imported; ``from pkg import mod`` counts as ``pkg.mod`` when mod is a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            subs = {f"{node.module}.{a.name}" for a in node.names}
            modules = {m for m in subs if _is_module(m)}
            out |= modules
            if len(modules) < len(subs):
                out.add(node.module)
    return out


def sources(*dirs: str) -> list[Path]:
    return [p for d in dirs for p in sorted((ROOT / d).rglob("*.py"))]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


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


# SQL against the hall's event log (its tables: events, ticket_numbers, ticket_personal,
# meta; its schema version) belongs in kiosk/store/ only; everyone else reads through
# kiosk.store.reader. kiosk/central/ has its own store (its own `events` table).
EVENT_LOG_SQL = re.compile(
    r"\b(?:FROM|INTO|UPDATE|JOIN|TABLE)\s+[\[\"`]?(?:events|ticket_numbers|ticket_personal|meta)\b"
    r"|\bticket_numbers\b|\bticket_personal\b|\buser_version\b",
    re.IGNORECASE,
)
EVENT_LOG_OWNERS = ("kiosk/store/", "kiosk/central/")


def event_log_sql(source: str) -> list[str]:
    """The string literals of a module (docstrings left out) that look like SQL against the
    event log, f-strings included."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    inside_fstrings = {
        id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(
                v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "?"
                for v in node.values
            )
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in docstrings or id(node) in inside_fstrings:
                continue
            text = node.value
        else:
            continue
        if EVENT_LOG_SQL.search(text):
            found.append(f"line {node.lineno}: {text.strip()[:80]!r}")
    return found


def test_the_scan_for_event_log_sql_finds_it():
    assert event_log_sql('q = "SELECT MAX(seq) FROM events"')
    assert event_log_sql('c.execute(f"INSERT INTO [events] (type) VALUES ({x})")')
    assert event_log_sql('c.execute("PRAGMA user_version")')
    assert event_log_sql('q = "SELECT value FROM meta WHERE key = ?"')
    assert event_log_sql('q = "DELETE FROM ticket_personal"')
    assert not event_log_sql('def f():\n    """Figures computed from events."""\n')
    assert not event_log_sql('q = "SELECT value FROM state WHERE key = ?"')


def test_only_the_store_speaks_sql_to_the_event_log():
    offenders = {
        str(p.relative_to(ROOT)): found
        for p in sources("kiosk", "ui", "drivers")
        if not str(p.relative_to(ROOT)).startswith(EVENT_LOG_OWNERS)
        and (found := event_log_sql(p.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "read the event log through kiosk.store.reader instead"


# The "may import" table of docs/architecture.md: for each part (a module pattern, the
# most specific one wins), the project modules it may import (patterns). Standard library
# and third-party imports are not listed here; Qt has its own rule above.
MAY_IMPORT: dict[str, tuple[str, ...]] = {
    "kiosk.queue*": ("kiosk.queue*",),
    "kiosk.store*": ("kiosk.store*", "kiosk.queue*"),
    "kiosk": (),
    "kiosk.clock": (),
    "kiosk.i18n": (),
    "kiosk.client": (),
    "kiosk.privacy": ("drivers.pii",),
    "kiosk.config": ("kiosk.queue*", "kiosk.hall.auth"),
    "kiosk.bills*": ("kiosk.bills*", "kiosk.config", "kiosk.i18n", "kiosk.privacy", "kiosk.sync*"),
    "kiosk.sync*": ("kiosk.sync*", "kiosk.client", "kiosk.clock", "kiosk.config", "kiosk.store*"),
    "kiosk.hall*": (
        "kiosk.hall*",
        "kiosk.queue*",
        "kiosk.store*",
        "kiosk.config",
        "kiosk.clock",
        "kiosk.i18n",
        "kiosk.privacy",
        "kiosk.bills*",
        "kiosk.sync.fragment",
        "drivers",
        "drivers.*",
    ),
    # The composition root wires the API too.
    "kiosk.hall.root": (
        "kiosk.hall*",
        "kiosk.api",
        "kiosk.bills*",
        "kiosk.clock",
        "kiosk.config",
        "kiosk.store*",
    ),
    "kiosk.api*": (
        "kiosk",
        "kiosk.api*",
        "kiosk.hall.service",
        "kiosk.hall.views",
        "kiosk.hall.devices",
        "kiosk.hall.bus",
        "kiosk.bills.source",
        "kiosk.config",
        "kiosk.i18n",
        "kiosk.privacy",
        "kiosk.queue.errors",
        "kiosk.store",
        "drivers.printer",
        "drivers.voice.phrases",
    ),
    "kiosk.central*": (
        "kiosk",
        "kiosk.central*",
        "kiosk.clock",
        "kiosk.api.server",
        "kiosk.api.models",
        "kiosk.bills.tariff",
        "kiosk.bills.source",
        "kiosk.config",
        "kiosk.i18n",
        "kiosk.privacy",
        "kiosk.queue*",
        "kiosk.sync*",
    ),
    "kiosk.ops*": (
        "kiosk.ops*",
        "kiosk.client",
        "kiosk.config",
        "kiosk.hall.root",
        "kiosk.hall.service",
        "kiosk.store*",
        "kiosk.sync*",
        "drivers",
        "drivers.*",
    ),
    "kiosk.demo*": ("kiosk*", "drivers", "drivers.*"),
    "kiosk.cli*": ("kiosk*", "drivers", "drivers.*", "ui.*"),
    "drivers*": ("drivers*",),
    "ui*": ("ui*", "kiosk.client", "kiosk.config", "drivers.pii", "drivers.voice"),
    "ui.tools*": ("ui*", "kiosk*", "drivers*"),
}


def rule_for(module: str) -> tuple[str, tuple[str, ...]]:
    matches = [p for p in MAY_IMPORT if fnmatch.fnmatchcase(module, p)]
    assert matches, f"{module} is in no row of the may-import table"
    best = max(matches, key=lambda p: (len(p.rstrip("*")), not p.endswith("*")))
    return best, MAY_IMPORT[best]


def test_every_module_imports_only_what_its_row_of_the_table_allows():
    offenders = []
    for p in sources("kiosk", "drivers", "ui"):
        module = module_name(p)
        row, allowed = rule_for(module)
        for imported in sorted(imports_of(p)):
            if imported.split(".")[0] not in ("kiosk", "drivers", "ui"):
                continue
            if not any(fnmatch.fnmatchcase(imported, a) for a in allowed):
                offenders.append(f"{module} ({row}) imports {imported}")
    assert offenders == []


def test_the_table_catches_a_forbidden_import(tmp_path):
    """The check itself: the queue core importing the store is caught."""
    row, allowed = rule_for("kiosk.queue.rules")
    assert row == "kiosk.queue*"
    assert not any(fnmatch.fnmatchcase("kiosk.store", a) for a in allowed)
    row, allowed = rule_for("kiosk.hall.root")
    assert any(fnmatch.fnmatchcase("kiosk.api", a) for a in allowed)
    row, allowed = rule_for("kiosk.hall.service")
    assert not any(fnmatch.fnmatchcase("kiosk.api", a) for a in allowed)


def _reaches_into_the_hall(tree: ast.AST) -> list[tuple[int, str]]:
    """``<…hall…>.queue`` / ``.store`` / ``._private``: the API going around the service."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        base = node.value
        base_is_hall = (isinstance(base, ast.Name) and base.id == "hall") or (
            isinstance(base, ast.Attribute) and base.attr == "hall"
        )
        if base_is_hall and (node.attr in ("queue", "store") or node.attr.startswith("_")):
            found.append((node.lineno, node.attr))
    return found


def test_the_api_reaches_the_queue_and_the_store_only_through_the_hall_service():
    offenders = []
    for p in sources("kiosk/api"):
        tree = ast.parse(p.read_text(encoding="utf-8"))
        offenders += [
            f"{p.relative_to(ROOT)}:{ln} .{attr}" for ln, attr in _reaches_into_the_hall(tree)
        ]
    assert offenders == []


def test_the_going_around_check_sees_what_it_must():
    code = "def f(ctx):\n    ctx.hall.queue.login(1)\n    hall.store.set_meta('a', 'b')\n"
    assert [a for _, a in _reaches_into_the_hall(ast.parse(code))] == ["queue", "store"]
