"""The LAN API's routes, one router per area; :func:`kiosk.api.app.create_app` includes
every router of :data:`ROUTERS`. Routes only translate: they check the caller and the
input, ask the hall service (:class:`kiosk.hall.service.Hall`) and return its views; they
never read or change the queue or the store themselves (a test holds them to it)."""

from __future__ import annotations

from fastapi import APIRouter

from kiosk.api.routes import bills, counters, devices, hall, lobby, reports, sync, tickets

ROUTERS: list[APIRouter] = [
    hall.router,
    tickets.router,
    counters.router,
    bills.router,
    reports.router,
    devices.router,
    lobby.router,
    sync.router,
]
