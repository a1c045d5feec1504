"""Colours and sizes of the lobby screens, as one Qt style sheet.

Sizes are design pixels for a 1080-pixel short side (a 1080×1920 portrait or 1920×1080
landscape panel), scaled with the window and by large-type mode. Every touch target is at
least :data:`~ui.common.touch.MIN_TARGET_MM` on the real screen (computed from its physical
DPI), whatever the scale.

Colours are chosen for contrast, not taste alone: every text/background pair below reaches
WCAG's AAA ratio of 7:1 (a test checks), because many customers read with ageing eyes.
"""

from __future__ import annotations

from dataclasses import dataclass

from ui.common.fonts import cjk_family

LARGE_TYPE_SCALE = 1.25
DESIGN_SHORT_SIDE = 1080


@dataclass(frozen=True)
class Palette:
    page: str = "#F3F5F4"
    text: str = "#111111"
    muted: str = "#2E3432"
    header: str = "#00473F"
    header_text: str = "#FFFFFF"
    tile: str = "#005248"
    tile_text: str = "#FFFFFF"
    bills: str = "#0A4A80"
    green: str = "#1B5E20"
    accent_text: str = "#FFFFFF"
    primary: str = "#005248"
    secondary_bg: str = "#FFFFFF"
    secondary_text: str = "#00473F"
    warning_bg: str = "#FFF4E5"
    warning_text: str = "#6B2600"
    error_text: str = "#8A1010"
    ok_text: str = "#0B5B1A"
    overlay: str = "#141414"
    overlay_text: str = "#FFFFFF"
    notice_bg: str = "#FFF4E5"
    notice_text: str = "#5C2100"
    card: str = "#FFFFFF"
    pressed: str = "#00332D"
    focus: str = "#B35C00"


PALETTE = Palette()

# (foreground, background) pairs that carry text, for the contrast check
TEXT_PAIRS: dict[str, tuple[str, str]] = {
    "page": (PALETTE.text, PALETTE.page),
    "muted": (PALETTE.muted, PALETTE.page),
    "header": (PALETTE.header_text, PALETTE.header),
    "tile": (PALETTE.tile_text, PALETTE.tile),
    "bills": (PALETTE.accent_text, PALETTE.bills),
    "green": (PALETTE.accent_text, PALETTE.green),
    "primary": (PALETTE.accent_text, PALETTE.primary),
    "secondary": (PALETTE.secondary_text, PALETTE.secondary_bg),
    "warning": (PALETTE.warning_text, PALETTE.warning_bg),
    "error": (PALETTE.error_text, PALETTE.card),
    "ok": (PALETTE.ok_text, PALETTE.card),
    "overlay": (PALETTE.overlay_text, PALETTE.overlay),
    "notice": (PALETTE.notice_text, PALETTE.notice_bg),
    "card": (PALETTE.text, PALETTE.card),
}

# Font sizes in design pixels, by the ``role`` property of a widget.
FONT_PX: dict[str, int] = {
    "hall": 34,
    "clock": 30,
    "title": 54,
    "subtitle": 38,
    "body": 36,
    "small": 30,
    "service": 48,
    "status": 42,
    "tile-name": 46,
    "tile-info": 34,
    "number": 230,
    "number-label": 40,
    "figure": 60,
    "key": 60,
    "display": 64,
    "button": 36,
    "toggle": 28,
    "overlay": 60,
    "notice": 32,
}


# Roles large-type mode leaves alone: the header (it is not what is read) and the ticket
# number (already the largest thing on screen; scaled, it would push the rest off).
NOT_ENLARGED = frozenset({"hall", "clock", "toggle", "number"})


@dataclass(frozen=True)
class Metrics:
    """Pixel sizes for one window size and mode. Large-type mode enlarges the text (and so
    every button and card around it); margins and spacing stay, or nothing would fit."""

    scale: float
    min_target: int
    large: bool = False

    def px(self, design: float) -> int:
        return max(1, round(design * self.scale))

    def font(self, role: str) -> int:
        factor = LARGE_TYPE_SCALE if self.large and role not in NOT_ENLARGED else 1.0
        return max(1, round(FONT_PX[role] * self.scale * factor))

    def target(self, design: float) -> int:
        """A touch target's side: the design size, never below the physical minimum."""
        return max(self.min_target, self.px(design))


def metrics_for(width: int, height: int, *, large: bool, min_target: int) -> Metrics:
    short = max(1, min(width, height))
    return Metrics(scale=short / DESIGN_SHORT_SIDE, min_target=min_target, large=large)


def stylesheet(m: Metrics, p: Palette = PALETTE) -> str:
    f = m.font
    family = cjk_family()
    button_h = m.target(118)
    key_h = m.target(100)
    toggle_h = m.target(84)
    radius = m.px(18)
    return f"""
* {{ font-family: "{family}"; color: {p.text}; }}
QWidget#lobby_window, QStackedWidget, QWidget[screen="true"] {{ background: {p.page}; }}
QLabel {{ background: transparent; font-size: {f("body")}px; }}
QLabel[role="title"] {{ font-size: {f("title")}px; font-weight: bold; }}
QLabel[role="subtitle"] {{ font-size: {f("subtitle")}px; color: {p.muted}; }}
QLabel[role="body"] {{ font-size: {f("body")}px; }}
QLabel[role="small"] {{ font-size: {f("small")}px; color: {p.muted}; }}
QLabel[role="service"] {{ font-size: {f("service")}px; font-weight: bold; }}
QLabel[role="status"] {{ font-size: {f("status")}px; font-weight: bold; }}
QLabel[role="figure"] {{ font-size: {f("figure")}px; font-weight: bold; }}
QLabel[role="number"] {{ font-size: {f("number")}px; font-weight: bold; color: {p.header}; }}
QLabel[role="number-label"] {{ font-size: {f("number-label")}px; }}
QLabel[role="display"] {{
    font-size: {f("display")}px; font-weight: bold; background: {p.card};
    border: {m.px(3)}px solid {p.primary}; border-radius: {radius}px; padding: {m.px(12)}px;
}}
QLabel[tone="error"] {{ color: {p.error_text}; }}
QLabel[tone="ok"] {{ color: {p.ok_text}; }}
QLabel[tone="caution"] {{ color: {p.warning_text}; font-weight: bold; }}
QLabel[tone="toast-ok"] {{
    color: {p.ok_text}; background: #E6F4EA; border: {m.px(3)}px solid {p.ok_text};
    border-radius: {radius}px; padding: {m.px(16)}px; font-weight: bold;
}}
QLabel[tone="warning"] {{
    color: {p.warning_text}; background: {p.warning_bg};
    border-radius: {radius}px; padding: {m.px(16)}px;
}}
QFrame[role="card"] {{ background: {p.card}; border-radius: {radius}px; }}
QFrame[role="card"] QLabel {{ background: transparent; }}
QWidget#header {{ background: {p.header}; }}
QWidget#header QLabel {{ color: {p.header_text}; }}
QLabel#hall_name {{ font-size: {f("hall")}px; font-weight: bold; }}
QLabel#clock {{ font-size: {f("clock")}px; }}
QPushButton {{
    font-size: {f("button")}px; min-height: {button_h}px; min-width: {button_h}px;
    border-radius: {radius}px; padding: {m.px(8)}px {m.px(28)}px;
    background: {p.secondary_bg}; color: {p.secondary_text};
    border: {m.px(3)}px solid {p.secondary_text}; font-weight: bold;
}}
QPushButton:pressed {{ background: {p.pressed}; color: {p.accent_text}; }}
QPushButton:disabled {{ color: #5A5A5A; border-color: #5A5A5A; background: #E4E4E4; }}
QPushButton[role="primary"] {{
    background: {p.primary}; color: {p.accent_text}; border-color: {p.primary};
}}
QPushButton[role="primary"]:pressed {{ background: {p.pressed}; }}
QPushButton[role="tile"] {{
    background: {p.tile}; color: {p.tile_text}; border: none; text-align: left;
    padding: {m.px(20)}px;
}}
QPushButton[role="tile"][kind="bills"] {{ background: {p.bills}; }}
QPushButton[role="tile"][kind="green"] {{ background: {p.green}; }}
QPushButton[role="tile"]:pressed {{ background: {p.pressed}; }}
QPushButton[role="tile"] QLabel {{ color: {p.tile_text}; background: transparent; }}
QLabel[role="tile-name"] {{ font-size: {f("tile-name")}px; font-weight: bold; }}
QLabel[role="tile-info"] {{ font-size: {f("tile-info")}px; }}
QPushButton[role="key"] {{
    font-size: {f("key")}px; min-height: {key_h}px; min-width: {key_h}px;
    background: {p.card}; color: {p.text}; border: {m.px(3)}px solid {p.muted};
}}
QPushButton[role="key"][kind="word"] {{ font-size: {f("button")}px; padding: {m.px(4)}px; }}
QPushButton[role="key"][kind="ok"] {{
    background: {p.primary}; color: {p.accent_text}; border-color: {p.primary};
}}
QPushButton[role="key"]:pressed {{ background: {p.pressed}; color: {p.accent_text}; }}
QPushButton[role="toggle"] {{
    font-size: {f("toggle")}px; min-height: {toggle_h}px; min-width: {toggle_h}px;
    padding: {m.px(4)}px {m.px(18)}px; background: transparent; color: {p.header_text};
    border: {m.px(3)}px solid {p.header_text};
}}
QPushButton[role="toggle"]:checked {{ background: {p.header_text}; color: {p.header}; }}
QPushButton[role="account"] {{
    text-align: left; font-weight: normal; background: {p.card}; color: {p.text};
    border: {m.px(3)}px solid {p.primary}; padding: {m.px(20)}px;
}}
QWidget#maintenance {{ background: {p.overlay}; }}
QWidget#maintenance QLabel {{ color: {p.overlay_text}; font-size: {f("overlay")}px; }}
QWidget#maintenance QLabel[role="small"] {{ font-size: {f("body")}px; color: {p.overlay_text}; }}
QWidget#notices {{ font-size: {f("notice")}px; }}
QWidget#admin_corner {{ background: transparent; }}
"""
