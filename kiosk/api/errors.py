"""Errors of the LAN API: one JSON shape, ``{"error": {"code", "message"}}``, with the
message in the caller's language (``Accept-Language``, Chinese by default).

A refusal of the hall (:class:`~kiosk.queue.errors.QueueError` and its kin) carries its own
status and code; :class:`ApiError` is for what only the API decides (a missing token, a
malformed date). Bad input never changes state: it is refused before the hall is asked.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kiosk.api import models as m
from kiosk.bills.source import UNAVAILABLE_MESSAGE, BillsUnavailable
from kiosk.i18n import normalise_lang, translate
from kiosk.queue.errors import QueueError
from kiosk.store import StorageError


class ApiError(Exception):
    def __init__(self, status: int, code: str, template: str, **params: Any) -> None:
        super().__init__(template.format(**params))
        self.status, self.code, self.template, self.params = status, code, template, params


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": m.ErrorOut} for code in (400, 401, 403, 404, 409, 503)
}


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


def request_lang(request: Request) -> str:
    return normalise_lang(request.headers.get("accept-language"))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(QueueError)
    async def on_queue_error(request: Request, exc: QueueError) -> JSONResponse:
        message = translate(exc.template, request_lang(request)).format(**exc.params)
        retry = getattr(exc, "retry_after_s", None)
        headers = {"Retry-After": str(retry)} if retry is not None else None
        return error_response(exc.http_status, exc.code, message, headers)

    @app.exception_handler(ApiError)
    async def on_api_error(request: Request, exc: ApiError) -> JSONResponse:
        message = translate(exc.template, request_lang(request)).format(**exc.params)
        return error_response(exc.status, exc.code, message)

    @app.exception_handler(BillsUnavailable)
    async def on_bills_unavailable(request: Request, exc: BillsUnavailable) -> JSONResponse:
        message = translate(UNAVAILABLE_MESSAGE, request_lang(request))
        return error_response(503, "bills_unavailable", message)

    @app.exception_handler(StorageError)
    async def on_storage_error(request: Request, exc: StorageError) -> JSONResponse:
        message = translate("数据无法保存，请联系技术人员（{detail}）", request_lang(request))
        return error_response(503, "storage_unavailable", message.format(detail=exc))

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for e in exc.errors()[:3]:
            where = ".".join(str(x) for x in e.get("loc", ()) if x != "body")
            parts.append(f"{where}: {e.get('msg')}" if where else str(e.get("msg")))
        message = translate("请求格式不正确：{detail}", request_lang(request))
        return error_response(400, "invalid_request", message.format(detail="; ".join(parts)))

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed"}
        if exc.status_code == 404:
            message = translate("没有这个接口", request_lang(request))
        else:
            message = translate("请求方法不被允许", request_lang(request))
        return error_response(exc.status_code, codes.get(exc.status_code, "http_error"), message)
