"""The layering of DESIGN.md, checked on the source: Qt only in ui/, a pure queue core,
drivers that never import upward."""

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


def test_qt_is_imported_only_in_ui():
    offenders = [
        str(p.relative_to(ROOT))
        for p in sources("kiosk", "drivers")
        if any(m.split(".")[0] in ("PySide6", "shiboken6") for m in imports_of(p))
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
