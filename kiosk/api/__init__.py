"""The LAN API of the hall daemon: HTTP/JSON under /api/v1 and a WebSocket of events."""

from kiosk.api.app import create_app
from kiosk.api.server import ApiServer

__all__ = ["ApiServer", "create_app"]
