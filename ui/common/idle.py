"""User inactivity, measured on a clock the caller gives (a fake one in tests).

Every press, touch or key anywhere in the application counts as activity. The watch does not
own a timer: whoever ticks (the window's one-second timer) calls :meth:`IdleWatch.check`.
"""

from __future__ import annotations

from collections.abc import Callable

from ui.qt.core import QEvent, QObject, Signal

ACTIVITY_EVENTS = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.KeyPress,
        QEvent.Type.Wheel,
    }
)


class IdleWatch(QObject):
    """Install on the QApplication; :meth:`check` says when ``timeout_s`` passed untouched.

    Signals:
        timed_out(): nobody touched the screen for ``timeout_s``; emitted once per idle spell.
    """

    timed_out = Signal()

    def __init__(
        self, timeout_s: float, clock: Callable[[], float], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.timeout_s = timeout_s
        self._clock = clock
        self._last = clock()
        self._fired = False

    def touch(self) -> None:
        self._last = self._clock()
        self._fired = False

    def idle_for(self) -> float:
        return self._clock() - self._last

    def check(self) -> bool:
        if not self._fired and self.idle_for() >= self.timeout_s:
            self._fired = True
            self.timed_out.emit()
            return True
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY_EVENTS:
            self.touch()
        return False
