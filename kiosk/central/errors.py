"""Central's errors: ``{"error": {"code", "message", …}}``, translated like the hall's."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kiosk.central import models as m
from kiosk.central.store import StoreError
from kiosk.i18n import normalise_lang, translate

log = logging.getLogger("kiosk.central")

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
        headers: dict[str, str] | None = None,
        **params: Any,
    ) -> None:
        super().__init__(template.format(**params))
        self.template, self.status, self.code, self.params = template, status, code, params
        self.extra = extra or {}
        self.headers = headers


class BatchRefused(CentralError):
    """A push that is refused as a whole and recorded against the hall."""


def answer(request: Request, exc: CentralError) -> JSONResponse:
    lang = normalise_lang(request.headers.get("accept-language"))
    message = translate(exc.template, lang).format(**exc.params)
    body = {"code": exc.code, "message": message, **exc.extra}
    return JSONResponse({"error": body}, status_code=exc.status, headers=exc.headers)


def validation_detail(errors: list[Any]) -> str:
    """The first few of pydantic's complaints, where each is."""
    parts = []
    for e in errors[:3]:
        where = ".".join(str(x) for x in e.get("loc", ()) if x != "body")
        parts.append(f"{where}: {e.get('msg')}" if where else str(e.get("msg")))
    return "; ".join(parts)


def install_error_handlers(app: FastAPI, on_invalid_push: Callable[[Request, str], None]) -> None:
    """``on_invalid_push(request, detail)`` records a malformed push against its hall."""

    @app.exception_handler(CentralError)
    async def on_error(request: Request, exc: CentralError) -> JSONResponse:
        return answer(request, exc)

    @app.exception_handler(StoreError)
    async def on_store_error(request: Request, exc: StoreError) -> JSONResponse:
        log.error("database error: %s", exc)
        return answer(
            request, CentralError("中心数据库暂不可用", status=503, code="database_unavailable")
        )

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = validation_detail(list(exc.errors()))
        on_invalid_push(request, detail)
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
