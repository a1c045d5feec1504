"""Central's HTTP API (FastAPI; the reference is its OpenAPI document at /openapi.json).

:func:`create_central_app` puts together the error handlers (:mod:`kiosk.central.errors`),
the callers' keys (:mod:`kiosk.central.context`) and the routers (:mod:`kiosk.central.routes`,
one per area: the halls' pushes, configuration, notices, bills, the fleet report).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi

from kiosk import __version__
from kiosk.central import models as m
from kiosk.central.config import CentralConfig
from kiosk.central.context import CentralContext, bearer
from kiosk.central.errors import CentralError, install_error_handlers
from kiosk.central.routes import ROUTERS
from kiosk.central.routes.config import check_hall_config
from kiosk.central.routes.sync import validate_batch
from kiosk.central.store import CentralStore

__all__ = ["CentralError", "check_hall_config", "create_central_app", "validate_batch"]


def create_central_app(
    config: CentralConfig, store: CentralStore, now: Callable[[], datetime] | None = None
) -> FastAPI:
    tz = ZoneInfo(config.central.timezone)
    ctx = CentralContext.of(config, store, now or (lambda: datetime.now(tz)))
    app = FastAPI(
        title="Hall kiosk central",
        version=__version__,
        description="The other end of the halls' sync: events in, configuration, outage "
        "notices and bills out, a fleet report. Protocol: docs/sync.md.",
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.ctx = ctx

    def record_invalid_push(request: Request, detail: str) -> None:
        """A malformed push is recorded against its hall (when the key is that hall's)."""
        hall = request.path_params.get("hall")
        if not (request.url.path.endswith("/events") and request.method == "POST" and hall):
            return
        try:
            key_hall = ctx.hall_of_key(bearer(request))
        except CentralError:
            return
        if key_hall == hall:
            store.refuse(hall, "invalid_request", detail, ctx.clock())

    install_error_handlers(app, record_invalid_push)
    for router in ROUTERS:
        app.include_router(router)
    _document_raw_bodies(app)
    return app


def _document_raw_bodies(app: FastAPI) -> None:
    """The push route reads its body itself (decoded off the event loop), so FastAPI does
    not see its model: put ``EventBatchIn`` (and what it refers to) in the document."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            schema = m.EventBatchIn.model_json_schema(ref_template="#/components/schemas/{model}")
            components = doc.setdefault("components", {}).setdefault("schemas", {})
            components.update(schema.pop("$defs", {}))
            components["EventBatchIn"] = schema
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
