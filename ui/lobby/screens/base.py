"""The base of every screen (:class:`Screen`: a title, a way back, portrait and landscape,
large type, translation, forgetting) and :func:`text_fits`."""

from __future__ import annotations

from typing import ClassVar

from ui.lobby.theme import Metrics
from ui.lobby.widgets import button, label
from ui.qt.core import QCoreApplication, Qt
from ui.qt.gui import QFontMetrics
from ui.qt.widgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

CENTER = Qt.AlignmentFlag.AlignCenter


class Screen(QWidget):
    """Base of every screen."""

    NAME: ClassVar[str] = ""
    # A stock voice-guidance phrase (drivers/voice/phrases.py GUIDANCE), or None to read
    # the screen's title aloud.
    GUIDANCE_KEY: ClassVar[str | None] = None

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName(f"screen_{self.NAME}")
        self.setProperty("screen", True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.lang = "zh_CN"
        self.portrait = True
        self.metrics: Metrics | None = None
        self.title = label(f"{self.NAME}_title", "title", align=CENTER)
        # The way back and the way home, where the screen's nav_bar() has them.
        self.back_button: QPushButton | None = None
        self.home_button: QPushButton | None = None

    # -- to override ------------------------------------------------------------------------
    def retranslate(self) -> None:
        """Set every text in the current language."""

    def set_portrait(self, portrait: bool) -> None:
        self.portrait = portrait

    # The title can go when large type leaves a landscape screen short of height (the
    # screen's content says what it is: the services, the ticket number).
    TITLE_OPTIONAL: ClassVar[bool] = False

    def apply_metrics(self, m: Metrics) -> None:
        self.metrics = m
        lay = self.layout()
        if lay is not None:
            margin = m.px(40)
            lay.setContentsMargins(margin, m.px(28), margin, m.px(28))
            lay.setSpacing(m.px(24))
        self._update_title()

    def _update_title(self) -> None:
        if self.TITLE_OPTIONAL and self.metrics is not None:
            self.title.setVisible(not (self.metrics.large and not self.portrait))

    def clear(self) -> None:
        """Forget anything personal the screen shows."""

    def guidance_text(self) -> str:
        return self.title.text()

    # -- helpers ----------------------------------------------------------------------------
    def nav_bar(self, *, back: bool = True, home: bool = True) -> QHBoxLayout:
        row = QHBoxLayout()
        self.back_button = button(f"{self.NAME}_back") if back else None
        self.home_button = button(f"{self.NAME}_home") if home else None
        for b in (self.back_button, self.home_button):
            if b is not None:
                b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
                row.addWidget(b)
        return row

    def nav_buttons(self) -> list[QPushButton]:
        """The way back and the way home that this screen has, in that order."""
        return [b for b in (self.back_button, self.home_button) if b is not None]

    def retranslate_nav(self) -> None:
        if self.back_button is not None:
            self.back_button.setText(QCoreApplication.translate("Lobby", "返回"))
        if self.home_button is not None:
            self.home_button.setText(QCoreApplication.translate("Lobby", "返回首页"))


def text_fits(widget: QLabel) -> bool:
    """Whether a label's text fits its width (wrapped labels always do)."""
    if widget.wordWrap() or not widget.text():
        return True
    fm = QFontMetrics(widget.font())
    return fm.horizontalAdvance(widget.text()) <= widget.contentsRect().width()
