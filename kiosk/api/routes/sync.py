"""What the sync daemon hands to the hall daemon: central's configuration and outage notices.

- ``PUT /api/v1/admin/config``: central's fragment (queue, services, counters, staff,
  tokens) replaces those sections of the hall's file; the whole is validated like a file at
  start, written atomically (the old file kept as ``.prev``), then applied while running:
  nobody waiting is dropped, and the API takes the new tokens at once. A configuration that
  would lock the caller out (its own token gone) is refused.
- ``PUT /api/v1/notices``: the complete list of current outage notices (停电公告); each new,
  changed or withdrawn one becomes a ``notice.changed`` event (screens and the lobby hear it
  on the WebSocket). ``GET /api/v1/notices`` lists them for the kiosk and display UIs.
"""

from __future__ import annotations

import hmac
import json
import os
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from pydantic import BaseModel, ConfigDict, Field

from kiosk.api.app import ERROR_RESPONSES, PREFIX, ApiContext, ApiError, Principal
from kiosk.config import ConfigError, HallConfig, parse_config
from kiosk.queue import events as ev
from kiosk.sync import fragment

NOTICES_META = "sync.notices"


class ConfigIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=200_000, description="Central's TOML fragment")
    digest: str | None = Field(None, description="sha256 of text, checked when given")


class ConfigAppliedOut(BaseModel):
    digest: str
    services: list[str]
    counters: list[int]
    waiting: int = Field(description="Tickets waiting, all kept through the change")


class NoticeIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=100)
    body: str = Field("", max_length=2000)
    area: str = Field("", max_length=200)
    starts_at: str | None = None
    ends_at: str | None = None


class NoticesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    notices: list[NoticeIn] = Field(max_length=200)


class NoticesOut(BaseModel):
    notices: list[NoticeIn]
    changed: int = 0
    withdrawn: int = 0


def write_atomically(path: Path, text: str) -> None:
    """The new file fully on disk before it replaces the old one (kept as ``.prev``)."""
    tmp = path.with_name(path.name + ".new")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    if path.exists():
        prev = path.with_name(path.name + ".prev")
        prev.write_bytes(path.read_bytes())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _caller_token(request: Request) -> str:
    return (request.headers.get("authorization") or "")[7:].strip()


def register(app: FastAPI, ctx: ApiContext) -> None:
    hall = ctx.hall
    lock = threading.Lock()

    @app.put(
        f"{PREFIX}/admin/config",
        response_model=ConfigAppliedOut,
        responses=ERROR_RESPONSES,
        tags=["sync"],
    )
    def put_config(
        body: ConfigIn, request: Request, who: Principal = Depends(ctx.allow("sync"))
    ) -> dict[str, Any]:
        """Apply central's configuration fragment while running; saved to the hall's file."""
        with lock:
            source = Path(hall.config.source) if hall.config.source else None
            if source is None or not source.is_file():
                raise ApiError(409, "no_config_file", "本机没有配置文件，无法保存新配置")
            digest = fragment.digest(body.text)
            if body.digest is not None and body.digest != digest:
                raise ApiError(400, "digest_mismatch", "配置摘要不符，新配置未应用")
            try:
                fragment.check_fragment(body.text)
                merged = fragment.merge(
                    source.read_text(encoding="utf-8"), body.text, note=digest[:12]
                )
                new: HallConfig = parse_config(merged, str(source))
            except (fragment.FragmentError, ConfigError) as exc:
                raise ApiError(
                    400, "invalid_config", "新配置无效，未应用：{detail}", detail=str(exc)
                ) from None
            token = _caller_token(request)
            if not any(
                t.role == who.role and hmac.compare_digest(t.token.encode(), token.encode())
                for t in new.tokens
            ):
                raise ApiError(
                    409, "would_lock_out", "新配置中没有本令牌，应用后将无法再访问，未应用"
                )
            try:
                write_atomically(source, merged)
            except OSError as exc:
                raise ApiError(
                    503,
                    "storage_unavailable",
                    "数据无法保存，请联系技术人员（{detail}）",
                    detail=exc.strerror or str(exc),
                ) from None
            hall.reconfigure(
                new, source="central" if who.role == "sync" else who.role, digest=digest
            )
            if ctx.set_tokens is not None:
                ctx.set_tokens(new.tokens)
            return {
                "digest": digest,
                "services": [s.code for s in new.services],
                "counters": [c.number for c in new.counters],
                "waiting": len(hall.queue.waiting()),
            }

    def current_notices() -> dict[str, dict[str, Any]]:
        raw = hall.store.meta(NOTICES_META)
        return {n["id"]: n for n in json.loads(raw)} if raw else {}

    def showing(notices: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
        out = []
        for n in notices:
            ends = n.get("ends_at")
            try:
                if ends and datetime.fromisoformat(ends) <= now:
                    continue
            except ValueError:
                pass
            out.append(n)
        return out

    @app.put(
        f"{PREFIX}/notices",
        response_model=NoticesOut,
        responses=ERROR_RESPONSES,
        tags=["sync"],
    )
    def put_notices(body: NoticesIn, who: Principal = Depends(ctx.allow("sync"))) -> dict[str, Any]:
        """Replace the outage notices with central's current list; changes become events."""
        with lock:
            current = current_notices()
            new = {n.id: n.model_dump() for n in body.notices}
            now = hall.clock.now()
            events: list[ev.Event] = [
                ev.NoticeChanged(at=now, notice=nid, title=n["title"])
                for nid, n in new.items()
                if current.get(nid) != n
            ]
            changed = len(events)
            events += [
                ev.NoticeChanged(at=now, notice=nid, title=n["title"], withdrawn=True)
                for nid, n in current.items()
                if nid not in new
            ]
            # Events first: if the meta write is lost, the next hand-over repeats them.
            hall.record(events)
            hall.store.set_meta(NOTICES_META, json.dumps(list(new.values()), ensure_ascii=False))
            return {
                "notices": list(new.values()),
                "changed": changed,
                "withdrawn": len(events) - changed,
            }

    @app.get(
        f"{PREFIX}/notices",
        response_model=NoticesOut,
        responses=ERROR_RESPONSES,
        tags=["sync"],
    )
    def get_notices(who: Principal = Depends(ctx.allow("read"))) -> dict[str, Any]:
        """Outage notices (停电公告) to show now, as central last sent them."""
        return {"notices": showing(list(current_notices().values()), hall.clock.now())}
