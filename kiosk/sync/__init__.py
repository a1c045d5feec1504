"""The sync daemon (``kiosk sync``): the hall's link to the central system.

It runs as its own process beside the hall daemon, so a hung network never blocks the hall:
it reads the hall's event log read-only and pushes it to central through an outbox
(:mod:`kiosk.sync.outbox`), pulls the hall's configuration and outage notices and hands them
to the hall daemon over its LAN API (:mod:`kiosk.sync.daemon`). Bills are looked up by the
hall daemon itself through :class:`kiosk.sync.bills.CentralBills`, with a local cache for when
central is down. The protocol is in docs/sync.md.
"""
