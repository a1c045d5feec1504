"""Central's own TOML file: where it listens, its database, TLS, the halls and their keys.

Keys are never written in the file, only their SHA-256 (``kiosk central new-key`` makes a
key and prints both), so a leaked config file does not let anyone push as a hall.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.config import ConfigError, _Loader, setting


@dataclass(frozen=True)
class CentralSettings:
    host: str = setting("127.0.0.1", doc="Address central listens on.")
    port: int = setting(8480, doc="TCP port of central's API (0: any free port).")
    database: str = setting(
        "sqlite:///central.db",
        doc="sqlite:///PATH (relative: from this file) or postgresql://user@host/dbname.",
    )
    tls_cert: str = setting("", doc="PEM certificate chain for HTTPS; empty: plain HTTP.")
    tls_key: str = setting("", doc="PEM private key of tls_cert.")
    admin_key_sha256: str = setting(
        "", doc="SHA-256 of the operators' key (hall configs, notices, fleet report)."
    )
    timezone: str = setting(
        "Asia/Shanghai",
        doc="Time zone of the halls: the fleet report's days, and notice times written "
        "without an offset.",
    )
    workers: int = setting(
        0, doc="Worker processes behind the one port; 0: one per CPU core (docs/sync.md)."
    )
    ingest_concurrency: int = setting(
        4, doc="Pushes one worker stores at once (each holds a database connection)."
    )
    ingest_queue: int = setting(
        256, doc="Most pushes one worker lets wait for a turn; more get 429 + Retry-After."
    )
    ingest_max_wait_s: float = setting(
        2.0,
        doc="Longest wait for a turn a worker lets a push in for (expected from the pushes "
        "ahead); longer gets 429 + Retry-After. Keep it well under the halls' timeout_s.",
    )
    hall_partitions: int = setting(
        8, doc="PostgreSQL: hash partitions by hall inside each month of events (1: none)."
    )


@dataclass(frozen=True)
class HallEntry:
    id: str = setting(doc="The hall's id, as in its own [hall] id.")
    key_sha256: str = setting(doc="SHA-256 (hex) of the hall's key; the key stays on the hall.")
    name: str = setting("", doc="The hall's name (for the fleet report).")


@dataclass(frozen=True)
class CentralConfig:
    central: CentralSettings = setting(CentralSettings(), doc="The server.")  # noqa: RUF009
    halls: list[HallEntry] = setting([], doc="Every hall allowed to sync, one [[halls]] each.")  # noqa: RUF009
    source: str = field(default="", metadata={"internal": True})

    def database_url(self) -> str:
        url = self.central.database
        if url.startswith("sqlite:///"):
            path = Path(url[len("sqlite:///") :])
            if not path.is_absolute() and self.source:
                path = Path(self.source).parent / path
            return f"sqlite:///{path}"
        return url

    def path_of(self, value: str) -> str:
        if not value:
            return ""
        p = Path(value)
        if not p.is_absolute() and self.source:
            p = Path(self.source).parent / p
        return str(p)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    return secrets.token_urlsafe(32)


_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def parse_central_config(text: str, source: str = "<central config>") -> CentralConfig:
    loader = _Loader(source, text)
    try:
        data: Any = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ConfigError(
            source, "", int(m.group(1)) if m else None, f"not valid TOML: {exc}"
        ) from exc
    cfg: CentralConfig = loader.build(CentralConfig, data, ())
    _validate_central(cfg, loader)
    _validate_halls(cfg, loader)
    return dataclasses.replace(cfg, source=source)


def _validate_central(cfg: CentralConfig, loader: _Loader) -> None:
    c = cfg.central
    if not 0 <= c.port < 65536:
        loader.fail(("central", "port"), f"expected 0-65535, got {c.port}")
    if not c.database.startswith(("sqlite:///", "postgresql://", "postgres://")):
        loader.fail(
            ("central", "database"),
            f"expected sqlite:///PATH or postgresql://…, got {c.database!r}",
        )
    try:
        ZoneInfo(c.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        loader.fail(("central", "timezone"), f"unknown time zone {c.timezone!r}")
    if bool(c.tls_cert) != bool(c.tls_key):
        loader.fail(("central",), "tls_cert and tls_key go together")
    if c.admin_key_sha256 and not _HEX64.match(c.admin_key_sha256):
        loader.fail(("central", "admin_key_sha256"), "expected 64 lowercase hex digits")
    for key, low, high in (
        ("workers", 0, 256),
        ("ingest_concurrency", 1, 64),
        ("ingest_queue", 0, 10_000),
        ("ingest_max_wait_s", 0, 60),
        ("hall_partitions", 1, 256),
    ):
        value = getattr(c, key)
        if not low <= value <= high:
            loader.fail(("central", key), f"expected {low}-{high}, got {value}")


def _validate_halls(cfg: CentralConfig, loader: _Loader) -> None:
    c = cfg.central
    ids: set[str] = set()
    hashes: set[str] = set()
    for i, h in enumerate(cfg.halls):
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}", h.id):
            loader.fail(("halls", i, "id"), f"expected letters, digits, - _ . ; got {h.id!r}")
        if h.id in ids:
            loader.fail(("halls", i, "id"), f"hall {h.id} is listed twice")
        ids.add(h.id)
        if not _HEX64.match(h.key_sha256):
            loader.fail(
                ("halls", i, "key_sha256"),
                "expected 64 lowercase hex digits (kiosk central new-key prints them)",
            )
        if h.key_sha256 in hashes or h.key_sha256 == c.admin_key_sha256:
            loader.fail(("halls", i, "key_sha256"), "every hall needs its own key")
        hashes.add(h.key_sha256)


def load_central_config(path: str | Path) -> CentralConfig:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(p), "", None, f"cannot read: {exc.strerror}") from exc
    return parse_central_config(text, str(p))
