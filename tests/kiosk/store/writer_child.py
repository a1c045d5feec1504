"""Child process for the reader's concurrency test: the hall's writer in a process of its
own, committing ``batches`` batches of ``size`` events as fast as it can. Each batch is
staged event by event (as concurrent requests stage) and made durable by one commit (group
commit), so a reader must see every batch whole or not at all. Batch ``b`` (1-based) is
``size`` ``counter.paused`` events of counter ``b``."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.queue import events as ev
from kiosk.store import EventStore


def main() -> None:
    path, batches, size = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    store = EventStore(path)
    at = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    print("ready", flush=True)
    sys.stdin.readline()  # go
    for b in range(1, batches + 1):
        for _ in range(size):
            store.stage([ev.CounterPaused(at=at, counter=b)])
        store.commit()
    store.close()
    print("done", flush=True)


if __name__ == "__main__":
    main()
