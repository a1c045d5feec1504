"""The sync process killed at random instants, again and again: nothing lost, nothing twice."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from kiosk.store import EventStore
from kiosk.sync.daemon import SyncDaemon, sync_status
from tests.kiosk.central.support import HALL, running_central
from tests.kiosk.sync.dayload import day_events
from tests.kiosk.sync.support import hall_config_file
from tests.kiosk.sync.test_sync import assert_same

ROOT = Path(__file__).resolve().parents[3]
KILLS = 8


@pytest.mark.slow
def test_the_sync_process_killed_mid_batch_loses_and_duplicates_nothing(tmp_path):
    rng = random.Random(6)
    with running_central(tmp_path / "central") as server:
        cfg = hall_config_file(
            tmp_path, server.base_url, bills="demo", batch_size=40, pull_interval_s=3600.0
        )
        store = EventStore(cfg.data_path() / "hall.db")
        events = list(day_events(cfg.queue_rules(), date(2026, 11, 23), 1500))
        chunks = [
            events[i : i + len(events) // KILLS + 1]
            for i in range(0, len(events), len(events) // KILLS + 1)
        ]
        caught_between = 0  # kills that landed after central stored a batch, before the ack
        interrupted = 0  # kills that left part of the backlog unpushed
        try:
            for i in range(KILLS):
                if i < len(chunks):
                    store.append(chunks[i])  # the day goes on between the crashes
                proc = subprocess.Popen(
                    [sys.executable, "-m", "kiosk.cli", "sync", "--config", cfg.source],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                    cwd=ROOT,
                )
                assert proc.stderr is not None
                proc.stderr.readline()  # "… running": it is pushing from here on
                time.sleep(rng.uniform(0.0, 0.25))
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=10)
                proc.stderr.close()
                assert server.store is not None
                acked = sync_status(cfg)["acked_seq"]
                if server.store.acked_seq(HALL) > acked:
                    caught_between += 1
                if acked < store.last_seq():
                    interrupted += 1
            for chunk in chunks[KILLS:]:
                store.append(chunk)
            assert sync_status(cfg)["acked_seq"] > 0  # the killed runs did push
            assert interrupted > 0  # and the kills really interrupted pushes
            with SyncDaemon(cfg) as daemon:  # a last, undisturbed run
                assert daemon.push_once().ok
            assert sync_status(cfg)["backlog"] == 0
            assert_same(server, store)
            assert server.store is not None
            fleet = server.store.fleet(date(2026, 11, 23))
            assert fleet[HALL]["events"] == store.last_seq()  # each stored exactly once
        finally:
            store.close()
        print(f"{KILLS} kills, {interrupted} mid-push, {caught_between} between store and ack")
