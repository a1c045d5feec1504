"""The durable store: an append-only event log in SQLite (WAL, fsync on every commit)."""

from kiosk.store.eventlog import EventStore, PendingWrite, StorageError, StoredEvent

__all__ = ["EventStore", "PendingWrite", "StorageError", "StoredEvent"]
