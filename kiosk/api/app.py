"""Routes of the LAN API (DESIGN.md "LAN API contract").

Every route but ``/api/v1/health`` needs ``Authorization: Bearer <token>``; tokens are per
device or counter and say what the holder may do (see :data:`PERMISSIONS`). Every error is
``{"error": {"code", "message"}}`` with a 4xx status (503 when the store cannot be written),
the message in the caller's language (``Accept-Language``, Chinese by default). Bad input
never changes state: it is refused before the queue is touched.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import Depends, FastAPI, Query, Request, WebSocket, WebSocketDisconnect
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from kiosk import __version__
from kiosk.api import models as m
from kiosk.api.ws import Client, EventHub
from kiosk.bills.source import UNAVAILABLE_MESSAGE, BillSource, BillsUnavailable, UnknownAccount
from kiosk.config import TokenSettings
from kiosk.hall.devices import HallDevices
from kiosk.hall.reports import daily_report
from kiosk.hall.service import Hall, IdCardInput
from kiosk.i18n import normalise_lang, translate
from kiosk.queue.errors import InvalidRequest, QueueError
from kiosk.store import StorageError

PREFIX = "/api/v1"

# What each role may do. A counter token may act only on its own counter.
PERMISSIONS: dict[str, set[str]] = {
    "issue": {"kiosk", "manager"},
    "read": {"kiosk", "counter", "display", "manager", "sync"},
    "counter": {"counter", "manager"},
    "evaluate": {"counter", "kiosk", "manager"},
    "bills": {"kiosk", "counter", "manager"},
    "personal": {"counter", "manager"},
    "manage": {"manager"},
    "sync": {"sync", "manager"},  # hand over central's configuration and notices
}


@dataclass(frozen=True)
class Principal:
    role: str
    name: str
    counter: int


@dataclass(frozen=True)
class ApiContext:
    """What a route module (:mod:`kiosk.api.routes`) gets to build its routes with."""

    hall: Hall
    bills: BillSource
    devices: HallDevices | None
    hub: EventHub
    #: ``Depends(ctx.allow("issue"))`` checks the token and its role (see PERMISSIONS).
    allow: Callable[[str], Callable[[Request], Principal]]
    #: Raises 403 when a counter token acts on another counter.
    own_counter: Callable[[Principal, int], None]
    #: Replaces the accepted tokens (a new configuration from central); None: fixed.
    set_tokens: Callable[[list[TokenSettings]], None] | None = None


class ApiError(Exception):
    def __init__(self, status: int, code: str, template: str, **params: Any) -> None:
        super().__init__(template.format(**params))
        self.status, self.code, self.template, self.params = status, code, template, params


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _lang(request: Request) -> str:
    return normalise_lang(request.headers.get("accept-language"))


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": m.ErrorOut} for code in (400, 401, 403, 404, 409, 503)
}


def create_app(
    hall: Hall,
    bills: BillSource,
    tokens: list[TokenSettings],
    devices: HallDevices | None = None,
) -> FastAPI:
    by_token = {t.token: Principal(t.role, t.name, t.counter) for t in tokens}
    token_table = [by_token]  # swapped whole by set_tokens, never changed in place

    def set_tokens(new: list[TokenSettings]) -> None:
        token_table[0] = {t.token: Principal(t.role, t.name, t.counter) for t in new}

    hub = EventHub()

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
    app.state.hub = hub

    # ------------------------------------------------------------------ errors

    @app.exception_handler(QueueError)
    async def on_queue_error(request: Request, exc: QueueError) -> JSONResponse:
        message = translate(exc.template, _lang(request)).format(**exc.params)
        return _error(exc.http_status, exc.code, message)

    @app.exception_handler(ApiError)
    async def on_api_error(request: Request, exc: ApiError) -> JSONResponse:
        message = translate(exc.template, _lang(request)).format(**exc.params)
        return _error(exc.status, exc.code, message)

    @app.exception_handler(BillsUnavailable)
    async def on_bills_unavailable(request: Request, exc: BillsUnavailable) -> JSONResponse:
        return _error(503, "bills_unavailable", translate(UNAVAILABLE_MESSAGE, _lang(request)))

    @app.exception_handler(StorageError)
    async def on_storage_error(request: Request, exc: StorageError) -> JSONResponse:
        message = translate("数据无法保存，请联系技术人员（{detail}）", _lang(request))
        return _error(503, "storage_unavailable", message.format(detail=exc))

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for e in exc.errors()[:3]:
            where = ".".join(str(x) for x in e.get("loc", ()) if x != "body")
            parts.append(f"{where}: {e.get('msg')}" if where else str(e.get("msg")))
        message = translate("请求格式不正确：{detail}", _lang(request))
        return _error(400, "invalid_request", message.format(detail="; ".join(parts)))

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed"}
        if exc.status_code == 404:
            message = translate("没有这个接口", _lang(request))
        else:
            message = translate("请求方法不被允许", _lang(request))
        return _error(exc.status_code, codes.get(exc.status_code, "http_error"), message)

    # -------------------------------------------------------------------- auth

    def principal_of(authorization: str | None) -> Principal:
        if not authorization or not authorization.lower().startswith("bearer "):
            raise ApiError(401, "unauthorized", "缺少访问令牌（Authorization: Bearer …）")
        token = authorization[7:].strip()
        for known, who in token_table[0].items():
            if hmac.compare_digest(known.encode(), token.encode()):
                return who
        raise ApiError(401, "unauthorized", "访问令牌无效")

    def allow(permission: str) -> Callable[[Request], Principal]:
        def check(request: Request) -> Principal:
            who = principal_of(request.headers.get("authorization"))
            if who.role not in PERMISSIONS[permission]:
                raise ApiError(403, "forbidden", "此设备无权执行该操作")
            return who

        return check

    def own_counter(who: Principal, counter: int) -> None:
        if who.role == "counter" and who.counter != counter:
            raise ApiError(403, "forbidden", "此令牌只能操作{counter}号窗口", counter=who.counter)

    # ------------------------------------------------------------------ routes

    @app.get(f"{PREFIX}/health", response_model=m.HealthOut, tags=["hall"])
    def health() -> dict[str, Any]:
        """Liveness for systemd and technicians; needs no token."""
        return {
            "status": "degraded" if hall.storage_error else "ok",
            "hall": hall.config.hall.id,
            "last_seq": hall.last_seq,
            "storage_error": hall.storage_error,
        }

    @app.post(
        f"{PREFIX}/tickets",
        status_code=201,
        response_model=m.TicketOut,
        responses=ERROR_RESPONSES,
        tags=["tickets"],
    )
    def issue_ticket(body: m.IssueIn, who: Principal = Depends(allow("issue"))) -> dict[str, Any]:
        """Take a ticket. Printing happens after the 201: its outcome is an event."""
        card = IdCardInput(body.id_card.id_number, body.id_card.name) if body.id_card else None
        return hall.issue_ticket(
            body.service, priority=body.priority, id_card=card, account=body.account
        )

    @app.get(
        f"{PREFIX}/tickets/{{ticket_id}}",
        response_model=m.TicketWithPersonalOut,
        responses=ERROR_RESPONSES,
        tags=["tickets"],
    )
    def get_ticket(ticket_id: str, who: Principal = Depends(allow("read"))) -> dict[str, Any]:
        """A ticket with its status and position. Counters and managers also see the
        masked personal data staff need (account, masked ID and name)."""
        view = hall.ticket_view(ticket_id)
        if who.role in PERMISSIONS["personal"]:
            view.update(hall.personal_view(ticket_id) or {})
        return view

    @app.post(
        f"{PREFIX}/tickets/{{ticket_id}}/reinstate",
        response_model=m.TicketOut,
        responses=ERROR_RESPONSES,
        tags=["tickets"],
    )
    def reinstate(ticket_id: str, who: Principal = Depends(allow("counter"))) -> dict[str, Any]:
        """Put a no-show ticket back in the queue (at the back: 过号重新排队)."""
        return hall.reinstate(ticket_id)

    @app.post(
        f"{PREFIX}/tickets/{{ticket_id}}/cancel",
        response_model=m.TicketOut,
        responses=ERROR_RESPONSES,
        tags=["tickets"],
    )
    def cancel(
        ticket_id: str, body: m.CancelIn | None = None, who: Principal = Depends(allow("counter"))
    ) -> dict[str, Any]:
        return hall.cancel(ticket_id, reason=body.reason if body else None)

    @app.get(f"{PREFIX}/queue", response_model=m.QueueOut, responses=ERROR_RESPONSES, tags=["hall"])
    def get_queue(who: Principal = Depends(allow("read"))) -> dict[str, Any]:
        return hall.queue_view()

    @app.post(
        f"{PREFIX}/counters/{{counter}}/call-next",
        response_model=m.TicketOut,
        responses={**ERROR_RESPONSES, 204: {"description": "Nobody waits for this counter"}},
        tags=["counters"],
    )
    def call_next(
        counter: int, body: m.CallNextIn | None = None, who: Principal = Depends(allow("counter"))
    ) -> Any:
        """Call the next ticket; a ticket still at the counter is finished first."""
        own_counter(who, counter)
        called = hall.call_next(counter, staff=body.staff if body else None)
        return called if called is not None else Response(status_code=204)

    def counter_route(action: str, doc: str) -> None:
        def handler(
            counter: int,
            body: m.StartIn | None = None,
            who: Principal = Depends(allow("counter")),
        ) -> dict[str, Any]:
            own_counter(who, counter)
            return hall.counter_action(counter, action, staff=body.staff if body else None)

        handler.__doc__ = doc
        app.post(
            f"{PREFIX}/counters/{{counter}}/{action}",
            response_model=m.CounterActionOut,
            responses=ERROR_RESPONSES,
            tags=["counters"],
            operation_id=f"counter_{action.replace('-', '_')}",
            name=f"counter_{action}",
        )(handler)

    for action, doc in (
        ("recall", "Call the current ticket again (up to queue.max_recalls times)."),
        ("start", "The customer arrived: serving starts (the time limit runs from here)."),
        ("done", "Finish the current ticket (办结)."),
        ("no-show", "The called customer did not come (过号)."),
        ("pause", "Pause the counter (暂停服务): it calls nobody until resumed."),
        ("resume", "Resume a paused counter."),
        ("evaluate", "Ask the customer to rate the service (请评价)."),
    ):
        counter_route(action, doc)

    @app.post(
        f"{PREFIX}/counters/{{counter}}/transfer",
        response_model=m.CounterActionOut,
        responses=ERROR_RESPONSES,
        tags=["counters"],
    )
    def transfer(
        counter: int, body: m.TransferIn, who: Principal = Depends(allow("counter"))
    ) -> dict[str, Any]:
        """Send the current ticket to another service or counter; it keeps its original
        issue time (so it is not sent to the back) and its first-ask staff member."""
        own_counter(who, counter)
        if (body.service is None) == (body.counter is None):
            raise InvalidRequest("转移需指定业务或窗口之一")
        return hall.counter_action(
            counter,
            "transfer",
            to_service=body.service,
            to_counter=body.counter,
            reason=body.reason,
        )

    @app.post(
        f"{PREFIX}/evaluations",
        response_model=m.TicketOut,
        status_code=201,
        responses=ERROR_RESPONSES,
        tags=["tickets"],
    )
    def evaluate(
        body: m.EvaluationIn, who: Principal = Depends(allow("evaluate"))
    ) -> dict[str, Any]:
        """Record the customer's rating; one per ticket."""
        if who.role == "counter":
            ticket = hall.ticket_view(body.ticket)
            own_counter(who, ticket["counter"] or 0)
        return hall.evaluate(body.ticket, body.score, source=who.role)

    @app.get(
        f"{PREFIX}/bills/{{account}}",
        response_model=m.BillOut,
        responses=ERROR_RESPONSES,
        tags=["bills"],
    )
    def get_bill(account: str, who: Principal = Depends(allow("bills"))) -> dict[str, Any]:
        account = account.strip()
        if not hall.valid_account(account):
            raise ApiError(400, "invalid_account", "户号格式不正确，请核对后重新输入")
        try:
            return bills.lookup(account, hall.clock.now())
        except UnknownAccount:
            raise ApiError(
                404, "unknown_account", "未找到户号{account}，请核对后重新输入", account=account
            ) from None

    @app.get(
        f"{PREFIX}/reports/daily",
        response_model=m.DailyReportOut,
        responses=ERROR_RESPONSES,
        tags=["reports"],
    )
    def report(
        day: str | None = Query(None, alias="date", description="YYYY-MM-DD, default today"),
        who: Principal = Depends(allow("manage")),
    ) -> dict[str, Any]:
        try:
            when = date.fromisoformat(day) if day else hall.clock.now().date()
        except ValueError:
            raise ApiError(400, "invalid_request", "日期格式应为 YYYY-MM-DD") from None
        return daily_report(hall.store, hall.rules, when)

    @app.post(
        f"{PREFIX}/admin/close-day",
        response_model=m.CloseDayOut,
        responses=ERROR_RESPONSES,
        tags=["hall"],
    )
    def close_day(who: Principal = Depends(allow("manage"))) -> dict[str, Any]:
        """The daily close (日结): expire what is left, stop numbering, purge personal data."""
        return hall.close_day()

    @app.get(
        f"{PREFIX}/devices",
        response_model=list[m.DeviceOut],
        responses=ERROR_RESPONSES,
        tags=["devices"],
    )
    def list_devices(who: Principal = Depends(allow("read"))) -> list[dict[str, Any]]:
        """Configured devices and their state (for technicians and the admin panels)."""
        return devices.snapshot() if devices is not None else []

    @app.post(
        f"{PREFIX}/devices/printer/test",
        response_model=m.PrintTestOut,
        responses=ERROR_RESPONSES,
        tags=["devices"],
    )
    def print_test(who: Principal = Depends(allow("manage"))) -> dict[str, Any]:
        """Print a sample ticket (the technician's check); waits for the outcome."""
        if devices is None or devices.printer is None:
            raise ApiError(404, "no_printer", "没有配置打印机")
        return devices.print_sample()

    ctx = ApiContext(hall, bills, devices, hub, allow, own_counter, set_tokens)
    app.state.ctx = ctx
    import importlib

    from kiosk.api.routes import MODULES

    for name in MODULES:
        importlib.import_module(name).register(app, ctx)

    # --------------------------------------------------------------- websocket

    @app.websocket(f"{PREFIX}/events")
    async def events(websocket: WebSocket, token: str | None = None) -> None:
        """Push of events. Token in the Authorization header or ``?token=``."""
        header = websocket.headers.get("authorization") or (f"Bearer {token}" if token else None)
        try:
            who = principal_of(header)
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
                "queue": await asyncio.to_thread(hall.queue_view),
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
