"""Bills for self-service lookup (电费查询): where the hall daemon gets them.

- :mod:`kiosk.bills.source` — the :class:`~kiosk.bills.source.BillSource` protocol and the
  deterministic demo customers;
- :mod:`kiosk.bills.central` — bills through central, with a cache for when it is away;
- :mod:`kiosk.bills.tariff` — the tiered tariff, shared with central's demo data.
"""
