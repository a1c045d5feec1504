"""Every UI test: the garbage collector runs in the GUI thread only (ui/qt/gc.py), as in the
UIs themselves. These tests also run a hall daemon's threads in the same process; a cyclic
collection in one of them that frees a Qt wrapper crashed the suite (segmentation fault)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from ui.qt.gc import MainThreadCollector


@pytest.fixture(autouse=True, scope="session")
def _collect_in_the_gui_thread(qapp: object) -> Iterator[None]:
    collector = MainThreadCollector()
    yield
    collector.stop()
    gc.collect()
