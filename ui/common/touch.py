"""Physical sizes on a touchscreen.

A finger needs a target of about 15 mm whatever the screen: 57 px on a 96 dpi panel, 41 px
on a 70 dpi 32-inch kiosk, 90 px on a 150 dpi tablet. The screen's physical DPI comes from
the EDID through Qt; virtual and broken outputs report 0, 1 or thousands, and then 96 dpi
(the desktop convention) is assumed.
"""

from __future__ import annotations

import math

from ui.qt.gui import QScreen

MIN_TARGET_MM = 15.0
FALLBACK_DPI = 96.0
PLAUSIBLE_DPI = (50.0, 600.0)


def plausible_dpi(dpi: float) -> float:
    low, high = PLAUSIBLE_DPI
    return dpi if low <= dpi <= high else FALLBACK_DPI


def screen_dpi(screen: QScreen | None) -> float:
    """The physical DPI of ``screen``, or :data:`FALLBACK_DPI` when it makes no sense."""
    if screen is None:
        return FALLBACK_DPI
    return plausible_dpi(float(screen.physicalDotsPerInch()))


def mm_to_px(mm: float, dpi: float) -> int:
    """Pixels covering at least ``mm`` millimetres at ``dpi``."""
    return math.ceil(mm * dpi / 25.4)


def min_target_px(screen: QScreen | None) -> int:
    return mm_to_px(MIN_TARGET_MM, screen_dpi(screen))
