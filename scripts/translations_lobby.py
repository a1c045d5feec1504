"""Update the lobby's English translation: collect the strings, then compile.

    .venv/bin/python scripts/translations_lobby.py

1. ``pyside6-lupdate`` collects every ``QCoreApplication.translate("Lobby", …)`` under
   ``ui/lobby/``, sub-packages included, into ``assets/translations/lobby_en.ts`` (Chinese
   source text; new strings arrive as "unfinished", strings no longer used are dropped:
   a module lupdate is not given loses its English).
2. Translate the unfinished ones (Qt Linguist: ``.venv/bin/pyside6-linguist``, or by hand).
3. Run this again: ``pyside6-lrelease`` compiles the ``.qm`` the kiosk loads.

``tests/ui/lobby/test_translations.py`` fails while a string is untranslated or the ``.qm``
is stale.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TS = ROOT / "assets" / "translations" / "lobby_en.ts"
QM = TS.with_suffix(".qm")


def lupdate(ts: Path) -> None:
    sources = sorted(str(p) for p in (ROOT / "ui" / "lobby").rglob("*.py"))
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
    import xml.etree.ElementTree as ET

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
    lupdate(TS)
    lrelease(TS, QM)
    todo = unfinished(TS)
    for source in todo:
        print(f"untranslated: {source}")
    print(f"{TS.relative_to(ROOT)}: {len(todo)} untranslated; {QM.relative_to(ROOT)} compiled")
    return 1 if todo else 0


if __name__ == "__main__":
    sys.exit(main())
