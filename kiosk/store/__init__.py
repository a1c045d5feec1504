"""The durable store: an append-only event log in SQLite (WAL, fsync on every commit), its
one writer (:class:`EventStore`, the hall daemon's) and the read-only reader everyone else
uses (:class:`EventLogReader`)."""

from kiosk.store.eventlog import EventStore, StorageError, StoredEvent
from kiosk.store.reader import EventLogReader, LogReadError, SchemaTooNew

__all__ = [
    "EventLogReader",
    "EventStore",
    "LogReadError",
    "SchemaTooNew",
    "StorageError",
    "StoredEvent",
]
