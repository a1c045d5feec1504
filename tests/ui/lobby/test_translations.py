"""Every lobby string has its English, and the compiled translation is the one committed."""

from __future__ import annotations

import ast
import importlib.util
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
TS = ROOT / "assets" / "translations" / "lobby_en.ts"
QM = TS.with_suffix(".qm")


def tool():
    spec = importlib.util.spec_from_file_location(
        "translations_lobby", ROOT / "scripts" / "translations_lobby.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sources(ts: Path) -> set[str]:
    return {m.findtext("source") for m in ET.parse(ts).iter("message")}


def test_every_string_of_the_code_is_in_the_english_file_and_translated(tmp_path):
    fresh = tmp_path / "lobby_en.ts"
    shutil.copy(TS, fresh)
    t = tool()
    t.lupdate(fresh)  # what the code says now
    assert sources(fresh) == sources(TS), "run scripts/translations_lobby.py"
    assert t.unfinished(fresh) == []


def test_strings_of_every_module_under_ui_lobby_are_in_the_english_file():
    """Independent of lupdate's file list: a screen in a sub-package (``screens/``) that the
    tool was not given would lose its English."""
    in_code = set()
    for path in (ROOT / "ui" / "lobby").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "translate"
                and getattr(node.func.value, "id", "") == "QCoreApplication"
            ):
                in_code.add(node.args[1].value)
    assert in_code == sources(TS)


def test_the_compiled_qm_is_up_to_date(tmp_path):
    qm = tmp_path / "lobby_en.qm"
    tool().lrelease(TS, qm)
    assert qm.read_bytes() == QM.read_bytes(), "run scripts/translations_lobby.py"


def test_placeholders_survive_translation():
    for m in ET.parse(TS).iter("message"):
        source = m.findtext("source")
        tr = m.find("translation")
        forms = [f.text for f in tr.findall("numerusform")] or [tr.text]
        for text in forms:
            for ph in ("%1", "%2", "%3", "%n"):
                assert (ph in source) == (ph in text), (source, text)


def test_strings_go_through_one_context_lupdate_understands():
    """``self.tr()`` would be looked up under the runtime class name and extracted under
    another: the lobby uses ``QCoreApplication.translate("Lobby", …)`` only."""
    for path in (ROOT / "ui" / "lobby").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr == "tr":
                    raise AssertionError(
                        f"{path.name}:{node.lineno}: use QCoreApplication.translate"
                    )
                if (
                    node.func.attr == "translate"
                    and getattr(node.func.value, "id", "") == "QCoreApplication"
                ):
                    assert isinstance(node.args[0], ast.Constant) and node.args[0].value == "Lobby"
                    assert isinstance(node.args[1], ast.Constant), f"{path.name}:{node.lineno}"


def test_no_comment_is_mistaken_for_a_note_to_translators():
    """lupdate files a ``#:`` comment as a note on the next string it meets."""
    for path in (ROOT / "ui" / "lobby").rglob("*.py"):
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            assert not line.lstrip().startswith("#:"), f"{path.name}:{no}"
