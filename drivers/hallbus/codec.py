"""Hall bus v1 codec: bytes ⇄ typed messages, with no I/O.

Everything here is a pure function or a pure object over ``bytes`` so the whole protocol can
be tested in microseconds, byte for byte against ``shared/protocols/hallbus.md``, and so a
vendor protocol can be added later as another codec behind the same master.

Frame::

    STX ADDR CMD LEN PAYLOAD... CRC_LO CRC_HI ETX
    02  01-63 xx 0-64 LEN bytes CRC-16/MODBUS  03

The CRC covers ADDR, CMD, LEN and PAYLOAD and is sent low byte first.
"""

from __future__ import annotations

import struct
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from functools import partial
from typing import ClassVar, Final

from drivers.errors import ProtocolError

STX: Final = 0x02
ETX: Final = 0x03
BROADCAST_ADDRESS: Final = 0x00
MAX_ADDRESS: Final = 99
MAX_PAYLOAD: Final = 64
MAX_TEXT_BYTES: Final = 32
MAX_PAD_TICKET_BYTES: Final = 8
HEADER_LEN: Final = 4  # STX ADDR CMD LEN
TRAILER_LEN: Final = 3  # CRC_LO CRC_HI ETX
MIN_FRAME_LEN: Final = HEADER_LEN + TRAILER_LEN
MAX_FRAME_LEN: Final = HEADER_LEN + MAX_PAYLOAD + TRAILER_LEN
EVENT_LEN: Final = 4  # seq kind arg(2, BE)
MAX_EVENTS_PER_FRAME: Final = MAX_PAYLOAD // EVENT_LEN
SEQ_MIN: Final = 1
SEQ_MAX: Final = 255
TEXT_ENCODING: Final = "gb18030"

DEVICE_NAME: Final = "hallbus"  # what errors from this codec name as the device


class Command(IntEnum):
    """CMD byte. Below 0x80 the master speaks; from 0x80 a device answers."""

    POLL = 0x01
    SHOW = 0x10
    CLEAR = 0x11
    PAD_STATE = 0x12
    EVAL_START = 0x20
    EVAL_CANCEL = 0x21
    IDENTIFY = 0x30
    ACK = 0x80
    EVENTS = 0x81
    INFO = 0x83
    NAK = 0x8F

    @property
    def from_master(self) -> bool:
        return self < 0x80


class EventKind(IntEnum):
    CALL_NEXT = 0x01
    RECALL = 0x02
    NO_SHOW = 0x03
    PAUSE_TOGGLE = 0x04
    TRANSFER = 0x05
    EVALUATE = 0x06
    START = 0x07
    DONE = 0x08
    SCORE = 0x10


class TransferTarget(IntEnum):
    """High byte of a TRANSFER event's ``arg``."""

    SERVICE = 1
    COUNTER = 2


class Score(IntEnum):
    """An evaluator's answer (the ``arg`` of a SCORE event)."""

    NO_ANSWER = 0
    VERY_SATISFIED = 1  # 非常满意
    SATISFIED = 2  # 满意
    NEUTRAL = 3  # 一般
    DISSATISFIED = 4  # 不满意


class DeviceType(IntEnum):
    """``type`` byte of INFO."""

    WINDOW_SCREEN = 1
    CALLER_PAD = 2
    EVALUATOR = 3
    PAD_AND_SCREEN = 4


class NakCode(IntEnum):
    BAD_CRC = 1
    UNKNOWN_COMMAND = 2
    BAD_PAYLOAD = 3
    BUSY = 4


class ShowMode(IntEnum):
    STEADY = 0
    FLASH = 1


class RejectReason(StrEnum):
    """Why a receiver refused bytes that started with STX."""

    MISSING_STX = "missing-stx"  # only from decode(): a stream parser hunts instead
    BAD_LENGTH = "bad-length"  # LEN > 64: cannot be a frame, hunt on
    BAD_CRC = "bad-crc"
    MISSING_ETX = "missing-etx"
    TRUNCATED = "truncated"  # the stream ended (or went quiet) inside a frame
    BAD_ADDRESS = "bad-address"  # a well-formed frame with ADDR > 99
    UNKNOWN_COMMAND = "unknown-command"
    BAD_PAYLOAD = "bad-payload"


class FrameError(ProtocolError):
    """A frame that cannot be decoded; ``reason`` says which rule it broke."""

    def __init__(self, reason: RejectReason, message: str, raw: bytes = b"") -> None:
        super().__init__(DEVICE_NAME, message, raw)
        self.reason = reason


# --- CRC -------------------------------------------------------------------------------------


def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_CRC_TABLE: Final = _crc_table()


def crc16_modbus(data: bytes | bytearray | memoryview) -> int:
    """CRC-16/MODBUS (reflected poly 0xA001, init 0xFFFF); ``b"123456789"`` gives 0x4B37."""
    crc = 0xFFFF
    for byte in data:
        crc = (crc >> 8) ^ _CRC_TABLE[(crc ^ byte) & 0xFF]
    return crc


# --- text ------------------------------------------------------------------------------------


def encode_text(text: str, max_bytes: int = MAX_TEXT_BYTES) -> bytes:
    """GB18030 bytes of ``text``, cut to ``max_bytes`` at a character boundary.

    A screen shows garbage (or rejects the frame) if a two- or four-byte character is split,
    so the text is encoded character by character and stops before the first one that does
    not fit. Characters that cannot be encoded at all (lone surrogates) become ``?``.
    """
    out = bytearray()
    for char in text:
        encoded = char.encode(TEXT_ENCODING, errors="replace")
        if len(out) + len(encoded) > max_bytes:
            break
        out += encoded
    return bytes(out)


def decode_text(raw: bytes, max_bytes: int = MAX_TEXT_BYTES) -> str:
    """Strict decode: a device must refuse text it cannot show rather than show mojibake."""
    if len(raw) > max_bytes:
        raise FrameError(
            RejectReason.BAD_PAYLOAD, f"text of {len(raw)} bytes exceeds {max_bytes}", raw[:8]
        )
    try:
        return raw.decode(TEXT_ENCODING)
    except UnicodeDecodeError as exc:
        raise FrameError(RejectReason.BAD_PAYLOAD, "text is not valid GB18030", raw[:8]) from exc


# --- sequence numbers ------------------------------------------------------------------------


def next_seq(seq: int) -> int:
    """The sequence after ``seq``: 1..255, then 1 again (0 is never used by a device)."""
    return SEQ_MIN if seq >= SEQ_MAX else seq + 1


def seq_distance(newer: int, older: int) -> int:
    """How many steps ``newer`` is after ``older`` on the 1..255 cycle (0 when equal)."""
    return (newer - older) % SEQ_MAX


# --- events ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transfer:
    """Where a TRANSFER key sends the ticket: a service index or a counter number."""

    target: TransferTarget
    number: int


def transfer_arg(target: TransferTarget, number: int) -> int:
    """The ``arg`` of a TRANSFER event."""
    if not 0 <= number <= 0xFF:
        raise ValueError(f"transfer number {number} out of 0..255")
    return (int(target) << 8) | number


@dataclass(frozen=True)
class Event:
    """One key press (or evaluator answer) as the device numbered it.

    ``kind`` stays a plain ``int`` when a device sends a kind this codec does not know: the
    master must still acknowledge it, or the device would repeat it forever.
    """

    seq: int
    kind: EventKind | int
    arg: int = 0

    def __post_init__(self) -> None:
        if not SEQ_MIN <= self.seq <= SEQ_MAX:
            raise ValueError(f"event seq {self.seq} out of 1..255")
        if not 0 <= self.kind <= 0xFF:
            raise ValueError(f"event kind {self.kind} out of 0..255")
        if not 0 <= self.arg <= 0xFFFF:
            raise ValueError(f"event arg {self.arg} out of 0..65535")

    @property
    def transfer(self) -> Transfer | None:
        """The decoded target of a TRANSFER event; None for other kinds or a bad ``arg``."""
        if self.kind != EventKind.TRANSFER:
            return None
        high, low = self.arg >> 8, self.arg & 0xFF
        if high not in TransferTarget._value2member_map_:
            return None
        return Transfer(TransferTarget(high), low)

    @property
    def score(self) -> Score | None:
        """The evaluator's answer of a SCORE event; None for other kinds or a bad ``arg``."""
        if self.kind != EventKind.SCORE or self.arg not in Score._value2member_map_:
            return None
        return Score(self.arg)


def _known(enum: type[IntEnum], value: int) -> int:
    """The enum member for ``value`` if there is one, else the plain int."""
    member = enum._value2member_map_.get(value)
    return member if isinstance(member, IntEnum) else value


# --- messages --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """A decoded frame. Subclasses fix ``command`` and know their payload."""

    command: ClassVar[Command]
    address: int

    def __post_init__(self) -> None:
        if not 0 <= self.address <= MAX_ADDRESS:
            raise ValueError(f"address {self.address} out of 0..{MAX_ADDRESS}")

    def payload(self) -> bytes:
        return b""


@dataclass(frozen=True)
class Poll(Message):
    command: ClassVar[Command] = Command.POLL
    ack_seq: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 0 <= self.ack_seq <= SEQ_MAX:
            raise ValueError(f"ack_seq {self.ack_seq} out of 0..255")

    def payload(self) -> bytes:
        return bytes([self.ack_seq])


@dataclass(frozen=True)
class Show(Message):
    """Text for a window screen. ``text`` longer than 32 GB18030 bytes is cut when encoded.

    ``seconds`` is how long ``mode`` lasts (e.g. flash for 10 s, then steady); the protocol
    leaves its exact meaning to the screen, 0 meaning "keep this mode".
    """

    command: ClassVar[Command] = Command.SHOW
    text: str = ""
    mode: ShowMode = ShowMode.STEADY
    seconds: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 0 <= self.seconds <= 0xFF:
            raise ValueError(f"seconds {self.seconds} out of 0..255")

    def payload(self) -> bytes:
        return bytes([self.mode, self.seconds]) + encode_text(self.text)


@dataclass(frozen=True)
class Clear(Message):
    command: ClassVar[Command] = Command.CLEAR


@dataclass(frozen=True)
class PadState(Message):
    """What a caller pad's own display shows: people waiting and the ticket being served."""

    command: ClassVar[Command] = Command.PAD_STATE
    waiting: int = 0
    current: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.waiting < 0:
            raise ValueError(f"waiting {self.waiting} is negative")

    def payload(self) -> bytes:
        # A pad can only show 0..65535; more people than that is not a hall, so saturate.
        return struct.pack(">H", min(self.waiting, 0xFFFF)) + encode_text(
            self.current, MAX_PAD_TICKET_BYTES
        )


@dataclass(frozen=True)
class EvalStart(Message):
    command: ClassVar[Command] = Command.EVAL_START
    ticket: str = ""

    def payload(self) -> bytes:
        return encode_text(self.ticket)


@dataclass(frozen=True)
class EvalCancel(Message):
    command: ClassVar[Command] = Command.EVAL_CANCEL


@dataclass(frozen=True)
class Identify(Message):
    command: ClassVar[Command] = Command.IDENTIFY


@dataclass(frozen=True)
class Ack(Message):
    command: ClassVar[Command] = Command.ACK


@dataclass(frozen=True)
class Events(Message):
    """Unacknowledged events, oldest first; a device repeats them until a POLL acks them."""

    command: ClassVar[Command] = Command.EVENTS
    events: tuple[Event, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 1 <= len(self.events) <= MAX_EVENTS_PER_FRAME:
            raise ValueError(f"EVENTS carries 1..{MAX_EVENTS_PER_FRAME} events")

    def payload(self) -> bytes:
        return b"".join(struct.pack(">BBH", e.seq, e.kind, e.arg) for e in self.events)


@dataclass(frozen=True)
class Info(Message):
    command: ClassVar[Command] = Command.INFO
    device_type: DeviceType | int = DeviceType.WINDOW_SCREEN
    fw_major: int = 1
    fw_minor: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in ("device_type", "fw_major", "fw_minor"):
            if not 0 <= getattr(self, name) <= 0xFF:
                raise ValueError(f"{name} out of 0..255")

    def payload(self) -> bytes:
        return bytes([self.device_type, self.fw_major, self.fw_minor])


@dataclass(frozen=True)
class Nak(Message):
    command: ClassVar[Command] = Command.NAK
    code: NakCode | int = NakCode.BAD_PAYLOAD

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 0 <= self.code <= 0xFF:
            raise ValueError(f"NAK code {self.code} out of 0..255")

    def payload(self) -> bytes:
        return bytes([self.code])


MASTER_MESSAGES: Final[tuple[type[Message], ...]] = (
    Poll,
    Show,
    Clear,
    PadState,
    EvalStart,
    EvalCancel,
    Identify,
)
DEVICE_MESSAGES: Final[tuple[type[Message], ...]] = (Ack, Events, Info, Nak)


# --- encoding --------------------------------------------------------------------------------


def encode_frame(address: int, command: int, payload: bytes = b"") -> bytes:
    """The raw frame for any ADDR/CMD/payload; :func:`encode` is the typed way in."""
    if not 0 <= address <= 0xFF or not 0 <= command <= 0xFF:
        raise ValueError("address and command are single bytes")
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"payload of {len(payload)} bytes exceeds {MAX_PAYLOAD}")
    body = bytes([address, command, len(payload)]) + payload
    crc = crc16_modbus(body)
    return bytes([STX]) + body + bytes([crc & 0xFF, crc >> 8, ETX])


def encode(message: Message) -> bytes:
    """The exact bytes of ``message`` on the wire."""
    return encode_frame(message.address, message.command, message.payload())


def wire_time_s(byte_count: int, baudrate: int, bits_per_char: int = 10) -> float:
    """Seconds ``byte_count`` bytes take on the line (8N1 is 10 bits a character)."""
    return byte_count * bits_per_char / baudrate


# --- decoding --------------------------------------------------------------------------------


def _bad_payload(command: Command, message: str, payload: bytes) -> FrameError:
    return FrameError(RejectReason.BAD_PAYLOAD, f"{command.name}: {message}", payload[:8])


def _expect_length(command: Command, payload: bytes, length: int) -> None:
    if len(payload) != length:
        raise _bad_payload(command, f"payload is {len(payload)} bytes, expected {length}", payload)


_EMPTY_MESSAGES: Final[dict[Command, type[Message]]] = {
    Command.CLEAR: Clear,
    Command.EVAL_CANCEL: EvalCancel,
    Command.IDENTIFY: Identify,
    Command.ACK: Ack,
}


def _decode_empty(message_type: type[Message], address: int, payload: bytes) -> Message:
    _expect_length(message_type.command, payload, 0)
    return message_type(address)


def _decode_poll(address: int, payload: bytes) -> Message:
    _expect_length(Command.POLL, payload, 1)
    return Poll(address, payload[0])


def _decode_show(address: int, payload: bytes) -> Message:
    if len(payload) < 2:
        raise _bad_payload(Command.SHOW, "needs mode and seconds", payload)
    if payload[0] not in ShowMode._value2member_map_:
        raise _bad_payload(Command.SHOW, f"unknown mode {payload[0]}", payload)
    return Show(address, decode_text(payload[2:]), ShowMode(payload[0]), payload[1])


def _decode_pad_state(address: int, payload: bytes) -> Message:
    if len(payload) < 2:
        raise _bad_payload(Command.PAD_STATE, "needs the waiting count", payload)
    (waiting,) = struct.unpack(">H", payload[:2])
    return PadState(address, waiting, decode_text(payload[2:], MAX_PAD_TICKET_BYTES))


def _decode_eval_start(address: int, payload: bytes) -> Message:
    return EvalStart(address, decode_text(payload))


def _decode_events(address: int, payload: bytes) -> Message:
    if not payload or len(payload) % EVENT_LEN:
        raise _bad_payload(
            Command.EVENTS, f"{len(payload)} bytes is not a whole number of events", payload
        )
    events = []
    for offset in range(0, len(payload), EVENT_LEN):
        seq, kind, arg = struct.unpack_from(">BBH", payload, offset)
        if seq == 0:
            raise _bad_payload(Command.EVENTS, "event seq 0", payload)
        events.append(Event(seq, _known(EventKind, kind), arg))
    return Events(address, tuple(events))


def _decode_info(address: int, payload: bytes) -> Message:
    _expect_length(Command.INFO, payload, 3)
    return Info(address, _known(DeviceType, payload[0]), payload[1], payload[2])


def _decode_nak(address: int, payload: bytes) -> Message:
    _expect_length(Command.NAK, payload, 1)
    return Nak(address, _known(NakCode, payload[0]))


_PAYLOAD_DECODERS: Final[dict[Command, Callable[[int, bytes], Message]]] = {
    **{cmd: partial(_decode_empty, message_type) for cmd, message_type in _EMPTY_MESSAGES.items()},
    Command.POLL: _decode_poll,
    Command.SHOW: _decode_show,
    Command.PAD_STATE: _decode_pad_state,
    Command.EVAL_START: _decode_eval_start,
    Command.EVENTS: _decode_events,
    Command.INFO: _decode_info,
    Command.NAK: _decode_nak,
}
assert set(_PAYLOAD_DECODERS) == set(Command), "every command needs its payload decoder"


def decode_message(address: int, command: int, payload: bytes) -> Message:
    """Typed message from a frame whose LEN, CRC and ETX were already checked.

    Raises :class:`FrameError` (a :class:`~drivers.errors.ProtocolError`) for a bad address,
    an unknown command or a payload that breaks the protocol.
    """
    if not 0 <= address <= MAX_ADDRESS:
        raise FrameError(RejectReason.BAD_ADDRESS, f"address {address} out of 0..{MAX_ADDRESS}")
    if command not in Command._value2member_map_:
        raise FrameError(RejectReason.UNKNOWN_COMMAND, f"unknown command 0x{command:02X}")
    return _PAYLOAD_DECODERS[Command(command)](address, payload)


def decode(frame: bytes) -> Message:
    """Decode exactly one complete frame, or raise :class:`FrameError`."""
    if len(frame) < MIN_FRAME_LEN:
        raise FrameError(RejectReason.TRUNCATED, f"{len(frame)} bytes is shorter than a frame")
    if frame[0] != STX:
        raise FrameError(RejectReason.MISSING_STX, "frame does not start with STX", frame[:4])
    length = frame[3]
    if length > MAX_PAYLOAD:
        raise FrameError(RejectReason.BAD_LENGTH, f"LEN {length} > {MAX_PAYLOAD}", frame[:4])
    total = HEADER_LEN + length + TRAILER_LEN
    if len(frame) < total:
        raise FrameError(RejectReason.TRUNCATED, f"{len(frame)} of {total} bytes", frame[:4])
    if len(frame) > total:
        raise FrameError(RejectReason.MISSING_ETX, f"{len(frame) - total} bytes after the frame")
    end = HEADER_LEN + length
    if crc16_modbus(frame[1:end]) != frame[end] | frame[end + 1] << 8:
        raise FrameError(RejectReason.BAD_CRC, "CRC mismatch", frame[:4])
    if frame[end + 2] != ETX:
        raise FrameError(RejectReason.MISSING_ETX, "no ETX after the CRC", frame[:4])
    return decode_message(frame[1], frame[2], bytes(frame[HEADER_LEN:end]))


# --- streaming parser ------------------------------------------------------------------------


@dataclass(frozen=True)
class Rejected:
    """Bytes a receiver refused. ``address`` and ``command`` are as read from the header,
    so they may themselves be corrupt; ``header`` keeps STX ADDR CMD LEN (never the text)."""

    reason: RejectReason
    address: int
    command: int
    header: bytes
    detail: str = ""


class FrameParser:
    """Cuts a byte stream into typed messages the way the protocol tells a receiver to.

    It hunts for STX, reads the header and accepts a frame only if LEN ≤ 64, the CRC matches
    and ETX follows; otherwise it drops that one byte and hunts again, so a frame right after
    garbage or a broken frame is still found. Well-formed frames that break a semantic rule
    (address, command, payload) are consumed whole. Nothing is raised: refused frames come
    out as :class:`Rejected` and are counted in :attr:`rejected`.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()
        self.rejected: Counter[RejectReason] = Counter()
        self.accepted = 0
        self.noise_bytes = 0  # bytes skipped while hunting for STX

    @property
    def pending(self) -> int:
        """Bytes held back because they may be the start of a frame."""
        return len(self._buffer)

    def bytes_needed(self) -> int:
        """How many more bytes could complete the frame in progress.

        A reader passes this to ``read(n)`` so it wakes as soon as a frame is complete
        instead of waiting out the port timeout for bytes that will not come.
        """
        buffered = len(self._buffer)
        if buffered < HEADER_LEN:
            return HEADER_LEN - buffered
        return HEADER_LEN + self._buffer[3] + TRAILER_LEN - buffered

    def feed(self, data: bytes | bytearray) -> list[Message | Rejected]:
        self._buffer += data
        out: list[Message | Rejected] = []
        while self._buffer and self._take_from_head(out):
            pass
        return out

    def _take_from_head(self, out: list[Message | Rejected]) -> bool:
        """Consume what starts the buffer: noise up to STX, then one refused byte or one
        whole frame. False when more bytes are needed before anything can be decided."""
        buf = self._buffer
        start = buf.find(STX)
        if start < 0:
            self.noise_bytes += len(buf)
            buf.clear()
            return False
        if start:
            self.noise_bytes += start
            del buf[:start]
        if len(buf) < HEADER_LEN:
            return False
        length = buf[3]
        if length > MAX_PAYLOAD:
            out.append(self._reject(RejectReason.BAD_LENGTH, f"LEN {length}"))
            del buf[0]
            return True
        total = HEADER_LEN + length + TRAILER_LEN
        if len(buf) < total:
            return False
        broken = self._framing_error(length)
        if broken is not None:
            out.append(self._reject(broken))
            del buf[0]
            return True
        out.append(self._decode_head(length))
        del buf[:total]
        return True

    def _framing_error(self, length: int) -> RejectReason | None:
        """Why the complete frame at the head is not one (CRC, ETX), or None."""
        buf = self._buffer
        end = HEADER_LEN + length
        if crc16_modbus(memoryview(buf)[1:end]) != buf[end] | buf[end + 1] << 8:
            return RejectReason.BAD_CRC
        if buf[end + 2] != ETX:
            return RejectReason.MISSING_ETX
        return None

    def _decode_head(self, length: int) -> Message | Rejected:
        """The well-formed frame at the head as a message, or refused on its content."""
        buf = self._buffer
        payload = bytes(buf[HEADER_LEN : HEADER_LEN + length])
        try:
            message = decode_message(buf[1], buf[2], payload)
        except FrameError as exc:
            return self._reject(exc.reason, exc.message)
        self.accepted += 1
        return message

    def flush(self) -> list[Message | Rejected]:
        """The line went quiet: what is held back can no longer grow into a frame.

        The candidate at the head counts as truncated and its STX is dropped; the bytes after
        it are hunted through as usual, so a good frame that a corrupt header was holding
        back still comes out. Afterwards nothing is pending.
        """
        out: list[Message | Rejected] = []
        while self._buffer:
            out.append(self._reject(RejectReason.TRUNCATED, f"{len(self._buffer)} bytes held"))
            del self._buffer[0]
            out.extend(self.feed(b""))
        return out

    def _reject(self, reason: RejectReason, detail: str = "") -> Rejected:
        self.rejected[reason] += 1
        header = bytes(self._buffer[:HEADER_LEN])
        address = header[1] if len(header) > 1 else -1
        command = header[2] if len(header) > 2 else -1
        return Rejected(reason, address, command, header, detail)


def parse_all(data: bytes) -> list[Message | Rejected]:
    """Everything in a complete capture, including a truncated tail."""
    parser = FrameParser()
    out = parser.feed(data)
    out.extend(parser.flush())
    return out
