"""``kiosk backup`` / ``kiosk restore``: the store, copied with SQLite's online backup API.

A backup is taken while the hall runs (a consistent snapshot; the daemon keeps serving) and
checked (``PRAGMA integrity_check``) before it is called a backup. A restore needs the hall
daemon stopped (it owns the store), checks the file first, keeps the store it replaces as
``hall.db.before-restore-<time>``, and never leaves a half-copied store behind.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.hall.root import STORE_FILE, lock_data_dir
from kiosk.store.eventlog import SCHEMA_VERSION


class BackupError(Exception):
    """The backup or restore could not be done; nothing was changed."""


def _check(path: Path) -> dict[str, Any]:
    """Integrity, schema and contents of a store file, or BackupError."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: cannot be opened: {exc}") from exc
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"{path}: damaged ({result})")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if not 1 <= version <= SCHEMA_VERSION:
            raise BackupError(f"{path}: schema {version}, this program reads 1 to {SCHEMA_VERSION}")
        events, last = conn.execute("SELECT COUNT(*), MAX(seq) FROM events").fetchone()
        days = conn.execute("SELECT MIN(day), MAX(day) FROM events").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not a hall store ({exc})") from exc
    finally:
        conn.close()
    return {"events": events, "last_seq": last or 0, "first_day": days[0], "last_day": days[1]}


def backup(data_dir: Path, dest: Path) -> dict[str, Any]:
    source = data_dir / STORE_FILE
    if not source.exists():
        raise BackupError(f"no store at {source}")
    dest = dest if dest.suffix else dest / f"hall-{datetime.now():%Y%m%d-%H%M%S}.db"
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".partial")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(tmp)
    try:
        src.backup(dst, pages=1024)  # in steps: the hall's writers are not held up
        dst.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise BackupError(f"backup failed: {exc}") from exc
    finally:
        dst.close()
        src.close()
    try:
        info = _check(tmp)
    except BackupError:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(dest)
    return {"file": str(dest), "bytes": dest.stat().st_size, **info}


def restore(data_dir: Path, source: Path) -> dict[str, Any]:
    if not source.exists():
        raise BackupError(f"no file {source}")
    info = _check(source)
    try:
        lock = lock_data_dir(data_dir)
    except RuntimeError as exc:  # HallBusy
        raise BackupError(f"{exc}: stop it first (systemctl stop kiosk-hall)") from exc
    try:
        store = data_dir / STORE_FILE
        kept = None
        incoming = data_dir / (STORE_FILE + ".restoring")
        incoming.unlink(missing_ok=True)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(incoming)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        _check(incoming)
        if store.exists():
            kept = data_dir / f"{STORE_FILE}.before-restore-{datetime.now():%Y%m%d-%H%M%S}"
            # Fold the WAL into the old store first, so the kept copy is whole.
            conn = sqlite3.connect(store)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()
            store.replace(kept)
        for suffix in ("-wal", "-shm"):
            Path(str(store) + suffix).unlink(missing_ok=True)
        incoming.replace(store)
    finally:
        lock.close()
    return {
        "restored": str(store),
        "from": str(source),
        "kept": str(kept) if kept else None,
        **info,
    }
