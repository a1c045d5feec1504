"""GA 467 SAM frames as pure functions on bytes (``shared/protocols/idcard.md``).

Requests and responses share one frame shape::

    AA AA AA 96 69 | LEN_H LEN_L | body... | CHK

where LEN counts every byte after the length field (CHK included) and CHK is the XOR of the
length bytes through the last body byte. A request body is ``CMD PARA DATA...``; a response
body is ``SW1 SW2 SW3 DATA...``. Nothing here touches a port, so the same code serves the
driver, the simulator and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, IntEnum

from drivers.errors import DeviceError, ProtocolError

DEVICE = "idcard"
PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
HEADER_SIZE = len(PREAMBLE) + 2
MAX_LEN = 4096
"""Longest LEN accepted; the longest real answer (text + photo + fingerprint) is 2314."""

TEXT_SIZE = 256
PHOTO_SIZE = 1024


class Command(Enum):
    """Every request the driver may send, as its ``(CMD, PARA)`` pair."""

    SAM_STATUS = (0x11, 0xFF)
    SAM_ID = (0x12, 0xFF)
    FIND = (0x20, 0x01)
    SELECT = (0x20, 0x02)
    READ_TEXT_PHOTO = (0x30, 0x01)
    READ_TEXT_PHOTO_FINGERPRINT = (0x30, 0x10)
    READ_APPENDED_ADDRESS = (0x30, 0x03)

    @property
    def cmd(self) -> int:
        return self.value[0]

    @property
    def para(self) -> int:
        return self.value[1]

    @classmethod
    def lookup(cls, cmd: int, para: int) -> Command | None:
        """The command for a ``(CMD, PARA)`` pair, or ``None`` for one we do not know."""
        for command in cls:
            if command.value == (cmd, para):
                return command
        return None


class ResultCode(IntEnum):
    """SW3 values seen in public code; anything else becomes :class:`UnexpectedResult`."""

    OK = 0x90
    FIND_OK = 0x9F
    NO_CARD = 0x80
    SELECT_FAILED = 0x81
    READ_FAILED = 0x41


class SamResultError(DeviceError):
    """The SAM answered a well-formed frame whose SW3 says the command did not succeed."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(DEVICE, f"{message} (SW3 0x{code:02X})")
        self.code = code


class NoCard(SamResultError):
    """Find failed: no card on the reader, or the card was already read this presentation."""


class SelectFailed(SamResultError):
    """Select failed: the card moved away between find and select."""


class ReadFailed(SamResultError):
    """Read failed: the card left the field or the SAM could not authenticate it."""


class UnexpectedResult(SamResultError):
    """An SW3 outside the known set (or a success code where another was due)."""


_RESULT_ERRORS: dict[int, tuple[type[SamResultError], str]] = {
    ResultCode.NO_CARD: (NoCard, "no card on the reader"),
    ResultCode.SELECT_FAILED: (SelectFailed, "select card failed"),
    ResultCode.READ_FAILED: (ReadFailed, "read card failed"),
}


def checksum(data: bytes) -> int:
    """XOR of every byte: the CHK of a frame, over its length field and body."""
    result = 0
    for byte in data:
        result ^= byte
    return result


def _frame(body: bytes) -> bytes:
    length = (len(body) + 1).to_bytes(2, "big")
    return PREAMBLE + length + body + bytes([checksum(length + body)])


def build_request(command: Command, data: bytes = b"") -> bytes:
    """The complete request frame for ``command``."""
    return _frame(bytes([command.cmd, command.para]) + data)


def build_response(sw3: int, data: bytes = b"", sw1: int = 0x00, sw2: int = 0x00) -> bytes:
    """The complete response frame a SAM sends (used by the simulator and the tests)."""
    return _frame(bytes([sw1, sw2, sw3]) + data)


@dataclass(frozen=True)
class Request:
    """A request frame as the device side sees it."""

    cmd: int
    para: int
    data: bytes = b""

    @property
    def command(self) -> Command | None:
        return Command.lookup(self.cmd, self.para)


@dataclass(frozen=True)
class Response:
    """A response frame. ``data`` may hold a text block, so it stays out of ``repr``."""

    sw1: int
    sw2: int
    sw3: int
    data: bytes = field(default=b"", repr=False)

    @property
    def result(self) -> ResultCode | None:
        """The typed SW3, or ``None`` for a code outside :class:`ResultCode`."""
        try:
            return ResultCode(self.sw3)
        except ValueError:
            return None

    def expect(self, success: ResultCode) -> Response:
        """Return ``self`` when SW3 is ``success``, else raise the matching typed error."""
        if self.sw3 == success:
            return self
        error, message = _RESULT_ERRORS.get(
            self.sw3, (UnexpectedResult, f"unexpected result, wanted 0x{success:02X}")
        )
        raise error(self.sw3, message)


class FrameParser:
    """Cuts frame bodies out of a byte stream, resynchronising on the preamble.

    Garbage before a preamble is skipped silently (and counted in :attr:`discarded`). A frame
    whose LEN is absurd or whose CHK is wrong raises :class:`ProtocolError` from
    :meth:`next_body`; only its preamble is dropped, so the next call resumes the search just
    after it and a real frame hidden behind a false start is still found.
    """

    def __init__(self, min_len: int) -> None:
        self._min_len = min_len
        self._buffer = bytearray()
        self.discarded = 0

    @property
    def buffered(self) -> int:
        return len(self._buffer)

    @property
    def needed(self) -> int:
        """How many more bytes could complete the frame in progress (at least 1).

        A reader that asks its port for exactly this many never waits for bytes that are not
        coming, so an answer is handed on the moment its last byte arrives.
        """
        buf = self._buffer
        if len(buf) >= HEADER_SIZE and buf.startswith(PREAMBLE):
            length = int.from_bytes(buf[len(PREAMBLE) : HEADER_SIZE], "big")
            return max(1, HEADER_SIZE + length - len(buf))
        return max(1, HEADER_SIZE - len(buf))

    def feed(self, data: bytes) -> None:
        self._buffer += data

    def reset(self) -> None:
        self._buffer.clear()

    def _drop(self, count: int) -> None:
        del self._buffer[:count]
        self.discarded += count

    def next_body(self) -> bytes | None:
        """The next complete body (without preamble, LEN and CHK), or ``None`` for now."""
        buf = self._buffer
        start = buf.find(PREAMBLE)
        if start < 0:
            # Keep a tail that may be the start of a preamble split across reads.
            keep = len(PREAMBLE) - 1
            if len(buf) > keep:
                self._drop(len(buf) - keep)
            return None
        if start:
            self._drop(start)
        if len(buf) < HEADER_SIZE:
            return None
        header = bytes(buf[:HEADER_SIZE])
        length = int.from_bytes(header[len(PREAMBLE) :], "big")
        if length > MAX_LEN or length < self._min_len:
            self._drop(len(PREAMBLE))
            raise ProtocolError(DEVICE, f"frame length {length} out of range", raw=header)
        end = HEADER_SIZE + length
        if len(buf) < end:
            return None
        checked = bytes(buf[len(PREAMBLE) : end - 1])
        received = buf[end - 1]
        if checksum(checked) != received:
            self._drop(len(PREAMBLE))
            raise ProtocolError(
                DEVICE, f"bad checksum 0x{received:02X} in a {length}-byte frame", raw=header
            )
        del buf[:end]
        return checked[2:]


class ResponseParser:
    """Streaming response parser: :meth:`feed` bytes, then take :class:`Response` objects."""

    def __init__(self) -> None:
        # SW1 SW2 SW3 CHK is the shortest possible response.
        self._frames = FrameParser(min_len=4)

    @property
    def discarded(self) -> int:
        return self._frames.discarded

    @property
    def buffered(self) -> int:
        return self._frames.buffered

    @property
    def needed(self) -> int:
        return self._frames.needed

    def feed(self, data: bytes) -> None:
        self._frames.feed(data)

    def reset(self) -> None:
        self._frames.reset()

    def next_response(self) -> Response | None:
        """The next response, ``None`` until one is complete; :class:`ProtocolError` when bad."""
        body = self._frames.next_body()
        if body is None:
            return None
        return Response(body[0], body[1], body[2], body[3:])


class RequestParser:
    """The device side's counterpart of :class:`ResponseParser` (used by the simulator)."""

    def __init__(self) -> None:
        # CMD PARA CHK is the shortest possible request.
        self._frames = FrameParser(min_len=3)

    def feed(self, data: bytes) -> None:
        self._frames.feed(data)

    def next_request(self) -> Request | None:
        body = self._frames.next_body()
        if body is None:
            return None
        return Request(body[0], body[1], body[2:])


def parse_response(frame: bytes) -> Response:
    """Parse exactly one complete response frame (no leading garbage, nothing after it)."""
    parser = ResponseParser()
    parser.feed(frame)
    response = parser.next_response()
    if response is None or parser.discarded or parser.buffered:
        raise ProtocolError(DEVICE, f"not exactly one response frame ({len(frame)} bytes)")
    return response


@dataclass(frozen=True)
class CardData:
    """What a read returns. The photo is opaque WLT: kept here only, never decoded or stored."""

    text: bytes = field(repr=False)
    photo: bytes = field(repr=False)
    fingerprint: bytes | None = field(default=None, repr=False)


def build_card_data(text: bytes, photo: bytes, fingerprint: bytes | None = None) -> bytes:
    """The DATA of a successful read: the lengths (big-endian), then each part in order."""
    parts = [text, photo] if fingerprint is None else [text, photo, fingerprint]
    lengths = b"".join(len(part).to_bytes(2, "big") for part in parts)
    return lengths + b"".join(parts)


def parse_card_data(data: bytes, *, with_fingerprint: bool = False) -> CardData:
    """Split the DATA of a successful read into text, photo and (optionally) fingerprint."""
    count = 3 if with_fingerprint else 2
    head = 2 * count
    if len(data) < head:
        raise ProtocolError(DEVICE, f"card data too short ({len(data)} bytes)")
    lengths = [int.from_bytes(data[2 * i : 2 * i + 2], "big") for i in range(count)]
    if head + sum(lengths) != len(data):
        raise ProtocolError(
            DEVICE,
            f"card data lengths {lengths} do not add up to {len(data) - head} bytes",
            raw=data[:head],
        )
    parts: list[bytes] = []
    offset = head
    for length in lengths:
        parts.append(data[offset : offset + length])
        offset += length
    if len(parts[0]) != TEXT_SIZE:
        raise ProtocolError(DEVICE, f"text block is {len(parts[0])} bytes, not {TEXT_SIZE}")
    return CardData(parts[0], parts[1], parts[2] if with_fingerprint else None)
