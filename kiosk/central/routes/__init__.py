"""Central's routes, one router per area; :func:`kiosk.central.app.create_central_app`
includes every router of :data:`ROUTERS`."""

from __future__ import annotations

from fastapi import APIRouter

from kiosk.central.routes import bills, config, fleet, notices, sync

ROUTERS: list[APIRouter] = [fleet.router, sync.router, config.router, notices.router, bills.router]
