"""An LRU cache of rendered WAVs in a directory, so a repeated phrase costs nothing.

A key is a hash of everything that changes the sound (text, voice id, rate, volume, engine
and espeak-ng version), so a new voice or a new espeak-ng never replays stale audio. Recency is
the file's mtime, touched on every hit; files are written atomically (temp file + rename), so
the cache survives a crash or power loss with at worst a missing entry, and a second process
on the same directory (``kiosk doctor`` next to the hall daemon) is harmless.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
import time
from pathlib import Path

log = logging.getLogger("drivers.voice")

SUFFIX = ".wav"
STALE_SCRATCH_S = 600.0


def cache_key(*parts: object) -> str:
    """A stable key for the things that decide the audio (JSON-serialisable parts)."""
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


class WavCache:
    """At most ``max_files`` WAVs and ``max_bytes`` in ``directory``; least recently used go first."""

    def __init__(self, directory: Path, max_files: int = 500, max_bytes: int = 64 * 2**20) -> None:
        if max_files < 1 or max_bytes < 1:
            raise ValueError("the voice cache needs room for at least one file")
        self.directory = directory
        self.max_files = max_files
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._opened = False
        self.hits = 0
        self.misses = 0

    def open(self) -> None:
        """Create the directory (once) and remove scratch files a crash left behind.

        Only old scratch files go: another process on the same directory (``kiosk doctor``
        next to the hall daemon) may be writing a fresh one right now.
        """
        if self._opened:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        cutoff = time.time() - STALE_SCRATCH_S
        for stale in self.directory.glob(".part-*"):
            with contextlib.suppress(FileNotFoundError):
                if stale.stat().st_mtime < cutoff:
                    stale.unlink()
        self._opened = True

    def path_for(self, key: str) -> Path:
        return self.directory / f"{key}{SUFFIX}"

    def get(self, key: str) -> Path | None:
        """The cached WAV for ``key`` (and mark it recently used), or None."""
        path = self.path_for(key)
        try:
            os.utime(path)
        except FileNotFoundError:
            self.misses += 1
            return None
        self.hits += 1
        return path

    def adopt(self, key: str, rendered: Path) -> Path:
        """Move a freshly rendered WAV (same filesystem) into the cache under ``key``."""
        path = self.path_for(key)
        os.replace(rendered, path)
        self.evict()
        return path

    def evict(self) -> int:
        """Drop least recently used files until both limits hold; returns how many went."""
        with self._lock:
            entries = []
            for path in self.directory.glob(f"*{SUFFIX}"):
                if path.name.startswith("."):
                    continue
                try:
                    stat = path.stat()
                except FileNotFoundError:
                    continue
                entries.append((stat.st_mtime_ns, stat.st_size, path))
            entries.sort()
            total = sum(size for _, size, _ in entries)
            removed = 0
            while entries and (len(entries) > self.max_files or total > self.max_bytes):
                _, size, path = entries.pop(0)
                path.unlink(missing_ok=True)
                total -= size
                removed += 1
            if removed:
                log.debug("voice cache: evicted %d file(s)", removed)
            return removed

    def clear(self) -> None:
        with self._lock:
            for path in self.directory.glob(f"*{SUFFIX}"):
                path.unlink(missing_ok=True)
