"""Screenshots of every lobby screen, from the real widgets against a real hall daemon.

    QT_QPA_PLATFORM=offscreen .venv/bin/python ui/tools/screenshots_lobby.py [--only bill]

For each orientation (portrait 1080×1920, landscape 1920×1080) and each look (Chinese,
English, each also in large-type mode) a fresh hall daemon starts on loopback with the
printer, ID-card and hall-bus simulators on ptys; the lobby's own window is driven to every
screen the way a customer would get there (taps, an ID card on the simulated reader, a
printer out of paper), and grabbed to ``docs/screenshots/lobby/<orientation>/<look>/``.
Nothing is mocked: a screenshot shows what a customer sees.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.helpers.lobby import (  # noqa: E402
    STAGES,
    LobbyHarness,
    layout_problems,
    spin_until,
)
from ui.common.touch import min_target_px  # noqa: E402
from ui.qt.core import QEventLoop  # noqa: E402
from ui.qt.gui import QImage  # noqa: E402
from ui.qt.widgets import QApplication  # noqa: E402

OUT = ROOT / "docs" / "screenshots" / "lobby"
ORIENTATIONS = {"portrait": (1080, 1920), "landscape": (1920, 1080)}
LOOKS = {
    "zh": ("zh_CN", False),
    "en": ("en", False),
    "zh-large": ("zh_CN", True),
    "en-large": ("en", True),
}


def settle(seconds: float = 0.15) -> None:
    """Let posted events and repaints happen (an instance's processEvents: see spin_until)."""
    loop = QEventLoop()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        loop.processEvents()
        time.sleep(0.005)


def save(image: QImage, path: Path) -> None:
    """PNG, reduced to a 256-colour palette when Pillow is there (python-escpos brings it):
    a third of the size, no visible difference on flat screens like these."""
    image.save(str(path))  # PNG, from the suffix
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def populate(h: LobbyHarness) -> None:
    """A morning's queue: people waiting, counters busy, one outage notice."""
    assert h.api is not None
    for service, n in (("A", 6), ("B", 2), ("C", 1), ("D", 3), ("E", 2)):
        for _ in range(n):
            h.api.issue(service)
    for counter in (1, 2, 3):
        h.api.counter(counter, "call-next")
    h.set_notices(("n1", "11月25日 9:00-17:00 天河路、体育西路部分路段计划停电检修"))
    spin_until(lambda: bool(h.window.home.notices.text))


def shoot(orientation: str, look: str, only: set[str], out: Path = OUT) -> list[Path]:
    size = ORIENTATIONS[orientation]
    lang, large = LOOKS[look]
    saved = []
    with tempfile.TemporaryDirectory(prefix="lobby-shots-") as tmp:
        h = LobbyHarness(Path(tmp), size=size)
        try:
            populate(h)
            h.window.home.notices.set_animated(False)
            if lang != "zh_CN":
                h.tap("lang_toggle")
            if large:
                h.tap("large_toggle")
            folder = out / orientation / look
            folder.mkdir(parents=True, exist_ok=True)
            for i, stage in enumerate(STAGES, start=1):
                if only and stage not in only:
                    continue
                h.stage(stage)
                settle()
                path = folder / f"{i:02d}-{stage}.png"
                save(h.window.grab().toImage(), path)
                saved.append(path)
                for problem in layout_problems(h.window, min_target_px(h.window.screen())):
                    print(f"  {orientation}/{look}/{stage}: {problem}", flush=True)
        finally:
            h.close()
    return saved


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", action="append", default=[], help="a stage (repeatable)")
    p.add_argument("--orientation", choices=list(ORIENTATIONS), action="append")
    p.add_argument("--look", choices=list(LOOKS), action="append")
    p.add_argument("--out", type=Path, default=OUT, help="where to write (default: the docs)")
    args = p.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    total = 0
    for orientation in args.orientation or ORIENTATIONS:
        for look in args.look or LOOKS:
            saved = shoot(orientation, look, set(args.only), args.out)
            gc.collect()  # the last hall's Qt objects go while the QApplication lives
            total += len(saved)
            print(f"{orientation}/{look}: {len(saved)} screenshots", flush=True)
    print(f"{total} PNGs in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
