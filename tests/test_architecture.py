"""The layering of DESIGN.md, checked on the source: Qt only in ui/, a pure queue core,
drivers that never import upward."""

from __future__ import annotations

import ast
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
