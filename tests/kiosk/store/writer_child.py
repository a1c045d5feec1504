"""Child process for the reader's concurrency test: the hall's writer in a process of its
own, committing ``batches`` batches of ``size`` events as fast as it can. Each batch is
``size`` requests' writes (one event each, as concurrent requests bring them) made durable by
one commit (group commit), so a reader must see every batch whole or not at all. Batch ``b`` (1-based) is
``size`` ``counter.paused`` events of counter ``b``."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.queue import events as ev
from kiosk.store import EventStore, PendingWrite, StoredEvent


def main() -> None:
    path, batches, size = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    store = EventStore(path)
    at = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    print("ready", flush=True)
    sys.stdin.readline()  # go
    seq = store.last_seq()
    for b in range(1, batches + 1):
        writes = []
        for _ in range(size):
            seq += 1
            writes.append(PendingWrite([StoredEvent(seq, ev.CounterPaused(at=at, counter=b))]))
        store.write(writes)
    store.close()
    print("done", flush=True)


if __name__ == "__main__":
    main()
