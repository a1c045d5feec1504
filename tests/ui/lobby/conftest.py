"""A real hall daemon with simulated devices and the lobby's real widgets, per test."""

from __future__ import annotations

import pytest

from tests.helpers.lobby import LobbyHarness


@pytest.fixture
def lobby(tmp_path, qtbot):
    harness = LobbyHarness(tmp_path, qtbot.waitUntil)
    yield harness
    harness.close()


@pytest.fixture
def landscape_lobby(tmp_path, qtbot):
    harness = LobbyHarness(tmp_path, qtbot.waitUntil, size=(1920, 1080))
    yield harness
    harness.close()
