"""Fixtures for the helpers' own tests."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from tests.helpers.lobby import LobbyHarness
from ui.qt.gc import MainThreadCollector


@pytest.fixture(autouse=True, scope="session")
def _collect_in_the_gui_thread(qapp: object) -> Iterator[None]:
    """As in tests/ui/conftest.py: garbage collected in the GUI thread only."""
    collector = MainThreadCollector()
    yield
    collector.stop()
    gc.collect()


@pytest.fixture
def lobby(tmp_path, qtbot):
    harness = LobbyHarness(tmp_path, qtbot.waitUntil)
    yield harness
    harness.close()
