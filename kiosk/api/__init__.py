"""The LAN API of the hall daemon: HTTP/JSON under /api/v1 and a WebSocket of events.

``create_app`` and ``ApiServer`` are imported on first use: a client of the daemon (the
Qt UIs import :mod:`kiosk.api.client`) must not pay for FastAPI, pydantic and uvicorn
(~50 MB of a kiosk's 150 MB budget).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.api.app import create_app
    from kiosk.api.server import ApiServer

__all__ = ["ApiServer", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from kiosk.api.app import create_app

        return create_app
    if name == "ApiServer":
        from kiosk.api.server import ApiServer

        return ApiServer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
