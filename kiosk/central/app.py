"""Central's HTTP API (FastAPI; the reference is its OpenAPI document at /openapi.json).

Two kinds of caller, each with a bearer key of which central keeps only the SHA-256:
- a **hall** (its own key): pushes its own events, reads its configuration, its notices and
  bills. A hall key can never write or read as another hall.
- an **operator** (the admin key): sets a hall's configuration, publishes and withdraws
  outage notices, reads the fleet report and any hall's events.

A refused push (forged hall, wrong order, unknown type, malformed event) writes nothing and
is recorded, so it shows in the fleet report; the hall's sync daemon shows it too.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kiosk import __version__
from kiosk.central import models as m
from kiosk.central.config import CentralConfig, key_hash
from kiosk.central.store import CentralStore, GapError, StoreError, WireEvent
from kiosk.config import ConfigError, parse_config
from kiosk.i18n import normalise_lang, translate
from kiosk.queue.events import EVENT_TYPES, Event
from kiosk.sync import fragment

log = logging.getLogger("kiosk.central")

PREFIX = "/central/v1"
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": m.ErrorOut} for code in (400, 401, 403, 404, 409, 503)
}


class CentralError(Exception):
    """An error answered as ``{"error": {"code", "message"}}``, translated like the hall's."""

    def __init__(
        self,
        template: str,
        *,
        status: int,
        code: str,
        extra: dict[str, Any] | None = None,
        **params: Any,
    ) -> None:
        super().__init__(template.format(**params))
        self.template, self.status, self.code, self.params = template, status, code, params
        self.extra = extra or {}


class BatchRefused(CentralError):
    """A push that is refused as a whole and recorded against the hall."""


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization") or ""
    if not header.lower().startswith("bearer "):
        raise CentralError(
            "缺少访问密钥（Authorization: Bearer …）", status=401, code="unauthorized"
        )
    return header[7:].strip()


def validate_batch(hall: str, batch: m.EventBatchIn) -> list[WireEvent]:
    """Every event checked before anything is written: contiguous order, known types, fields
    that make a valid event of that type."""
    if batch.hall != hall:
        raise BatchRefused(
            "批次声明的营业厅{claimed}与密钥不符",
            status=403,
            code="forged_hall",
            claimed=batch.hall,
        )
    out: list[WireEvent] = []
    prev: int | None = None
    for e in batch.events:
        if prev is not None and e.seq != prev + 1:
            raise BatchRefused(
                "事件顺序错误：序号{seq}应为{expected}",
                status=400,
                code="bad_order",
                seq=e.seq,
                expected=prev + 1,
            )
        prev = e.seq
        if e.type not in EVENT_TYPES:
            raise BatchRefused(
                "未知的事件类型{type}（序号{seq}）",
                status=400,
                code="unknown_type",
                type=e.type,
                seq=e.seq,
            )
        try:
            at = datetime.fromisoformat(e.at)
            day = date.fromisoformat(e.day)
            if at.tzinfo is None:
                raise ValueError("a time without an offset")
            Event.from_data(e.type, at, e.data)
        except (ValueError, TypeError) as exc:
            raise BatchRefused(
                "事件格式不正确（序号{seq}）：{detail}",
                status=400,
                code="bad_event",
                seq=e.seq,
                detail=str(exc)[:200],
            ) from None
        out.append(
            WireEvent(e.seq, e.type, at.isoformat(), day.isoformat(), e.ticket, e.counter, e.data)
        )
    return out


def check_hall_config(hall: str, text: str) -> None:
    """A hall's configuration fragment, refused at the source when a hall would refuse it."""
    try:
        fragment.check_fragment(text)
        parse_config(
            fragment.merge(f'[hall]\nid = "{hall}"\nname = "check"\n', text),
            f"<configuration of {hall}>",
        )
    except (fragment.FragmentError, ConfigError) as exc:
        raise CentralError(
            "营业厅配置无效：{detail}", status=400, code="invalid_config", detail=str(exc)
        ) from None


def create_central_app(
    config: CentralConfig, store: CentralStore, now: Callable[[], datetime] | None = None
) -> FastAPI:
    tz = ZoneInfo(config.central.timezone)
    clock = now or (lambda: datetime.now(tz))
    halls_by_hash = {h.key_sha256: h.id for h in config.halls}
    names = {h.id: h.name for h in config.halls}
    admin_hash = config.central.admin_key_sha256

    app = FastAPI(
        title="Hall kiosk central",
        version=__version__,
        description="The other end of the halls' sync: events in, configuration, outage "
        "notices and bills out, a fleet report. Protocol: docs/sync.md.",
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )

    def lang(request: Request) -> str:
        return normalise_lang(request.headers.get("accept-language"))

    def answer(request: Request, exc: CentralError) -> JSONResponse:
        message = translate(exc.template, lang(request)).format(**exc.params)
        body = {"code": exc.code, "message": message, **exc.extra}
        return JSONResponse({"error": body}, status_code=exc.status)

    @app.exception_handler(CentralError)
    async def on_error(request: Request, exc: CentralError) -> JSONResponse:
        return answer(request, exc)

    @app.exception_handler(StoreError)
    async def on_store_error(request: Request, exc: StoreError) -> JSONResponse:
        log.error("database error: %s", exc)
        return answer(
            request,
            CentralError("中心数据库暂不可用", status=503, code="database_unavailable"),
        )

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for e in exc.errors()[:3]:
            where = ".".join(str(x) for x in e.get("loc", ()) if x != "body")
            parts.append(f"{where}: {e.get('msg')}" if where else str(e.get("msg")))
        detail = "; ".join(parts)
        hall = request.path_params.get("hall")
        if request.url.path.endswith("/events") and request.method == "POST" and hall:
            key_hall = halls_by_hash.get(key_hash(_bearer_or_empty(request)))
            if key_hall == hall:
                store.refuse(hall, "invalid_request", detail, clock())
        return answer(
            request,
            CentralError(
                "请求格式不正确：{detail}", status=400, code="invalid_request", detail=detail
            ),
        )

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            err = CentralError("没有这个接口", status=404, code="not_found")
        else:
            err = CentralError("请求方法不被允许", status=exc.status_code, code="http_error")
        return answer(request, err)

    def _bearer_or_empty(request: Request) -> str:
        try:
            return _bearer(request)
        except CentralError:
            return ""

    # ------------------------------------------------------------------ auth

    def hall_key(request: Request) -> str:
        """The hall whose key this is (401 for no or an unknown key)."""
        hall = halls_by_hash.get(key_hash(_bearer(request)))
        if hall is None:
            raise CentralError("访问密钥无效", status=401, code="unauthorized")
        return hall

    def own_hall(hall: str, request: Request) -> str:
        who = hall_key(request)
        if who != hall:
            log.warning("hall %s used its key for hall %s: refused", who, hall)
            raise CentralError(
                "此密钥只能访问本营业厅（{hall}）", status=403, code="forbidden", hall=who
            )
        return who

    def admin(request: Request) -> None:
        given = key_hash(_bearer(request))
        if not admin_hash or not hmac.compare_digest(given, admin_hash):
            raise CentralError("需要管理员密钥", status=403, code="forbidden")

    def hall_or_admin(hall: str, request: Request) -> str:
        given = key_hash(_bearer(request))
        if admin_hash and hmac.compare_digest(given, admin_hash):
            return hall
        return own_hall(hall, request)

    def known_hall(hall: str) -> None:
        if hall not in names:
            raise CentralError("没有营业厅{hall}", status=404, code="unknown_hall", hall=hall)

    # ---------------------------------------------------------------- routes

    @app.get(f"{PREFIX}/health", response_model=m.CentralHealthOut, tags=["central"])
    def health() -> dict[str, Any]:
        """Liveness; needs no key."""
        return {"status": "ok", "database": store.backend, "halls": len(names)}

    @app.post(
        f"{PREFIX}/halls/{{hall}}/events",
        response_model=m.AckOut,
        responses=ERRORS,
        tags=["sync"],
    )
    def push_events(hall: str, batch: m.EventBatchIn, request: Request) -> dict[str, Any]:
        """Store a batch of the hall's events, idempotently: events central already holds
        are skipped. Answers the highest sequence central holds; the hall advances its cursor
        only on this answer. A batch starting after that sequence is refused (409 ``gap``,
        with ``acked_seq``) and the hall resends from there."""
        key_hall = hall_key(request)
        try:
            if key_hall != hall:
                raise BatchRefused(
                    "此密钥只能写入本营业厅（{hall}）的事件",
                    status=403,
                    code="forged_hall",
                    hall=key_hall,
                )
            events = validate_batch(hall, batch)
        except BatchRefused as exc:
            log.warning("refused a batch of hall %s: %s", key_hall, exc.code)
            store.refuse(key_hall, exc.code, str(exc), clock())
            raise
        try:
            result = store.ingest(hall, events, clock())
        except GapError as exc:
            raise CentralError(
                "事件不连续：中心已有到{acked}，批次从{first}开始",
                status=409,
                code="gap",
                extra={"acked_seq": exc.acked_seq},
                acked=exc.acked_seq,
                first=exc.first_seq,
            ) from None
        return {"hall": hall, "acked_seq": result.acked_seq, "stored": result.stored}

    @app.get(
        f"{PREFIX}/halls/{{hall}}/cursor", response_model=m.AckOut, responses=ERRORS, tags=["sync"]
    )
    def cursor(hall: str, who: str = Depends(own_hall)) -> dict[str, Any]:
        """The highest sequence central holds for the hall (a hall that lost its state asks)."""
        return {"hall": hall, "acked_seq": store.acked_seq(hall), "stored": 0}

    @app.get(
        f"{PREFIX}/halls/{{hall}}/config",
        response_model=m.HallConfigOut,
        responses=ERRORS,
        tags=["config"],
    )
    def get_config(hall: str, who: str = Depends(hall_or_admin)) -> dict[str, Any]:
        """The hall's business configuration: a TOML fragment with its digest."""
        known_hall(hall)
        cfg = store.hall_config(hall)
        if cfg is None:
            raise CentralError(
                "中心还没有营业厅{hall}的配置", status=404, code="no_config", hall=hall
            )
        return cfg

    @app.put(
        f"{PREFIX}/halls/{{hall}}/config",
        response_model=m.HallConfigOut,
        responses=ERRORS,
        tags=["config"],
    )
    def put_config(hall: str, body: m.HallConfigIn, _: None = Depends(admin)) -> dict[str, Any]:
        """Set a hall's configuration; the hall's sync daemon applies it at its next pull,
        without dropping anyone waiting. Refused here if the hall would refuse it."""
        known_hall(hall)
        check_hall_config(hall, body.text)
        store.put_hall_config(hall, body.text, fragment.digest(body.text), clock())
        cfg = store.hall_config(hall)
        assert cfg is not None
        return cfg

    @app.get(
        f"{PREFIX}/halls/{{hall}}/notices",
        response_model=m.NoticesOut,
        responses=ERRORS,
        tags=["notices"],
    )
    def get_notices(hall: str, who: str = Depends(hall_or_admin)) -> dict[str, Any]:
        """Outage notices (停电公告) the hall shows now: not withdrawn, not ended."""
        notices = store.notices(hall, clock())
        text = json.dumps(notices, sort_keys=True, ensure_ascii=False)
        return {"hall": hall, "digest": fragment.digest(text), "notices": notices}

    @app.put(
        f"{PREFIX}/notices/{{notice_id}}",
        response_model=m.NoticeOut,
        responses=ERRORS,
        tags=["notices"],
    )
    def put_notice(notice_id: str, body: m.NoticeIn, _: None = Depends(admin)) -> dict[str, Any]:
        """Publish or change an outage notice for some halls or all (``["*"]``)."""
        if not 1 <= len(notice_id) <= 64:
            raise CentralError("公告编号长度应为1到64", status=400, code="invalid_request")
        for value in (body.starts_at, body.ends_at):
            if value is not None:
                try:
                    if datetime.fromisoformat(value).tzinfo is None:
                        raise ValueError
                except ValueError:
                    raise CentralError(
                        "时间格式应为带时区的 ISO 8601：{value}",
                        status=400,
                        code="invalid_request",
                        value=value,
                    ) from None
        targets = sorted(set(body.halls)) or ["*"]
        if "*" in targets:
            targets = ["*"]
        for hall in targets:
            if hall != "*":
                known_hall(hall)
        store.put_notice({**body.model_dump(), "id": notice_id}, targets, clock())
        return {
            "id": notice_id,
            "title": body.title,
            "body": body.body,
            "area": body.area,
            "starts_at": body.starts_at,
            "ends_at": body.ends_at,
        }

    @app.delete(
        f"{PREFIX}/notices/{{notice_id}}",
        status_code=204,
        responses=ERRORS,
        tags=["notices"],
    )
    def withdraw_notice(notice_id: str, _: None = Depends(admin)) -> None:
        """Withdraw a notice: the halls drop it at their next pull."""
        if not store.withdraw_notice(notice_id, clock()):
            raise CentralError(
                "没有公告{notice}", status=404, code="unknown_notice", notice=notice_id
            )

    @app.get(
        f"{PREFIX}/bills/{{account}}", response_model=m.BillOut, responses=ERRORS, tags=["bills"]
    )
    def bill(account: str, who: str = Depends(hall_key)) -> dict[str, Any]:
        """A customer's bill from the accounts table; ``as_of`` is when the data was last
        updated at central."""
        if not account.isdigit() or len(account) > 32:
            raise CentralError("户号格式不正确", status=400, code="invalid_account")
        found = store.bill(account)
        if found is None:
            raise CentralError("未找到该户号", status=404, code="unknown_account")
        return found

    @app.get(f"{PREFIX}/fleet", response_model=m.FleetOut, responses=ERRORS, tags=["fleet"])
    def fleet(
        day: str | None = Query(None, alias="date", description="YYYY-MM-DD, default today"),
        _: None = Depends(admin),
    ) -> dict[str, Any]:
        """Every hall: how far its events are in, when it last pushed, the day's tickets and
        satisfaction, refused pushes."""
        try:
            when = date.fromisoformat(day) if day else clock().date()
        except ValueError:
            raise CentralError(
                "日期格式应为 YYYY-MM-DD", status=400, code="invalid_request"
            ) from None
        rows = store.fleet(when, known=list(names))
        for hall, row in rows.items():
            row["name"] = names.get(hall, "")
        return {"date": when.isoformat(), "halls": list(rows.values())}

    @app.get(
        f"{PREFIX}/halls/{{hall}}/events",
        response_model=list[m.EventIn],
        responses=ERRORS,
        tags=["sync"],
    )
    def list_events(
        hall: str,
        after: int = Query(0, ge=0),
        limit: int = Query(1000, ge=1, le=10000),
        _: None = Depends(admin),
    ) -> list[dict[str, Any]]:
        """A hall's stored events in order (operators, audits, tests)."""
        return store.events(hall, after=after, limit=limit)

    return app
