"""Update the English of the soft caller and the hall display: collect, then compile.

    .venv/bin/python scripts/translations_counter.py

1. ``pyside6-lupdate`` collects every ``QCoreApplication.translate("Counter", …)`` of
   ``ui/counter/`` into ``assets/translations/counter_en.ts`` and every ``"Display"`` one of
   ``ui/display/`` into ``display_en.ts`` (Chinese source text; new strings arrive as
   "unfinished", strings no longer used are dropped).
2. Translate the unfinished ones (Qt Linguist: ``.venv/bin/pyside6-linguist``, or by hand).
3. Run this again: ``pyside6-lrelease`` compiles the ``.qm`` files the UIs load.

``tests/ui/counter/test_translations.py`` fails while a string is untranslated, a
``{placeholder}`` is lost or a ``.qm`` is stale.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TRANSLATIONS = ROOT / "assets" / "translations"
#: domain → (translation context, source package)
DOMAINS = {
    "counter": ("Counter", ROOT / "ui" / "counter"),
    "display": ("Display", ROOT / "ui" / "display"),
}


def ts_path(domain: str) -> Path:
    return TRANSLATIONS / f"{domain}_en.ts"


def lupdate(domain: str, ts: Path) -> None:
    sources = sorted(str(p) for p in DOMAINS[domain][1].rglob("*.py"))
    subprocess.run(
        [
            str(BIN / "pyside6-lupdate"),
            *sources,
            "-source-language",
            "zh_CN",
            "-target-language",
            "en",
            "-no-obsolete",
            "-locations",
            "none",
            "-silent",
            "-ts",
            str(ts),
        ],
        check=True,
    )


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([str(BIN / "pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)


def unfinished(ts: Path) -> list[str]:
    out = []
    for msg in ET.parse(ts).iter("message"):
        tr = msg.find("translation")
        source = msg.findtext("source") or ""
        forms = tr.findall("numerusform") if tr is not None else []
        texts = [f.text for f in forms] if forms else [tr.text if tr is not None else None]
        if (
            tr is None
            or tr.get("type") in ("unfinished", "vanished", "obsolete")
            or not all((t or "").strip() for t in texts)
        ):
            out.append(source)
    return out


def main() -> int:
    todo_all = 0
    for domain in DOMAINS:
        ts = ts_path(domain)
        lupdate(domain, ts)
        lrelease(ts, ts.with_suffix(".qm"))
        todo = unfinished(ts)
        for source in todo:
            print(f"{domain}: untranslated: {source}")
        print(f"{ts.relative_to(ROOT)}: {len(todo)} untranslated; .qm compiled")
        todo_all += len(todo)
    return 1 if todo_all else 0


if __name__ == "__main__":
    sys.exit(main())
