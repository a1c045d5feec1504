"""The devices wired to the hall, for technicians and the admin panels."""

from __future__ import annotations

import os
from typing import Any

from fastapi import APIRouter, Depends, Request

from kiosk.api import models as m
from kiosk.api.context import PREFIX, ApiContext, Principal, allow, api_context
from kiosk.api.errors import ERROR_RESPONSES, ApiError, request_lang

router = APIRouter(prefix=f"{PREFIX}/devices", tags=["devices"], responses=ERROR_RESPONSES)


@router.get("", response_model=list[m.DeviceOut])
def list_devices(
    request: Request,
    who: Principal = Depends(allow("read")),
    ctx: ApiContext = Depends(api_context),
) -> list[dict[str, Any]]:
    """Configured devices, one entry each with one state (``level`` ok / warn / fail): a
    printer out of paper is one entry in ``paper_out``, its roll running low one in
    ``paper_near_end``. ``label``, ``text`` and ``fix`` are in the language of
    ``Accept-Language`` (Chinese by default), the words of the device-state table."""
    if ctx.devices is None:
        return []
    return ctx.devices.snapshot(english=request_lang(request) == "en")


@router.post("/printer/test", response_model=m.PrintTestOut)
def print_test(
    body: m.PrintTestIn | None = None,
    who: Principal = Depends(allow("manage")),
    ctx: ApiContext = Depends(api_context),
) -> dict[str, Any]:
    """Print a sample ticket (the technician's check); waits for the outcome. With
    ``printer_url``, only if that is this daemon's printer: a technician's test page never
    comes out of another printer than the one they named."""
    if ctx.devices is None or ctx.devices.printer is None:
        raise ApiError(404, "no_printer", "没有配置打印机")
    mine = ctx.devices.config.printer.url
    if body is not None and body.printer_url and not same_port(body.printer_url, mine):
        raise ApiError(
            409,
            "other_printer",
            "此营业厅服务连接的打印机是{mine}，不是{asked}，未打印",
            mine=mine,
            asked=body.printer_url,
        )
    return {**ctx.devices.print_sample(), "url": mine}


def same_port(a: str, b: str) -> bool:
    """The same device: the same URL, or two paths to one device file (a udev symlink)."""
    if a == b:
        return True
    return a.startswith("/") and b.startswith("/") and os.path.realpath(a) == os.path.realpath(b)
