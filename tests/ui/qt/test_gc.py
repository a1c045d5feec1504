"""The collector that keeps garbage collection in the GUI thread (ui/qt/gc.py)."""

from __future__ import annotations

import gc
import threading

from ui.qt.gc import MainThreadCollector


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_a_cycle_made_in_a_worker_is_freed_in_the_gui_thread(qtbot):
    freed_in: list[str] = []

    class Tracked(_Cycle):
        def __del__(self) -> None:
            freed_in.append(threading.current_thread().name)

    collector = MainThreadCollector(interval_ms=20)
    try:
        assert not gc.isenabled()

        def worker() -> None:
            Tracked()  # garbage at once, but only the cyclic collector can free it
            for _ in range(20_000):  # allocations that would trigger an automatic collection
                _Cycle()

        t = threading.Thread(target=worker, name="worker")
        t.start()
        t.join()
        assert freed_in == []  # nothing collected in the worker
        qtbot.waitUntil(lambda: freed_in != [], timeout=5000)
        assert freed_in == [threading.main_thread().name]
    finally:
        collector.stop()


def test_stop_hands_collection_back_to_python(qtbot):
    was = gc.isenabled()
    gc.enable()
    collector = MainThreadCollector()
    assert not gc.isenabled()
    collector.stop()
    assert gc.isenabled()
    if not was:
        gc.disable()
