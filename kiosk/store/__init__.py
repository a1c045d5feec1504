"""The durable store: an append-only event log in SQLite (WAL, fsync on every commit), its
writer (:mod:`kiosk.store.eventlog`) and a read-only reader (:mod:`kiosk.store.reader`)."""

from kiosk.store.eventlog import EventStore, PendingWrite, StorageError, StoredEvent
from kiosk.store.reader import EventLogReader, LogReadError, SchemaTooNew

__all__ = [
    "EventLogReader",
    "EventStore",
    "LogReadError",
    "PendingWrite",
    "SchemaTooNew",
    "StorageError",
    "StoredEvent",
]
