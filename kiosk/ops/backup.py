"""``kiosk backup`` / ``kiosk restore``: the store, copied with SQLite's online backup API.

A backup is taken while the hall runs (a consistent snapshot; the daemon keeps serving) and
checked (``PRAGMA integrity_check``) before it is called a backup. A restore needs the hall
daemon stopped (it owns the store), checks the file first, keeps the store it replaces as
``hall.db.before-restore-<time>``, and never leaves a half-copied store behind.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.hall.root import STORE_FILE, lock_data_dir
from kiosk.store import StorageError
from kiosk.store.files import copy_store, fold_wal
from kiosk.store.reader import EventLogReader


class BackupError(Exception):
    """The backup or restore could not be done; nothing was changed."""


def _check(path: Path) -> dict[str, Any]:
    """Integrity, schema and contents of a store file, or BackupError."""
    try:
        with EventLogReader(path) as reader:
            info = reader.check()
    except StorageError as exc:
        raise BackupError(str(exc)) from exc
    return {
        "events": info.events,
        "last_seq": info.last_seq,
        "first_day": info.first_day.isoformat() if info.first_day else None,
        "last_day": info.last_day.isoformat() if info.last_day else None,
    }


def backup(data_dir: Path, dest: Path) -> dict[str, Any]:
    source = data_dir / STORE_FILE
    if not source.exists():
        raise BackupError(f"no store at {source}")
    dest = dest if dest.suffix else dest / f"hall-{datetime.now():%Y%m%d-%H%M%S}.db"
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".partial")
    tmp.unlink(missing_ok=True)
    try:
        copy_store(source, tmp, step_pages=1024)  # in steps: the hall's writers are not held up
    except StorageError as exc:
        tmp.unlink(missing_ok=True)
        raise BackupError(f"backup failed: {exc}") from exc
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
        try:
            copy_store(source, incoming)
            _check(incoming)
            if store.exists():
                kept = data_dir / f"{STORE_FILE}.before-restore-{datetime.now():%Y%m%d-%H%M%S}"
                fold_wal(store)  # so that the kept copy is whole
                store.replace(kept)
        except StorageError as exc:
            incoming.unlink(missing_ok=True)
            raise BackupError(f"restore failed: {exc}") from exc
        except BackupError:
            incoming.unlink(missing_ok=True)
            raise
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
