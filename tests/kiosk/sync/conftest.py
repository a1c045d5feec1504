"""The sync tests use central on SQLite and on a real PostgreSQL server (see central's)."""

from tests.kiosk.central.conftest import database, pg_server

__all__ = ["database", "pg_server"]
