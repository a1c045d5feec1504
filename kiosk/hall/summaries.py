"""Per-day report summaries kept up to date in the background, so the month and quarter
views a manager asks for read one summary per closed day instead of every event.

Started and stopped by the composition root (:class:`kiosk.hall.root.HallApp`): at start it
summarises the closed days of the last quarter that have none yet (a new install, an upgrade
that changed the figures), a day at a time, letting the hall's requests through between
days; afterwards it summarises each day at its full daily close. A summary is only a
convenience: a report computes without it.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from datetime import date, timedelta

from kiosk.hall import reports
from kiosk.hall.bus import Published
from kiosk.hall.service import Hall
from kiosk.queue import events as ev

log = logging.getLogger("kiosk.reports")

WARM_DAYS = 92  # a quarter


class ReportSummaries:
    def __init__(self, hall: Hall, *, warm_days: int = WARM_DAYS, pause_s: float = 0.05) -> None:
        self.hall = hall
        self.warm_days = warm_days
        self.pause_s = pause_s
        self._days: queue.Queue[date | None] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._unsubscribe: Callable[[], None] | None = None

    def start(self) -> None:
        self._stop.clear()
        self._unsubscribe = self.hall.bus.subscribe(self._on_event)
        self._thread = threading.Thread(target=self._run, name="report-summaries", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._stop.set()
        self._days.put(None)
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _on_event(self, item: Published) -> None:
        if item.type == ev.DayClosed.TYPE and item.message.get("full"):
            self._days.put(date.fromisoformat(item.message["day"]))

    def _run(self) -> None:
        self._warm_up()
        while not self._stop.is_set():
            day = self._days.get()
            if day is None:
                return
            self._summarise(day)

    def _warm_up(self) -> None:
        try:
            path = self.hall.store.path
            rules = self.hall.rules
            last = self.hall.now().date()
            first = last - timedelta(days=self.warm_days)
            kept = reports.DayCache(path, rules).get(first, last)
            missing = sorted(reports.closed_days(path, first, last) - set(kept), reverse=True)
        except Exception as exc:  # a convenience only
            log.debug("recent days not summarised: %s", exc)
            return
        for key in missing:
            if self._stop.wait(self.pause_s):  # the hall's requests go first
                return
            self._summarise(date.fromisoformat(key))

    def _summarise(self, day: date) -> None:
        try:
            reports.daily_report(self.hall.store.path, self.hall.rules, day)
        except Exception as exc:
            log.debug("day %s not summarised: %s", day, exc)
