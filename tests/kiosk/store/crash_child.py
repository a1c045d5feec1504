"""Child process for the crash test: issues tickets as fast as it can through the real Hall
and store, printing each number only after issue_ticket returned (i.e. after the commit).
The parent SIGKILLs it at random instants."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.clock import FakeClock
from kiosk.hall.service import Hall
from kiosk.store import EventStore
from tests.helpers.hall import example_config


def main() -> None:
    data = Path(sys.argv[1])
    cfg = example_config(data)
    store = EventStore(data / "hall.db")
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    hall = Hall(cfg, store, clock)
    services = "ABCDE"
    i = 0
    print("ready", flush=True)
    while True:
        t = hall.issue_ticket(services[i % len(services)])
        sys.stdout.write(t.number + "\n")
        sys.stdout.flush()
        if i % 7 == 0:  # some calls too, so the log holds more than issues
            hall.call_next(1 + i % 4)
        i += 1


if __name__ == "__main__":
    main()
