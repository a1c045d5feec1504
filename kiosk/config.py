"""One TOML file per hall, loaded into a typed schema.

Every setting has a default (where one makes sense) and a description; the schema is the
documentation (``kiosk config check --describe`` prints it). A bad file is rejected with the
file, the key, its line and what was expected, before anything starts.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.queue.model import CounterDef, QueueRules, SelectionPolicy, ServiceDef


def setting(default: Any = dataclasses.MISSING, *, doc: str) -> Any:
    """A field with a description (and a default unless it is required)."""
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata={"doc": doc})
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class HallSettings:
    id: str = setting(doc="The hall's id, unique in the utility (also the sync identity).")
    name: str = setting(doc="The hall's name as customers see it, Chinese.")
    name_en: str = setting("", doc="The hall's name in English.")
    timezone: str = setting("Asia/Shanghai", doc="IANA time zone of the hall.")
    data_dir: str = setting(
        "/var/lib/kiosk", doc="Where the store lives (relative paths: from the config file)."
    )


def reachable_host(host: str) -> str:
    """The address to connect to for a server listening on ``host``: a server on every
    address (``0.0.0.0``, ``::`` or empty) is reached on loopback."""
    return "127.0.0.1" if host in ("0.0.0.0", "", "::") else host


@dataclass(frozen=True)
class ApiSettings:
    host: str = setting("127.0.0.1", doc="Address the LAN API listens on (0.0.0.0 for the LAN).")
    port: int = setting(8470, doc="TCP port of the LAN API.")

    @property
    def local_url(self) -> str:
        """The API as a tool on the same box reaches it."""
        return f"http://{reachable_host(self.host)}:{self.port}"


@dataclass(frozen=True)
class QueueSettings:
    max_recalls: int = setting(3, doc="Recalls allowed per call before staff must mark no-show.")
    elderly_age: int = setting(
        70, doc="Age from which an ID card offers the green channel (绿色通道)."
    )
    recent_window: int = setting(20, doc="Recent service times per service used for estimates.")


@dataclass(frozen=True)
class ServiceSettings:
    code: str = setting(doc="Ticket prefix, one capital letter (A-Z).")
    name: str = setting(doc="Service name in Chinese, e.g. 电费缴纳.")
    name_en: str = setting(doc="Service name in English.")
    target_wait_min: int = setting(15, doc="Wait the hall promises, in minutes (reported).")
    time_limit_min: int = setting(
        0, doc="限时办结: minutes after which serving alerts staff and manager; 0 for none."
    )
    default_service_min: float = setting(
        5.0, doc="Service length assumed for estimates before any was measured today."
    )


@dataclass(frozen=True)
class CounterSettings:
    number: int = setting(doc="Window number shown to customers, 1-99.")
    services: list[str] = setting(doc="Service codes this counter serves, in order.")
    name: str = setting("", doc="Display name; defaults to N号窗口.")
    policy: str = setting(
        "fifo", doc="fifo: longest wait across its services; service-order: first service first."
    )


@dataclass(frozen=True)
class TokenSettings:
    token: str = setting(doc="Bearer token (at least 16 characters) the device sends.")
    role: str = setting(doc="kiosk | counter | display | manager | sync")
    name: str = setting(doc="Which device or person holds it (for logs).")
    counter: int = setting(0, doc="For role counter: the only counter this token may operate.")


@dataclass(frozen=True)
class StaffSettings:
    number: str = setting(doc="Staff number (工号), 3-8 digits, as typed at the soft caller.")
    name: str = setting(doc="Name shown on the soft caller and in the manager's report.")
    pin_hash: str = setting(
        doc="Salted hash of the login PIN: make one with `kiosk config hash-pin`."
    )
    counters: list[int] = setting([], doc="Counters this person may log in at; empty: any.")


@dataclass(frozen=True)
class AuthSettings:
    max_failures: int = setting(
        5, doc="Wrong PINs in a row before a staff number (or the device trying) is locked."
    )
    lockout_min: int = setting(5, doc="Minutes a locked staff number or device waits.")


@dataclass(frozen=True)
class PrivacySettings:
    hash_key: str = setting(
        "",
        doc="Secret for the keyed hash of ID numbers (repeat visits). Empty: one is generated "
        "and kept in the data directory.",
    )


@dataclass(frozen=True)
class BillsSettings:
    source: str = setting("demo", doc="demo: generated demo customers; sync: through central.")
    account_pattern: str = setting(
        r"^\d{10}$", doc="What a valid account number (户号) looks like."
    )


@dataclass(frozen=True)
class PrinterConfig:
    url: str = setting(
        "",
        doc="Ticket printer: serial path (/dev/kiosk-printer), socket://, tcp://host:9100, "
        "usb://VID:PID; empty for none.",
    )
    baudrate: int = setting(9600, doc="Serial speed; 38400 or more prints a ticket in < 0.1 s.")
    paper_width: int = setting(80, doc="Paper width in mm: 80 or 58.")
    dsrdtr: bool = setting(False, doc="DSR/DTR flow control (printer busy line wired to DSR).")


@dataclass(frozen=True)
class IdCardConfig:
    url: str = setting("", doc="ID-card reader (GA 467 SAM) serial path; empty for none.")
    baudrate: int = setting(115200, doc="Serial speed of the SAM module.")
    kiosk: str = setting(
        "lobby-1", doc="Name of the kiosk token whose screen the reader belongs to."
    )


@dataclass(frozen=True)
class LobbySettings:
    idle_timeout_s: int = setting(
        60, doc="Seconds untouched after which the lobby screen goes home and forgets the customer."
    )
    ticket_screen_s: int = setting(
        10, doc="Seconds the ticket stays on screen before the lobby goes home by itself."
    )
    ask_identification: bool = setting(
        True, doc="Offer ID card / account number (or skip) before a ticket; false: one tap."
    )
    elderly_offer: bool = setting(
        True, doc="Offer the green channel by itself when an ID card shows queue.elderly_age."
    )
    orientation: str = setting(
        "auto", doc="auto (from the screen's shape), portrait (1080×1920) or landscape."
    )
    large_type: bool = setting(False, doc="Start in large-type mode (大字模式).")
    voice_guidance: bool = setting(False, doc="Start with voice guidance (语音引导) on.")
    admin_pin_hash: str = setting(
        "",
        doc="Salted hash of the admin panel's PIN (make one with `kiosk config hash-pin`); "
        "empty: the admin panel stays closed.",
    )
    admin_max_tries: int = setting(5, doc="Wrong PINs before the admin panel locks.")
    admin_lockout_min: int = setting(15, doc="Minutes the admin panel stays locked.")


@dataclass(frozen=True)
class HallBusDeviceConfig:
    address: int = setting(doc="RS-485 address 1-99, as set on the device.")
    role: str = setting(doc="screen | pad | evaluator | pad+screen")
    counter: int = setting(doc="The counter the device belongs to.")


@dataclass(frozen=True)
class HallBusConfig:
    url: str = setting("", doc="RS-485 adapter of the hall bus; empty for none.")
    baudrate: int = setting(9600, doc="9600, 19200, 38400 or 115200 (19200+ for 8 pads).")
    devices: list[HallBusDeviceConfig] = setting(
        [], doc="Window screens, caller pads and evaluators, each a [[hallbus.devices]] table."
    )


@dataclass(frozen=True)
class VoiceSettings:
    enabled: bool = setting(True, doc="Announce calls aloud.")
    voice: str = setting("", doc="Full espeak-ng voice id; empty: the Mandarin voice found.")
    english: bool = setting(False, doc="Say the call in English after the Chinese.")
    rate: int = setting(160, doc="Words per minute (slower is kinder to elderly customers).")
    repeat: int = setting(2, doc="How many times each call is said.")
    player: list[str] = setting(["aplay", "-q"], doc="Command that plays a WAV (file last).")


@dataclass(frozen=True)
class SyncSettings:
    central_url: str = setting(
        "",
        doc="Base URL of the central system (https://central.example:8480); empty: the hall "
        "runs alone and `kiosk sync` has nothing to do.",
    )
    hall_key: str = setting(
        "", doc="This hall's own key at central (central stores only its SHA-256)."
    )
    ca_file: str = setting(
        "", doc="PEM file of the CA that signed central's certificate; empty: the system CAs."
    )
    push_interval_s: float = setting(2.0, doc="How often new events are pushed when idle.")
    pull_interval_s: float = setting(
        60.0, doc="How often configuration and outage notices are pulled from central."
    )
    batch_size: int = setting(500, doc="Events per push request (1-5000).")
    timeout_s: float = setting(10.0, doc="Timeout of one request to central.")
    backoff_max_s: float = setting(
        300.0, doc="Longest wait between retries while central is unreachable (with jitter)."
    )
    state_path: str = setting(
        "sync.db", doc="The sync daemon's own state (outbox, cursor); relative: in data_dir."
    )
    bills_cache_path: str = setting(
        "bills-cache.db", doc="Bills last fetched from central; relative: in data_dir."
    )
    bills_timeout_s: float = setting(
        3.0, doc="How long a kiosk bill lookup waits for central before using the cache."
    )
    bills_cache_max_age_h: float = setting(
        72.0, doc="Cached bills older than this are not shown (and are purged)."
    )


@dataclass(frozen=True)
class HallConfig:
    hall: HallSettings = setting(doc="The hall itself.")
    services: list[ServiceSettings] = setting(doc="The services, each a [[services]] table.")
    counters: list[CounterSettings] = setting(doc="The counters, each a [[counters]] table.")
    api: ApiSettings = setting(ApiSettings(), doc="LAN API.")
    queue: QueueSettings = setting(QueueSettings(), doc="Queue rules.")
    tokens: list[TokenSettings] = setting([], doc="LAN API tokens, one per device or counter.")
    staff: list[StaffSettings] = setting([], doc="Counter staff who log in at the soft caller.")
    auth: AuthSettings = setting(AuthSettings(), doc="Staff logins: wrong PINs and lockout.")
    privacy: PrivacySettings = setting(PrivacySettings(), doc="Personal data handling.")
    bills: BillsSettings = setting(BillsSettings(), doc="Self-service bill lookup.")
    lobby: LobbySettings = setting(LobbySettings(), doc="The lobby touchscreen (kiosk ui).")
    printer: PrinterConfig = setting(PrinterConfig(), doc="The lobby's ticket printer.")
    idcard: IdCardConfig = setting(IdCardConfig(), doc="The lobby's ID-card reader.")
    hallbus: HallBusConfig = setting(HallBusConfig(), doc="Window screens, pads, evaluators.")
    voice: VoiceSettings = setting(VoiceSettings(), doc="The calling voice.")
    sync: SyncSettings = setting(SyncSettings(), doc="Sync with the central system.")
    source: str = field(default="", metadata={"internal": True})  # the file it came from

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.hall.timezone)

    def data_path(self) -> Path:
        p = Path(self.hall.data_dir)
        if not p.is_absolute() and self.source:
            p = Path(self.source).parent / p
        return p

    def queue_rules(self) -> QueueRules:
        services = {
            s.code: ServiceDef(
                code=s.code,
                name=s.name,
                name_en=s.name_en,
                target_wait_s=s.target_wait_min * 60,
                time_limit_s=s.time_limit_min * 60 or None,
                default_service_s=round(s.default_service_min * 60),
            )
            for s in self.services
        }
        counters = {
            c.number: CounterDef(
                number=c.number,
                name=c.name or f"{c.number}号窗口",
                services=tuple(c.services),
                policy=SelectionPolicy(c.policy),
            )
            for c in self.counters
        }
        q = self.queue
        return QueueRules(
            services=services,
            counters=counters,
            max_recalls=q.max_recalls,
            elderly_age=q.elderly_age,
            recent_window=q.recent_window,
        )


ROLES = ("kiosk", "counter", "display", "manager", "sync")


class ConfigError(Exception):
    """A config file that cannot be used. Names the file, the key and its line."""

    def __init__(self, source: str, key: str, line: int | None, problem: str) -> None:
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {key}: {problem}" if key else f"{where}: {problem}")
        self.source, self.key, self.line, self.problem = source, key, line, problem


def _type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin is list:
        (inner,) = typing.get_args(tp)
        return f"a list of {_type_name(inner)}"
    if dataclasses.is_dataclass(tp):
        return "a table"
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false"}.get(
        tp, str(tp)
    )


class _Loader:
    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.lines = text.splitlines()

    def line_of(self, path: tuple[str | int, ...]) -> int | None:
        """Best effort: the line where the value at ``path`` is written."""
        header_re = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?")
        target_table: list[str] = []
        index: int | None = None
        key: str | None = None
        parts = list(path)
        while parts:
            p = parts.pop(0)
            if isinstance(p, int):
                index = p
            elif parts and (isinstance(parts[0], int) or dataclasses.is_dataclass(p)):
                target_table.append(p)
            else:
                key = p
                if parts:  # nested table name
                    target_table.append(p)
                    key = None
        table = ".".join(target_table)
        seen = -1
        in_table = table == ""
        for no, line in enumerate(self.lines, start=1):
            m = header_re.match(line)
            if m:
                name = m.group(1)
                in_table = name == table
                if in_table and line.lstrip().startswith("[["):
                    seen += 1
                    in_table = index is None or seen == index
                if in_table and key is None:
                    return no
                continue
            if in_table and key is not None and re.match(rf"^\s*{re.escape(key)}\s*=", line):
                return no
        return None

    def fail(self, path: tuple[str | int, ...], problem: str) -> typing.NoReturn:
        key = ""
        for p in path:
            key += f"[{p}]" if isinstance(p, int) else (f".{p}" if key else p)
        # Point at the enclosing table when the key itself is missing.
        line = None
        for cut in range(len(path), 0, -1):
            line = self.line_of(path[:cut])
            if line:
                break
        raise ConfigError(self.source, key, line, problem)

    def build(self, cls: Any, data: Any, path: tuple[str | int, ...]) -> Any:
        if not isinstance(data, dict):
            self.fail(path, f"expected a table, got {data!r}")
        hints = typing.get_type_hints(cls)
        known = {f.name for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
        for k in data:
            if k not in known:
                self.fail((*path, k), f"unknown setting (known: {', '.join(sorted(known))})")
        kwargs = {}
        for f in dataclasses.fields(cls):
            if f.metadata.get("internal"):
                continue
            if f.name in data:
                kwargs[f.name] = self.convert(hints[f.name], data[f.name], (*path, f.name))
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                self.fail((*path, f.name), f"missing; expected {_type_name(hints[f.name])}")
        return cls(**kwargs)

    def convert(self, tp: Any, value: Any, path: tuple[str | int, ...]) -> Any:
        origin = typing.get_origin(tp)
        if origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            return self.convert(args[0], value, path)
        if origin is list:
            (inner,) = typing.get_args(tp)
            if not isinstance(value, list):
                self.fail(path, f"expected {_type_name(tp)}, got {value!r}")
            return [self.convert(inner, v, (*path, i)) for i, v in enumerate(value)]
        if dataclasses.is_dataclass(tp):
            return self.build(tp, value, path)
        if tp is float and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if tp is int and isinstance(value, bool):
            self.fail(path, f"expected an integer, got {value!r}")
        if not isinstance(value, tp):
            self.fail(path, f"expected {_type_name(tp)}, got {value!r}")
        return value


Fail = Callable[..., typing.NoReturn]


def _validate(cfg: HallConfig, loader: _Loader) -> None:
    """Cross-field checks, one validator per section; the first problem is reported with
    its file, line and key."""
    fail = loader.fail
    try:
        ZoneInfo(cfg.hall.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        fail(("hall", "timezone"), f"unknown time zone {cfg.hall.timezone!r}")
    codes = _validate_services(cfg, fail)
    numbers = _validate_counters(cfg, fail, codes)
    _validate_tokens(cfg, fail, numbers)
    _validate_staff(cfg, loader, numbers)
    _validate_basics(cfg, fail)
    _validate_devices(cfg, fail, numbers)
    _validate_sync(cfg, fail)
    _validate_lobby(cfg, fail)
    _validate_auth(cfg, fail)


def _validate_services(cfg: HallConfig, fail: Fail) -> set[str]:
    if not cfg.services:
        fail(("services",), "at least one service is needed")
    codes: set[str] = set()
    for i, s in enumerate(cfg.services):
        if not re.fullmatch(r"[A-Z]", s.code):
            fail(("services", i, "code"), f"expected one capital letter A-Z, got {s.code!r}")
        if s.code in codes:
            fail(("services", i, "code"), f"service {s.code} is defined twice")
        codes.add(s.code)
        if s.time_limit_min < 0 or s.target_wait_min < 0 or s.default_service_min <= 0:
            fail(("services", i), "minutes must be positive")
    return codes


def _validate_counters(cfg: HallConfig, fail: Fail, codes: set[str]) -> set[int]:
    if not cfg.counters:
        fail(("counters",), "at least one counter is needed")
    numbers: set[int] = set()
    for i, c in enumerate(cfg.counters):
        if not 1 <= c.number <= 99:
            fail(("counters", i, "number"), f"expected 1-99, got {c.number}")
        if c.number in numbers:
            fail(("counters", i, "number"), f"counter {c.number} is defined twice")
        numbers.add(c.number)
        if not c.services:
            fail(("counters", i, "services"), "a counter must serve at least one service")
        unknown = [code for code in c.services if code not in codes]
        if unknown:
            fail(("counters", i, "services"), f"unknown service {unknown[0]!r}")
        if c.policy not in {p.value for p in SelectionPolicy}:
            fail(("counters", i, "policy"), f"expected fifo or service-order, got {c.policy!r}")
    return numbers


def _validate_tokens(cfg: HallConfig, fail: Fail, numbers: set[int]) -> None:
    tokens: set[str] = set()
    for i, t in enumerate(cfg.tokens):
        if len(t.token) < 16:
            fail(("tokens", i, "token"), "a token must be at least 16 characters")
        if t.token in tokens:
            fail(("tokens", i, "token"), "the same token is given twice")
        tokens.add(t.token)
        if t.role not in ROLES:
            fail(("tokens", i, "role"), f"expected one of {', '.join(ROLES)}, got {t.role!r}")
        if t.role == "counter" and t.counter not in numbers:
            fail(
                ("tokens", i, "counter"),
                f"a counter token needs an existing counter, got {t.counter}",
            )


def _validate_basics(cfg: HallConfig, fail: Fail) -> None:
    q = cfg.queue
    if q.max_recalls < 0 or q.elderly_age <= 0 or q.recent_window <= 0:
        fail(("queue",), "queue settings must be positive")
    if not 0 <= cfg.api.port < 65536:
        fail(("api", "port"), f"expected 0-65535 (0: any free port), got {cfg.api.port}")
    try:
        re.compile(cfg.bills.account_pattern)
    except re.error as exc:
        fail(("bills", "account_pattern"), f"not a regular expression: {exc}")
    if cfg.bills.source not in ("demo", "sync"):
        fail(("bills", "source"), f"expected demo or sync, got {cfg.bills.source!r}")


def _validate_devices(cfg: HallConfig, fail: Fail, numbers: set[int]) -> None:
    if cfg.printer.paper_width not in (58, 80):
        fail(("printer", "paper_width"), f"expected 58 or 80, got {cfg.printer.paper_width}")
    if cfg.hallbus.baudrate not in (9600, 19200, 38400, 115200):
        fail(
            ("hallbus", "baudrate"),
            f"expected 9600, 19200, 38400 or 115200, got {cfg.hallbus.baudrate}",
        )
    addresses: set[int] = set()
    for i, d in enumerate(cfg.hallbus.devices):
        where = ("hallbus", "devices", i)
        if not 1 <= d.address <= 99:
            fail((*where, "address"), f"expected 1-99, got {d.address}")
        if d.address in addresses:
            fail((*where, "address"), f"address {d.address} is used twice")
        addresses.add(d.address)
        if d.role not in ("screen", "pad", "evaluator", "pad+screen"):
            fail((*where, "role"), f"expected screen, pad, evaluator or pad+screen, got {d.role!r}")
        if d.counter not in numbers:
            fail((*where, "counter"), f"no counter {d.counter}")
    if cfg.voice.voice and "/" not in cfg.voice.voice:
        fail(
            ("voice", "voice"),
            f"{cfg.voice.voice!r} is not a full espeak-ng voice id (e.g. sit/cmn-latn-pinyin)",
        )
    if not 80 <= cfg.voice.rate <= 450 or not 1 <= cfg.voice.repeat <= 5 or not cfg.voice.player:
        fail(("voice",), "rate must be 80-450, repeat 1-5, player not empty")


def _validate_auth(cfg: HallConfig, fail: Fail) -> None:
    a = cfg.auth
    if not 1 <= a.max_failures <= 20:
        fail(("auth", "max_failures"), f"expected 1-20, got {a.max_failures}")
    if not 1 <= a.lockout_min <= 1440:
        fail(("auth", "lockout_min"), f"expected 1-1440, got {a.lockout_min}")


def _is_pin_hash(value: str) -> bool:
    from kiosk.hall.auth import BadPinHash, parse_pin_hash

    try:
        parse_pin_hash(value)
    except BadPinHash:
        return False
    return True


def _validate_lobby(cfg: HallConfig, fail: Fail) -> None:
    lobby = cfg.lobby
    if not 10 <= lobby.idle_timeout_s <= 600:
        fail(("lobby", "idle_timeout_s"), f"expected 10-600 seconds, got {lobby.idle_timeout_s}")
    if not 3 <= lobby.ticket_screen_s <= 60:
        fail(("lobby", "ticket_screen_s"), f"expected 3-60 seconds, got {lobby.ticket_screen_s}")
    if lobby.orientation not in ("auto", "portrait", "landscape"):
        fail(
            ("lobby", "orientation"),
            f"expected auto, portrait or landscape, got {lobby.orientation!r}",
        )
    if lobby.admin_pin_hash and not _is_pin_hash(lobby.admin_pin_hash):
        fail(
            ("lobby", "admin_pin_hash"),
            "not a PIN hash: make one with `kiosk config hash-pin` (never write the PIN itself)",
        )
    if not 1 <= lobby.admin_max_tries <= 20:
        fail(("lobby", "admin_max_tries"), f"expected 1-20, got {lobby.admin_max_tries}")
    if not 1 <= lobby.admin_lockout_min <= 1440:
        fail(("lobby", "admin_lockout_min"), f"expected 1-1440, got {lobby.admin_lockout_min}")


def _validate_sync(cfg: HallConfig, fail: Fail) -> None:
    s = cfg.sync
    if s.central_url and not re.match(r"^https?://[^/\s]+", s.central_url):
        fail(("sync", "central_url"), f"expected http(s)://host:port, got {s.central_url!r}")
    if s.central_url and len(s.hall_key) < 16:
        fail(("sync", "hall_key"), "a hall key of at least 16 characters is needed")
    if cfg.bills.source == "sync" and not s.central_url:
        fail(("bills", "source"), 'source "sync" needs [sync] central_url')
    if not 1 <= s.batch_size <= 5000:
        fail(("sync", "batch_size"), f"expected 1-5000, got {s.batch_size}")
    for key in ("push_interval_s", "pull_interval_s", "timeout_s", "backoff_max_s"):
        if getattr(s, key) <= 0:
            fail(("sync", key), "must be positive")
    if s.bills_timeout_s <= 0 or s.bills_cache_max_age_h <= 0:
        fail(("sync",), "bills_timeout_s and bills_cache_max_age_h must be positive")


def _validate_staff(cfg: HallConfig, loader: _Loader, counters: set[int]) -> None:
    from kiosk.hall.auth import STAFF_NUMBER_RE, BadPinHash, parse_pin_hash

    seen: set[str] = set()
    for i, s in enumerate(cfg.staff):
        if not STAFF_NUMBER_RE.match(s.number):
            loader.fail(("staff", i, "number"), f"expected 3-8 digits, got {s.number!r}")
        if s.number in seen:
            loader.fail(("staff", i, "number"), f"staff number {s.number} is given twice")
        seen.add(s.number)
        if not s.name.strip():
            loader.fail(("staff", i, "name"), "a name is needed")
        try:
            parse_pin_hash(s.pin_hash)
        except BadPinHash as exc:
            loader.fail(("staff", i, "pin_hash"), str(exc))
        for n in s.counters:
            if n not in counters:
                loader.fail(("staff", i, "counters"), f"no counter {n}")


def parse_config(text: str, source: str = "<config>") -> HallConfig:
    loader = _Loader(source, text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ConfigError(
            source, "", int(m.group(1)) if m else None, f"not valid TOML: {exc}"
        ) from exc
    cfg = loader.build(HallConfig, data, ())
    _validate(cfg, loader)
    return dataclasses.replace(cfg, source=source)


def load_config(path: str | Path) -> HallConfig:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(p), "", None, f"cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(str(p), "", None, "not UTF-8 text") from exc
    return parse_config(text, str(p))


def describe(cls: Any = HallConfig, prefix: str = "") -> list[str]:
    """Every setting with its type, default and description."""
    out = []
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        if f.metadata.get("internal"):
            continue
        tp = hints[f.name]
        name = f"{prefix}{f.name}"
        inner = typing.get_args(tp)[0] if typing.get_origin(tp) is list else tp
        if dataclasses.is_dataclass(inner):
            marker = f"[[{name}]]" if typing.get_origin(tp) is list else f"[{name}]"
            out.append(f"{marker}  {f.metadata.get('doc', '')}")
            out += describe(inner, prefix="  ")
            continue
        if f.default is not dataclasses.MISSING:
            default = f" = {f.default!r}"
        elif f.default_factory is not dataclasses.MISSING:
            default = f" = {f.default_factory()!r}"
        else:
            default = " (required)"
        out.append(f"{name}: {_type_name(tp)}{default}  {f.metadata.get('doc', '')}")
    return out
