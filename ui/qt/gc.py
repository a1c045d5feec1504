"""Garbage collection in the GUI thread only (the pattern of qutebrowser's GarbageCollector).

Python's cyclic collector runs in whichever thread happens to allocate when a generation's
threshold is crossed. In our UIs that is often a worker (the HTTP client's, the WebSocket
reader's) or, in the tests, the hall daemon's API thread running in the same process. When
such a collection frees a cycle that holds a Qt object's wrapper (a widget's closure, a
timer's slot), the Qt destructor runs in the wrong thread and the process dies with a
segmentation fault — seen here in the test suite: "Fatal Python error: Segmentation fault …
Garbage-collecting" in the API thread of a lobby test.

:class:`MainThreadCollector` turns the automatic collector off and collects from a timer in
the GUI thread instead, with the same thresholds and generations as the automatic one, so
memory behaves the same and every finaliser of a Qt wrapper runs where Qt expects it.
"""

from __future__ import annotations

import gc

from ui.qt.core import QObject, QTimer

INTERVAL_MS = 250  # a collection is due every few thousand allocations; this keeps up


class MainThreadCollector(QObject):
    """Collects garbage on a timer of the thread it was made in (make it in the GUI thread).
    ``stop()`` gives the collection back to Python."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start()

    def collect_due(self) -> int:
        """Collect the oldest generation whose count crossed its threshold; the objects
        found unreachable (0 when nothing was due)."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                return gc.collect(generation)
        return 0

    def stop(self) -> None:
        self._timer.stop()
        if self._was_enabled:
            gc.enable()
