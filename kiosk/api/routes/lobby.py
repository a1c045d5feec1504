"""What the lobby touchscreen (``kiosk ui``) needs beyond tickets and bills.

- ``GET  /api/v1/lobby`` — the lobby's settings (``[lobby]``), the hall's names, which
  devices exist: the touchscreen holds no configuration of its own.
- ``POST /api/v1/lobby/admin/unlock`` ``{pin}`` — the admin panel's PIN, checked by the
  hall (:meth:`kiosk.hall.service.Hall.check_admin_pin`): after ``admin_max_tries`` wrong
  PINs the panel stays locked for ``admin_lockout_min`` minutes (by the hall's clock, per
  kiosk token; a restarted touchscreen does not get fresh tries).
- ``POST /api/v1/voice/guidance`` ``{key | text, lang}`` — voice guidance through the
  hall's voice; harmless (``queued: false``) when the voice is off.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from kiosk.api import models as m
from kiosk.api.context import PREFIX, ApiContext, Principal, allow, api_context
from kiosk.api.errors import ERROR_RESPONSES, ApiError

router = APIRouter(prefix=PREFIX, tags=["lobby"], responses=ERROR_RESPONSES)


@router.get("/lobby", response_model=m.LobbySettingsOut)
def lobby_settings(
    who: Principal = Depends(allow("issue")), ctx: ApiContext = Depends(api_context)
) -> dict[str, Any]:
    """The lobby touchscreen's settings; it keeps no configuration of its own."""
    cfg = ctx.hall.config
    lobby = cfg.lobby
    return {
        "hall": {"id": cfg.hall.id, "name": cfg.hall.name, "name_en": cfg.hall.name_en},
        "idle_timeout_s": lobby.idle_timeout_s,
        "ticket_screen_s": lobby.ticket_screen_s,
        "ask_identification": lobby.ask_identification,
        "elderly_offer": lobby.elderly_offer,
        "elderly_age": ctx.hall.rules.elderly_age,
        "orientation": lobby.orientation,
        "large_type": lobby.large_type,
        "voice_guidance": lobby.voice_guidance,
        "admin_enabled": bool(lobby.admin_pin_hash),
        "printer": bool(cfg.printer.url),
        "idcard": bool(cfg.idcard.url),
    }


@router.post("/lobby/admin/unlock", response_model=m.AdminUnlockOut)
def admin_unlock(
    body: m.AdminUnlockIn,
    who: Principal = Depends(allow("issue")),
    ctx: ApiContext = Depends(api_context),
) -> dict[str, Any]:
    """Check the admin panel's PIN. Wrong PINs count towards a lockout."""
    ctx.hall.check_admin_pin(body.pin, device=who.name)
    return {"unlocked": True}


@router.post("/voice/guidance", response_model=m.GuidanceOut)
def voice_guidance(
    body: m.GuidanceIn,
    who: Principal = Depends(allow("issue")),
    ctx: ApiContext = Depends(api_context),
) -> dict[str, Any]:
    """Read a screen's instruction aloud (语音引导): a stock phrase by key, or any text."""
    from drivers.voice.phrases import guidance_phrase

    if (body.key is None) == (body.text is None):
        raise ApiError(400, "invalid_request", "语音引导需要 key 或 text 之一")
    if body.key is not None:
        try:
            text = guidance_phrase(body.key, body.lang)
        except KeyError:
            raise ApiError(
                400, "unknown_guidance", "没有这条语音引导：{key}", key=body.key
            ) from None
    else:
        text = (body.text or "").strip()
        if not text:
            raise ApiError(400, "invalid_request", "语音引导的文字是空的")
    voice = ctx.devices.voice if ctx.devices is not None else None
    if voice is None:
        return {"queued": False}
    try:
        queued = voice.announce_text(text, lang=body.lang)
    except ValueError:
        raise ApiError(400, "invalid_request", "语音引导的文字是空的") from None
    return {"queued": queued is not None}
