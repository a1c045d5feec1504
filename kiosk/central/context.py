"""What central's routes get, and who is calling.

Two kinds of caller, each with a bearer key of which central keeps only the SHA-256:
- a **hall** (its own key): pushes its own events, reads its configuration, its notices and
  bills. A hall key can never write or read as another hall.
- an **operator** (the admin key): sets a hall's configuration, publishes and withdraws
  outage notices, reads the fleet report and any hall's events.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from fastapi import Request

from kiosk.central.config import CentralConfig, key_hash
from kiosk.central.errors import CentralError
from kiosk.central.gate import IngestGate
from kiosk.central.store import CentralStore

log = logging.getLogger("kiosk.central")

PREFIX = "/central/v1"


@dataclass(frozen=True)
class CentralContext:
    config: CentralConfig
    store: CentralStore
    clock: Callable[[], datetime]
    halls_by_hash: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    gate: IngestGate = field(default_factory=IngestGate)

    @classmethod
    def of(
        cls, config: CentralConfig, store: CentralStore, clock: Callable[[], datetime]
    ) -> CentralContext:
        return cls(
            config,
            store,
            clock,
            {h.key_sha256: h.id for h in config.halls},
            {h.id: h.name for h in config.halls},
            IngestGate(
                config.central.ingest_concurrency,
                config.central.ingest_queue,
                config.central.ingest_max_wait_s,
            ),
        )

    def is_admin(self, key: str) -> bool:
        admin = self.config.central.admin_key_sha256
        return bool(admin) and hmac.compare_digest(key_hash(key), admin)

    def hall_of_key(self, key: str) -> str | None:
        return self.halls_by_hash.get(key_hash(key))

    def known_hall(self, hall: str) -> None:
        if hall not in self.names:
            raise CentralError("没有营业厅{hall}", status=404, code="unknown_hall", hall=hall)


def central_context(request: Request) -> CentralContext:
    ctx: CentralContext = request.app.state.ctx
    return ctx


def bearer(request: Request) -> str:
    header = request.headers.get("authorization") or ""
    if not header.lower().startswith("bearer "):
        raise CentralError(
            "缺少访问密钥（Authorization: Bearer …）", status=401, code="unauthorized"
        )
    return header[7:].strip()


def hall_key(request: Request) -> str:
    """The hall whose key this is (401 for no or an unknown key)."""
    hall = central_context(request).hall_of_key(bearer(request))
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
    if not central_context(request).is_admin(bearer(request)):
        raise CentralError("需要管理员密钥", status=403, code="forbidden")


def hall_or_admin(hall: str, request: Request) -> str:
    if central_context(request).is_admin(bearer(request)):
        return hall
    return own_hall(hall, request)
