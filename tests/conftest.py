"""Suite-wide setup: Qt offscreen, and nothing written outside temporary directories."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

_hypothesis_home = tempfile.mkdtemp(prefix="kiosk-hypothesis-")


def pytest_configure(config: pytest.Config) -> None:
    # Hypothesis keeps its example database in .hypothesis/ of the working directory by
    # default; tests must not write into the checkout.
    from hypothesis import configuration

    configuration.set_hypothesis_home_dir(_hypothesis_home)


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_hypothesis_home, ignore_errors=True)
