"""A UI that runs for days survives PySide6 6.12's lost references to None, and a UI whose
guard did not take refuses to start instead of aborting hours later."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ui.qt import immortals

ROOT = Path(__file__).resolve().parents[3]

HEAVY_DAY = textwrap.dedent(
    """
    from ui.qt.widgets import QApplication, QLabel  # the guard comes with ui.qt
    app = QApplication([])
    label = QLabel()
    for i in range(400_000):  # a busy day of queue updates on the lobby's tiles
        label.setText(str(i % 7))
    print("still alive", flush=True)
    """
)

# The guard as it is on an interpreter whose objects do not start with their reference
# count (a Py_TRACE_REFS debug build: no such build here, so the layout check is replaced
# by its answer there), with the top-up done by importing ui.qt taken back.
UNGUARDED = textwrap.dedent(
    """
    import ctypes, sys
    import ui.qt.immortals as guard
    guard._refcount_field = lambda obj: None
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value -= guard.RESERVE
    """
)

needs_guard = pytest.mark.skipif(
    not immortals.AFFECTED, reason="None is immortal from CPython 3.12: nothing to guard"
)


def run(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_hundreds_of_thousands_of_void_qt_calls_do_not_abort_the_ui(tmp_path):
    r = run(HEAVY_DAY, tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "still alive" in r.stdout


@needs_guard
def test_without_the_guard_the_same_day_aborts(tmp_path):
    """The control: what the guard prevents is real on this PySide6 and Python."""
    r = run(UNGUARDED + HEAVY_DAY, tmp_path)
    assert r.returncode != 0
    assert "deallocating None" in r.stderr
    assert "still alive" not in r.stdout


def test_the_guard_is_in_place_in_a_process_that_imported_ui_qt():
    assert immortals.reference_guard_problem() is None
    if immortals.AFFECTED:
        assert sys.getrefcount(None) >= immortals.LOW_WATER


@needs_guard
def test_the_guard_reads_the_reference_count_where_cpython_keeps_it():
    field = immortals._refcount_field(None)
    assert field is not None
    assert abs(field.value - (sys.getrefcount(None) - 1)) <= 2


@needs_guard
@pytest.mark.parametrize(
    ("ui", "argv"),
    [
        ("ui", ["ui", "--url", "http://127.0.0.1:9", "--token", "t", "--windowed"]),
        ("counter", ["counter", "--url", "http://127.0.0.1:9", "--token", "t", "--counter", "1"]),
        ("display", ["display", "--url", "http://127.0.0.1:9", "--token", "t", "--windowed"]),
    ],
)
def test_a_ui_whose_guard_did_not_take_refuses_to_start_and_says_why(tmp_path, ui, argv):
    code = UNGUARDED + textwrap.dedent(
        f"""
        import sys
        from kiosk.cli import main
        from ui.qt.widgets import QApplication
        try:
            sys.exit(main({argv!r}))
        finally:
            print("window opened" if QApplication.instance() else "no window", flush=True)
        """
    )
    r = run(code, tmp_path)
    assert r.returncode == immortals.EXIT_UNGUARDED, r.stderr[-2000:]
    assert f"kiosk {ui}: 拒绝启动" in r.stderr
    assert "refusing to start" in r.stderr
    assert "None holds" in r.stderr  # the cause, for the technician
    assert "no window" in r.stdout
