"""Fixtures for the helpers' own tests."""

from __future__ import annotations

import pytest

from tests.helpers.lobby import LobbyHarness


@pytest.fixture
def lobby(tmp_path, qtbot):
    harness = LobbyHarness(tmp_path, qtbot.waitUntil)
    yield harness
    harness.close()
