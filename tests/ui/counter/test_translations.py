"""Every string of the soft caller and the hall display has its English, the placeholders
survive, and the compiled translations are the ones committed."""

from __future__ import annotations

import ast
import importlib.util
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DOMAINS = ("counter", "display")


def tool():
    spec = importlib.util.spec_from_file_location(
        "translations_counter", ROOT / "scripts" / "translations_counter.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sources(ts: Path) -> set[str]:
    return {m.findtext("source") for m in ET.parse(ts).iter("message")}


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_string_of_the_code_is_in_the_english_file_and_translated(domain, tmp_path):
    t = tool()
    committed = t.ts_path(domain)
    fresh = tmp_path / committed.name
    shutil.copy(committed, fresh)
    t.lupdate(domain, fresh)  # what the code says now
    assert sources(fresh) == sources(committed), "run scripts/translations_counter.py"
    assert t.unfinished(fresh) == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_compiled_qm_is_up_to_date(domain, tmp_path):
    t = tool()
    ts = t.ts_path(domain)
    qm = tmp_path / "out.qm"
    t.lrelease(ts, qm)
    assert qm.read_bytes() == ts.with_suffix(".qm").read_bytes(), "run the script"


@pytest.mark.parametrize("domain", DOMAINS)
def test_placeholders_survive_translation(domain):
    for m in ET.parse(tool().ts_path(domain)).iter("message"):
        source, text = m.findtext("source") or "", m.findtext("translation") or ""
        assert sorted(re.findall(r"\{\w*\}", source)) == sorted(re.findall(r"\{\w*\}", text))


@pytest.mark.parametrize(("domain", "context"), [("counter", "Counter"), ("display", "Display")])
def test_strings_go_through_one_context_lupdate_understands(domain, context):
    for path in (ROOT / "ui" / domain).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            assert name != "tr", f"{path.name}:{node.lineno}: use QCoreApplication.translate"
            owner = getattr(getattr(func, "value", None), "id", "")
            if name == "translate" and owner == "QCoreApplication":
                assert isinstance(node.args[0], ast.Constant), f"{path.name}:{node.lineno}"
                assert node.args[0].value == context, f"{path.name}:{node.lineno}"
                assert isinstance(node.args[1], ast.Constant), f"{path.name}:{node.lineno}"


def test_the_english_soft_caller_speaks_english(qtbot):
    from ui.common.i18n import Languages
    from ui.qt.core import QCoreApplication

    languages = Languages("counter")
    languages.set_language("en")
    try:
        assert QCoreApplication.translate("Counter", "呼叫下一位") == "Call next"
        assert languages.current == "en"
    finally:
        languages.uninstall()
    assert QCoreApplication.translate("Counter", "呼叫下一位") == "呼叫下一位"
