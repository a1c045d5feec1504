"""The one font family of the screens: Noto Sans CJK SC (Debian's fonts-noto-cjk).

Set explicitly, never left to fontconfig's guess: a guess can land on a Japanese or a Latin
face, and then Simplified Chinese shows Japanese glyph shapes or missing-glyph boxes (tofu),
on the kiosk and in the screenshots alike.
"""

from __future__ import annotations

import logging

from ui.qt.gui import QFont, QFontDatabase

log = logging.getLogger("ui.fonts")

FAMILY = "Noto Sans CJK SC"
FALLBACKS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Droid Sans Fallback")


def cjk_family() -> str:
    """The first installed family of :data:`FALLBACKS` (Noto Sans CJK SC on a kiosk box)."""
    installed = set(QFontDatabase.families())
    for family in FALLBACKS:
        if family in installed:
            return family
    log.warning("no Chinese font installed (install fonts-noto-cjk): text will show boxes")
    return FAMILY


def ui_font(pixel_size: int, *, bold: bool = False, family: str | None = None) -> QFont:
    font = QFont(family or cjk_family())
    font.setPixelSize(pixel_size)
    font.setBold(bold)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font
