"""What the lobby touchscreen (``kiosk ui``) needs beyond the core contract.

- ``GET  /api/v1/lobby`` — the lobby's settings (``[lobby]``), the hall's names, which
  devices exist: the touchscreen holds no configuration of its own.
- ``POST /api/v1/lobby/admin/unlock`` ``{pin}`` — the admin panel's PIN, checked against the
  salted hash in ``[lobby] admin_pin_hash``; after ``admin_max_tries`` wrong PINs the panel
  stays locked for ``admin_lockout_min`` minutes (by the hall's clock, per kiosk token; a
  restarted touchscreen does not get fresh tries).
- ``POST /api/v1/bills/lookup`` ``{id_number}`` — the accounts registered to an ID card,
  names masked. A POST, so the ID number never appears in a URL or an access log.
- ``POST /api/v1/bills/{account}/print`` — the bill as a statement on the ticket printer;
  the answer carries the outcome (printed, or why not).
- ``POST /api/v1/voice/guidance`` ``{key | text, lang}`` — voice guidance through the
  hall's voice; harmless (``queued: false``) when the voice is off.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from fastapi import Depends, FastAPI

from kiosk.api import models as m
from kiosk.api.app import ERROR_RESPONSES, ApiContext, ApiError, Principal
from kiosk.bills.source import UnknownAccount
from kiosk.config import PIN_HASH_RE
from kiosk.privacy import mask_account, valid_id_number

log = logging.getLogger("kiosk.api.lobby")

PIN_ITERATIONS = 120_000
PIN_DIGITS = (4, 12)
STATEMENT_TIMEOUT_S = 15.0


def hash_pin(pin: str, *, salt: bytes | None = None, iterations: int = PIN_ITERATIONS) -> str:
    """``pbkdf2-sha256$<iterations>$<salt>$<digest>`` of a PIN of 4 to 12 digits."""
    if not pin.isascii() or not pin.isdigit() or not PIN_DIGITS[0] <= len(pin) <= PIN_DIGITS[1]:
        raise ValueError("a PIN is 4 to 12 digits")
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return f"pbkdf2-sha256${iterations}${salt.hex()}${digest.hex()}"


def check_pin(pin: str, stored: str) -> bool:
    if not PIN_HASH_RE.match(stored):
        return False
    _, iterations, salt, digest = stored.split("$")
    candidate = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), int(iterations))
    return hmac.compare_digest(candidate.hex(), digest)


class AdminGate:
    """Wrong-PIN counting and lockout, per kiosk (token name), on the hall's clock."""

    def __init__(self, max_tries: int, lockout: timedelta) -> None:
        self.max_tries = max_tries
        self.lockout = lockout
        self._lock = threading.Lock()
        self._failures: dict[str, int] = {}
        self._locked_until: dict[str, datetime] = {}

    def locked_for(self, who: str, now: datetime) -> timedelta | None:
        with self._lock:
            until = self._locked_until.get(who)
            if until is None:
                return None
            if now >= until:
                del self._locked_until[who]
                self._failures.pop(who, None)
                return None
            return until - now

    def failed(self, who: str, now: datetime) -> int:
        """Record a wrong PIN; the tries left (0: now locked)."""
        with self._lock:
            n = self._failures.get(who, 0) + 1
            self._failures[who] = n
            if n >= self.max_tries:
                self._locked_until[who] = now + self.lockout
                return 0
            return self.max_tries - n

    def succeeded(self, who: str) -> None:
        with self._lock:
            self._failures.pop(who, None)


def _minutes(left: timedelta) -> int:
    return max(1, -(-int(left.total_seconds()) // 60))


def register(app: FastAPI, ctx: ApiContext) -> None:
    hall = ctx.hall
    cfg = hall.config
    lobby = cfg.lobby
    gate = AdminGate(lobby.admin_max_tries, timedelta(minutes=lobby.admin_lockout_min))

    @app.get(
        "/api/v1/lobby",
        response_model=m.LobbySettingsOut,
        responses=ERROR_RESPONSES,
        tags=["lobby"],
    )
    def lobby_settings(who: Principal = Depends(ctx.allow("issue"))) -> dict[str, Any]:
        """The lobby touchscreen's settings; it keeps no configuration of its own."""
        return {
            "hall": {"id": cfg.hall.id, "name": cfg.hall.name, "name_en": cfg.hall.name_en},
            "idle_timeout_s": lobby.idle_timeout_s,
            "ticket_screen_s": lobby.ticket_screen_s,
            "ask_identification": lobby.ask_identification,
            "elderly_offer": lobby.elderly_offer,
            "elderly_age": hall.rules.elderly_age,
            "orientation": lobby.orientation,
            "large_type": lobby.large_type,
            "voice_guidance": lobby.voice_guidance,
            "admin_enabled": bool(lobby.admin_pin_hash),
            "printer": bool(cfg.printer.url),
            "idcard": bool(cfg.idcard.url),
        }

    @app.post(
        "/api/v1/lobby/admin/unlock",
        response_model=m.AdminUnlockOut,
        responses=ERROR_RESPONSES,
        tags=["lobby"],
    )
    def admin_unlock(
        body: m.AdminUnlockIn, who: Principal = Depends(ctx.allow("issue"))
    ) -> dict[str, Any]:
        """Check the admin panel's PIN. Wrong PINs count towards a lockout."""
        if not lobby.admin_pin_hash:
            raise ApiError(404, "admin_disabled", "未设置管理面板密码，管理面板已关闭")
        now = hall.clock.now()
        left = gate.locked_for(who.name, now)
        if left is not None:
            raise ApiError(
                409,
                "admin_locked",
                "密码错误次数过多，管理面板已锁定，请{minutes}分钟后再试",
                minutes=_minutes(left),
            )
        if check_pin(body.pin, lobby.admin_pin_hash):
            gate.succeeded(who.name)
            log.info("admin panel unlocked on %s", who.name)
            return {"unlocked": True}
        tries = gate.failed(who.name, now)
        log.warning("wrong admin PIN on %s (%d tries left)", who.name, tries)
        if tries == 0:
            raise ApiError(
                409,
                "admin_locked",
                "密码错误次数过多，管理面板已锁定，请{minutes}分钟后再试",
                minutes=lobby.admin_lockout_min,
            )
        raise ApiError(403, "wrong_pin", "密码错误，还可以再试{tries}次", tries=tries)

    @app.post(
        "/api/v1/bills/lookup",
        response_model=m.BillLookupOut,
        responses=ERROR_RESPONSES,
        tags=["bills"],
    )
    def bills_by_id(
        body: m.BillLookupIn, who: Principal = Depends(ctx.allow("bills"))
    ) -> dict[str, Any]:
        """The accounts registered to an ID card (names masked). The ID number is used for
        this lookup only: never stored, never logged."""
        number = body.id_number.strip().upper()
        if not valid_id_number(number):
            raise ApiError(400, "invalid_id_number", "身份证号码校验失败，请重新读卡")
        finder = getattr(ctx.bills, "accounts_for_id", None)
        if finder is None:
            raise ApiError(404, "id_lookup_unavailable", "暂不支持刷身份证查询电费，请输入户号查询")
        now = hall.clock.now()
        found = []
        for account in finder(number):
            try:
                bill = ctx.bills.lookup(account, now)
            except UnknownAccount:
                continue
            found.append(
                {
                    "account": account,
                    "account_masked": mask_account(account),
                    "name_masked": bill["name_masked"],
                    "address_masked": bill["address_masked"],
                }
            )
        return {"accounts": found}

    @app.post(
        "/api/v1/bills/{account}/print",
        response_model=m.StatementPrintOut,
        responses=ERROR_RESPONSES,
        tags=["bills"],
    )
    def print_statement(
        account: str, who: Principal = Depends(ctx.allow("issue"))
    ) -> dict[str, Any]:
        """Print the account's bill on the lobby's ticket printer and wait for the outcome."""
        from drivers.printer import StatementContent

        account = account.strip()
        if not hall.valid_account(account):
            raise ApiError(400, "invalid_account", "户号格式不正确，请核对后重新输入")
        devices = ctx.devices
        if devices is None or devices.printer is None:
            raise ApiError(404, "no_printer", "没有配置打印机")
        try:
            bill = ctx.bills.lookup(account, hall.clock.now())
        except UnknownAccount:
            raise ApiError(
                404, "unknown_account", "未找到户号{account}，请核对后重新输入", account=account
            ) from None
        tariff = bill["tariff"]
        lines = [f"年累计用电 {tariff['year_kwh']:,.1f} kWh，处于第{tariff['tier']}档阶梯电价"]
        if bill.get("cached"):
            lines.append("（以上为缓存数据）")
        content = StatementContent(
            hall_name=cfg.hall.name,
            account=account,
            period=bill["month"],
            kwh=Decimal(str(bill["month_kwh"])),
            amount=Decimal(str(bill["month_amount"])),
            balance=Decimal(str(bill["balance"])),
            as_of=datetime.fromisoformat(bill["as_of"]),
            customer_name=bill["name_masked"],
            lines=tuple(lines),
            paper_width=80 if cfg.printer.paper_width == 80 else 58,
        )
        result = devices.printer.submit(content).result(timeout=STATEMENT_TIMEOUT_S)
        return {
            "printed": bool(result.ok),
            "bytes": result.bytes_written,
            "reason": result.reason,
            "warnings": list(result.warnings),
        }

    @app.post(
        "/api/v1/voice/guidance",
        response_model=m.GuidanceOut,
        responses=ERROR_RESPONSES,
        tags=["lobby"],
    )
    def voice_guidance(
        body: m.GuidanceIn, who: Principal = Depends(ctx.allow("issue"))
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
