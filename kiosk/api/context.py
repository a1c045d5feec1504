"""What every route gets: the hall service and its neighbours, and who is asking.

Every route but ``/api/v1/health`` needs ``Authorization: Bearer <token>``; tokens are per
device or counter and say what the holder may do (:data:`PERMISSIONS`). The table of tokens
is the hall's current configuration's: a new configuration from central brings its tokens
with it, with nothing for the API to be told.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import Request

from kiosk.api.errors import ApiError
from kiosk.bills.source import BillSource
from kiosk.config import HallConfig

if TYPE_CHECKING:
    from kiosk.api.ws import EventHub
    from kiosk.hall.devices import HallDevices
    from kiosk.hall.service import Hall

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
    token: str = ""


class TokenTable:
    """The accepted tokens, rebuilt whenever the hall's configuration object changes."""

    def __init__(self, config: Callable[[], HallConfig]) -> None:
        self._config = config
        self._seen: HallConfig | None = None
        self._table: dict[bytes, Principal] = {}
        self._lock = threading.Lock()

    def principal(self, token: str) -> Principal | None:
        cfg = self._config()
        with self._lock:
            if cfg is not self._seen:
                self._table = {
                    t.token.encode(): Principal(t.role, t.name, t.counter, t.token)
                    for t in cfg.tokens
                }
                self._seen = cfg
            table = self._table
        given = token.encode()
        found = None
        for known, who in table.items():  # compare with every one: constant time
            if hmac.compare_digest(known, given):
                found = who
        return found


@dataclass(frozen=True)
class ApiContext:
    hall: Hall
    bills: BillSource
    devices: HallDevices | None
    hub: EventHub
    tokens: TokenTable


def api_context(request: Request) -> ApiContext:
    ctx: ApiContext = request.app.state.ctx
    return ctx


def principal_of(ctx: ApiContext, authorization: str | None) -> Principal:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise ApiError(401, "unauthorized", "缺少访问令牌（Authorization: Bearer …）")
    who = ctx.tokens.principal(authorization[7:].strip())
    if who is None:
        raise ApiError(401, "unauthorized", "访问令牌无效")
    return who


def allow(permission: str) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency: the caller's token, checked for ``permission``. A coroutine: it only
    reads memory, so it runs on the event loop (no hop to a worker thread per request)."""
    roles = PERMISSIONS[permission]

    async def check(request: Request) -> Principal:
        who = principal_of(api_context(request), request.headers.get("authorization"))
        if who.role not in roles:
            raise ApiError(403, "forbidden", "此设备无权执行该操作")
        return who

    return check


def own_counter(who: Principal, counter: int) -> None:
    """Refuse a counter token acting on another counter."""
    if who.role == "counter" and who.counter != counter:
        raise ApiError(403, "forbidden", "此令牌只能操作{counter}号窗口", counter=who.counter)
