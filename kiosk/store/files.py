"""Whole-file operations on a hall's store, for ``kiosk backup`` and ``kiosk restore``.

The copy uses SQLite's online backup API on a read-only connection to the source, so it is
a consistent snapshot taken while the hall keeps writing; the copy is a self-contained
file (rollback journal, no ``-wal`` beside it). Checking a copy is
:meth:`kiosk.store.reader.EventLogReader.check`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kiosk.store.eventlog import StorageError


def copy_store(source: Path, dest: Path, *, step_pages: int = -1) -> None:
    """Copy the store at ``source`` to ``dest`` (created or overwritten), ``step_pages`` at a
    time (-1: all at once; a few hundred pages per step lets the hall's writers through).
    StorageError when it cannot be done; ``dest`` may then hold a partial copy."""
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StorageError(f"{source}: cannot be opened: {exc}") from exc
    try:
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst, pages=step_pages)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise StorageError(f"the copy of {source} failed: {exc}") from exc
    finally:
        src.close()


def fold_wal(path: Path) -> None:
    """Move everything in the store's ``-wal`` into the file itself, so the file alone is
    the whole store (before it is moved aside). Only with the hall daemon stopped."""
    try:
        conn = sqlite3.connect(path)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StorageError(f"{path}: its log could not be folded in: {exc}") from exc
