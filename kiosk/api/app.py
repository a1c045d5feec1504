"""The LAN API (DESIGN.md "LAN API contract"): the FastAPI application of the hall daemon.

:func:`create_app` puts together the error handlers (:mod:`kiosk.api.errors`), the routers
(:mod:`kiosk.api.routes`, one per area) and the WebSocket push of committed events
(:mod:`kiosk.api.ws`). Routes reach the hall service, the bill source and the devices
through :class:`~kiosk.api.context.ApiContext`; the hall is the only writer.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI, WebSocket, WebSocketDisconnect

from kiosk import __version__
from kiosk.api.context import PREFIX, ApiContext, TokenTable, principal_of
from kiosk.api.errors import ApiError, install_error_handlers
from kiosk.api.routes import ROUTERS
from kiosk.api.ws import Client, EventHub
from kiosk.bills.source import BillSource
from kiosk.hall.devices import HallDevices
from kiosk.hall.service import Hall


def create_app(hall: Hall, bills: BillSource, devices: HallDevices | None = None) -> FastAPI:
    hub = EventHub()
    ctx = ApiContext(hall, bills, devices, hub, TokenTable(lambda: hall.config))

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        hub.attach(asyncio.get_running_loop())
        unsubscribe = hall.bus.subscribe(hub.publish)
        try:
            yield
        finally:
            unsubscribe()
            hub.close_all()

    app = FastAPI(
        title="Hall kiosk LAN API",
        version=__version__,
        description="The hall daemon's API: tickets, counters, queue, bills, reports. "
        "Push of events over the WebSocket at /api/v1/events.",
        openapi_url="/openapi.json",
        docs_url=None,  # no CDN on a kiosk LAN: the OpenAPI document is the reference
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    app.state.hub = hub
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)

    @app.websocket(f"{PREFIX}/events")
    async def events(websocket: WebSocket, token: str | None = None) -> None:
        """Push of events. Token in the Authorization header or ``?token=``."""
        header = websocket.headers.get("authorization") or (f"Bearer {token}" if token else None)
        try:
            who = principal_of(ctx, header)
        except ApiError:
            await websocket.close(code=4401, reason="unauthorized")
            return
        await websocket.accept()
        client = Client(role=who.role, name=who.name)
        hub.add(client)
        try:
            hello = {
                "type": "hello",
                "at": hall.clock.now().isoformat(),
                "seq": hall.last_seq,
                "queue": await hub.in_worker(hall.durable_queue_view),
            }
            await websocket.send_json(hello)
            receiver = asyncio.ensure_future(websocket.receive_text())
            while True:
                getter = asyncio.ensure_future(client.queue.get())
                done, _ = await asyncio.wait(
                    {getter, receiver}, return_when=asyncio.FIRST_COMPLETED
                )
                if receiver in done:
                    getter.cancel()
                    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
                        receiver.result()
                    receiver = asyncio.ensure_future(websocket.receive_text())
                    if not receiver.done() and websocket.client_state.name != "CONNECTED":
                        break
                    continue
                message = getter.result()
                if message is None:
                    await websocket.close(code=1001)
                    break
                await websocket.send_json(message)
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            hub.remove(client)
            with contextlib.suppress(Exception):
                receiver.cancel()

    return app
