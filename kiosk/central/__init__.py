"""The central reference server (``kiosk central``): the other end of the sync protocol.

It stores every hall's events idempotently (hall id + sequence), serves each hall its
configuration and outage notices, answers bill look-ups from its accounts table and gives a
fleet report across halls. PostgreSQL in production, SQLite as the embedded default, behind
the same code (:mod:`kiosk.central.store`). The protocol is in docs/sync.md.
"""
