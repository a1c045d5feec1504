"""Qt translations of a UI: Chinese in the code, other languages from ``.qm`` files.

The source strings in ``self.tr()`` / ``QCoreApplication.translate`` are Chinese (as the
daemon's gettext msgids are), so Chinese needs no file and can never be incomplete. English
is ``assets/translations/<domain>_en.ts`` (edited with Qt Linguist or by hand), compiled by
``pyside6-lrelease`` into the ``.qm`` next to it; ``scripts/update_translations.py`` does
both and a test fails when the ``.qm`` is stale or a string is untranslated.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ui.qt.core import QCoreApplication, QObject, QTranslator, Signal

log = logging.getLogger("ui.i18n")

TRANSLATIONS_DIR = Path(__file__).resolve().parents[2] / "assets" / "translations"
SOURCE_LANGUAGE = "zh_CN"
LANGUAGES = ("zh_CN", "en")


class Languages(QObject):
    """The current language of one UI.

    Signals:
        language_changed(str): ``zh_CN`` or ``en``; Qt has already sent every widget its
            ``LanguageChange`` event.
    """

    language_changed = Signal(str)

    def __init__(self, domain: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.domain = domain
        self.current = SOURCE_LANGUAGE
        self._translator: QTranslator | None = None
        self._loaded: dict[str, QTranslator] = {}

    def qm_path(self, lang: str) -> Path:
        return TRANSLATIONS_DIR / f"{self.domain}_{lang}.qm"

    def _translator_for(self, lang: str) -> QTranslator | None:
        if lang == SOURCE_LANGUAGE:
            return None
        if lang not in self._loaded:
            translator = QTranslator(self)
            if not translator.load(str(self.qm_path(lang))):
                log.error("cannot load %s: the UI stays in Chinese", self.qm_path(lang))
                return None
            self._loaded[lang] = translator
        return self._loaded[lang]

    def set_language(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r} (known: {', '.join(LANGUAGES)})")
        if lang == self.current:
            return
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("no QApplication")
        if self._translator is not None:
            QCoreApplication.removeTranslator(self._translator)
        self._translator = self._translator_for(lang)
        if self._translator is not None:
            QCoreApplication.installTranslator(self._translator)
        self.current = (
            lang if self._translator is not None or lang == SOURCE_LANGUAGE else (SOURCE_LANGUAGE)
        )
        self.language_changed.emit(self.current)

    def uninstall(self) -> None:
        if self._translator is not None:
            QCoreApplication.removeTranslator(self._translator)
            self._translator = None
        self.current = SOURCE_LANGUAGE
