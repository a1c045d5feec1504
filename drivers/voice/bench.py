"""Latency of the voice, for ``bench/devices.py``: from ``announce_call()`` to sound.

Two figures per call, each with a warm cache (the phrase was said before: a recall) and a cold
one (the cache is emptied before every call, so the pyttsx3 worker renders each phrase):

- ``started_s``: ``announce_call()`` → ``on_started`` (the player launched on the chime) —
  the "voice started" of the budget *key press → voice started, p95 ≤ 150 ms*;
- ``speech_s``: ``announce_call()`` → the player launched on the spoken phrase. It includes
  the chime's length when the player really plays it; with the default silent player
  (``true``) it is the render time plus process launches.

Calls are made one after another (each waits for the previous one to finish), so the figures
are per call, not queueing delay. ``python -m drivers.voice.bench`` prints them.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from drivers.voice.announcer import Announcement, AnnouncementResult, Announcer, VoiceConfig

CacheState = Literal["warm", "cold"]


@dataclass(frozen=True)
class VoiceLatencies:
    cache: CacheState
    started_s: list[float]
    speech_s: list[float]

    def summary(self) -> str:
        def fmt(values: list[float]) -> str:
            if not values:
                return "n/a"
            ordered = sorted(values)
            p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
            return f"p50 {1000 * statistics.median(ordered):.1f} ms, p95 {1000 * p95:.1f} ms"

        return (
            f"voice ({self.cache} cache, n={len(self.started_s)}): call → started "
            f"{fmt(self.started_s)}; call → speech {fmt(self.speech_s)}"
        )


def measure_voice_latency(
    n: int = 20,
    *,
    cache: CacheState,
    work_dir: Path,
    player: tuple[str, ...] = ("true",),
    config: VoiceConfig | None = None,
    timeout_s: float = 30.0,
) -> VoiceLatencies:
    """Announce ``n`` calls and time each; returns the latencies in seconds."""
    if n < 1:
        raise ValueError("n must be at least 1")
    base = config or VoiceConfig()
    cfg = replace(base, cache_dir=work_dir / f"voice-cache-{cache}", player=player)
    started: dict[int, float] = {}
    speech: dict[int, float] = {}
    done = threading.Event()

    def on_started(announcement: Announcement) -> None:
        started[announcement.seq] = time.monotonic() - announcement.queued_at

    def on_finished(announcement: Announcement, result: AnnouncementResult) -> None:
        if result.speech_at is not None:
            speech[announcement.seq] = result.speech_at - announcement.queued_at
        done.set()

    announcer = Announcer(cfg, on_started=on_started, on_finished=on_finished)
    try:
        announcer.ensure_ready()  # the worker starts with the hall daemon, not on a call
        announcer.start()
        if cache == "warm":
            numbers = [f"A{i % 10:03d}" for i in range(n)]
            _warm_up(announcer, numbers, timeout_s)
            started.clear()
            speech.clear()
        else:
            numbers = [f"B{i % 1000:03d}" for i in range(n)]
        seqs = []
        for i, number in enumerate(numbers):
            if cache == "cold":
                announcer.cache.clear()
            seq = _timed_call(announcer, number, 1 + i % 12, done, timeout_s)
            if seq is None:
                raise TimeoutError(f"call {i + 1} of {n} did not finish")
            seqs.append(seq)
    finally:
        announcer.stop()
    return VoiceLatencies(
        cache,
        [started[s] for s in seqs if s in started],
        [speech[s] for s in seqs if s in speech],
    )


def _warm_up(announcer: Announcer, numbers: list[str], timeout_s: float) -> None:
    """Every sentence of the run rendered once, so the timed calls find them cached."""
    for number in sorted(set(numbers)):
        announcer.announce_call(number, 3)
    if not announcer.wait_idle(timeout_s):
        raise TimeoutError("the voice did not finish the warm-up calls")


def _timed_call(
    announcer: Announcer, number: str, counter: int, done: threading.Event, timeout_s: float
) -> int | None:
    """Announce one call and wait until it was played; its sequence number, or None when it
    did not finish within ``timeout_s``."""
    done.clear()
    announcement = announcer.announce_call(number, counter)
    if announcement is None:
        raise RuntimeError("the voice is disabled in this configuration")
    if not done.wait(timeout_s) or not announcer.wait_idle(timeout_s):
        return None
    return announcement.seq


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time call → voice started.")
    parser.add_argument("-n", type=int, default=20)
    parser.add_argument(
        "--player", default="true", help="player command (default: a silent `true`)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="voice-bench-") as tmp:
        for cache in ("warm", "cold"):
            result = measure_voice_latency(
                args.n, cache=cache, work_dir=Path(tmp), player=tuple(args.player.split())
            )
            print(result.summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
