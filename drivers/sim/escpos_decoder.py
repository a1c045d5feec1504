"""The ESC/POS decoder: a byte stream back into what a printer would put on paper.

:class:`EscposDecoder` gives text lines with their alignment, bold, size and Chinese mode,
native QR symbols with their payload, cuts and feeds; raster images are recognised (and
flagged: tickets must not use them); anything else is recorded as :class:`Unknown` and
skipped, never raised. :func:`decode_escpos` is the same as a pure function;
:func:`split_tickets` groups what was printed at the cuts (:class:`DecodedTicket`).

Independent of any device: the simulated printer (:mod:`drivers.sim.printer`) runs it on
what comes down its cable, and the driver's tests decode the bytes they render.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Literal

from drivers.errors import ProtocolError

DEVICE = "printer"
#: A block (image, 2D code data) declaring more than this is treated as garbage.
MAX_BLOCK = 1 << 20

ESC, FS, GS, DLE = 0x1B, 0x1C, 0x1D, 0x10
CODEPAGES = {0: "cp437", 2: "cp850", 16: "cp1252", 17: "cp866", 19: "cp858"}
QR_EC_LEVELS = {48: "L", 49: "M", 50: "Q", 51: "H"}

Alignment = Literal["left", "center", "right"]
ALIGNS: dict[int, Alignment] = {
    0: "left",
    48: "left",
    1: "center",
    49: "center",
    2: "right",
    50: "right",
}


# -- decoded items ------------------------------------------------------------------------


@dataclass(frozen=True)
class TextLine:
    """A printed line; style is what was in effect at its first character."""

    text: str
    align: Alignment = "left"
    bold: bool = False
    width: int = 1
    height: int = 1
    chinese: bool = False
    underline: int = 0

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)


@dataclass(frozen=True)
class QrCode:
    payload: str
    raw: bytes
    model: int
    module_size: int
    ec_level: str
    align: Alignment


@dataclass(frozen=True)
class Cut:
    partial: bool
    feed_dots: int | None = None


@dataclass(frozen=True)
class Feed:
    lines: int = 0
    dots: int = 0


@dataclass(frozen=True)
class StatusRequest:
    """A real-time request (``DLE EOT n``): answered at once, even while printing."""

    query: int


@dataclass(frozen=True)
class RasterImage:
    command: str
    n_bytes: int


@dataclass(frozen=True)
class Unknown:
    """A command the decoder does not know or a malformed one; skipped, kept for tests."""

    raw: bytes
    name: str = ""


@dataclass(frozen=True)
class Truncated:
    """The stream ended inside a command."""

    raw: bytes


Item = TextLine | QrCode | Cut | Feed | StatusRequest | RasterImage | Unknown | Truncated


@dataclass
class _Style:
    align: Alignment = "left"
    bold: bool = False
    width: int = 1
    height: int = 1
    underline: int = 0
    chinese: bool = False
    codepage: int = 0


@dataclass
class _QrState:
    model: int = 50
    module_size: int = 3
    ec: int = 48
    data: bytes | None = None


class _NeedMore(Exception):
    pass


@dataclass
class _Cursor:
    buf: bytes
    pos: int

    def need(self, n: int) -> bytes:
        if self.pos + n > len(self.buf):
            raise _NeedMore
        return self.buf[self.pos : self.pos + n]


# -- the decoder --------------------------------------------------------------------------


class EscposDecoder:
    """Streaming ESC/POS decoder: :meth:`feed` bytes, get the items they complete."""

    def __init__(self) -> None:
        self._buf = b""
        self._style = _Style()
        self._qr = _QrState()
        self._line: list[tuple[bytes, str]] = []
        self._line_style: _Style | None = None

    @property
    def chinese_mode(self) -> bool:
        return self._style.chinese

    @property
    def pending(self) -> bytes:
        """Bytes held back because they start an unfinished command."""
        return self._buf

    def feed(self, data: bytes) -> list[Item]:
        buf = self._buf + bytes(data)
        out: list[Item] = []
        pos = 0
        while pos < len(buf):
            try:
                pos = self._step(buf, pos, out)
            except _NeedMore:
                break
        self._buf = buf[pos:]
        return out

    def finish(self) -> list[Item]:
        """End of stream: an unfinished command and any unterminated text are reported."""
        out: list[Item] = []
        if self._buf:
            out.append(Truncated(self._buf))
            self._buf = b""
        self._flush_line(out, force=False)
        return out

    # -- text ----------------------------------------------------------------------------
    def _encoding(self) -> str:
        if self._style.chinese:
            return "gb18030"
        return CODEPAGES.get(self._style.codepage, "cp437")

    def _add_text(self, data: bytes) -> None:
        if self._line_style is None:
            self._line_style = replace(self._style)
        self._line.append((data, self._encoding()))

    def _flush_line(self, out: list[Item], *, force: bool = True) -> None:
        """End the current line (LF, or a command that prints the buffer)."""
        if not self._line and not force:
            return
        style = self._line_style or self._style
        text = "".join(chunk.decode(enc, errors="replace") for chunk, enc in self._merged())
        out.append(
            TextLine(
                text=text,
                align=style.align,
                bold=style.bold,
                width=style.width,
                height=style.height,
                chinese=style.chinese,
                underline=style.underline,
            )
        )
        self._line = []
        self._line_style = None

    def _merged(self) -> Iterator[tuple[bytes, str]]:
        # Join consecutive chunks of one encoding so a character split across reads decodes.
        chunk, enc = b"", ""
        for data, encoding in self._line:
            if encoding == enc:
                chunk += data
                continue
            if chunk:
                yield chunk, enc
            chunk, enc = data, encoding
        if chunk:
            yield chunk, enc

    # -- one command ---------------------------------------------------------------------
    def _step(self, buf: bytes, pos: int, out: list[Item]) -> int:
        b = buf[pos]
        if _printable(b):
            end = pos
            while end < len(buf) and _printable(buf[end]):
                end += 1
            self._add_text(buf[pos:end])
            return end
        control = _CONTROL_BYTES.get(b)
        if control is not None:
            control(self, out)
            return pos + 1
        prefix = _PREFIXES.get(b)
        if prefix is not None:
            return prefix(self, _Cursor(buf, pos), out)
        out.append(Unknown(bytes((b,)), "control character"))
        return pos + 1

    def _line_feed(self, out: list[Item]) -> None:
        self._flush_line(out)

    def _carriage_return(self, out: list[Item]) -> None:
        """Ignored: LF ends lines."""

    def _tab(self, out: list[Item]) -> None:
        self._add_text(b" ")

    def _form_feed(self, out: list[Item]) -> None:
        self._flush_line(out, force=False)

    def _cancel(self, out: list[Item]) -> None:
        """CAN: clear the line buffer."""
        self._line, self._line_style = [], None

    def _command(self, cur: _Cursor, out: list[Item], table: _CommandTable) -> int:
        """One ``ESC``/``FS``/``GS`` command: its handler, or a known length to skip (the
        command has no effect on what is decoded), or an :class:`Unknown` of two bytes."""
        cmd = cur.need(2)[1]
        handler = table.handlers.get(cmd)
        if handler is not None:
            return handler(self, cur, out)
        length = table.lengths.get(cmd)
        if length is not None:
            cur.need(length)
            return cur.pos + length
        out.append(Unknown(cur.need(2), f"{table.name} 0x{cmd:02X}"))
        return cur.pos + 2

    def _esc(self, cur: _Cursor, out: list[Item]) -> int:
        return self._command(cur, out, _ESC)

    def _fs(self, cur: _Cursor, out: list[Item]) -> int:
        return self._command(cur, out, _FS)

    def _gs(self, cur: _Cursor, out: list[Item]) -> int:
        return self._command(cur, out, _GS)

    # -- DLE: real-time commands ---------------------------------------------------------
    def _dle(self, cur: _Cursor, out: list[Item]) -> int:
        head = cur.need(2)
        if head[1] == 0x04:  # DLE EOT n
            n = cur.need(3)[2]
            if n in (7, 8):  # DLE EOT 7/8 a
                out.append(Unknown(cur.need(4), "DLE EOT with argument"))
                return cur.pos + 4
            out.append(StatusRequest(n))
            return cur.pos + 3
        if head[1] == 0x05:  # DLE ENQ n
            out.append(Unknown(cur.need(3), "DLE ENQ"))
            return cur.pos + 3
        if head[1] == 0x14:  # DLE DC4 fn ...
            fn = cur.need(3)[2]
            length = {1: 5, 2: 5, 3: 5, 7: 4, 8: 10}.get(fn, 3)
            out.append(Unknown(cur.need(length), "DLE DC4"))
            return cur.pos + length
        out.append(Unknown(head[:1], "lone DLE"))
        return cur.pos + 1

    # -- ESC -----------------------------------------------------------------------------
    def _esc_reset(self, cur: _Cursor, out: list[Item]) -> int:
        """ESC @: the printer's initial state."""
        self._style = _Style()
        self._qr = _QrState()
        self._line, self._line_style = [], None
        return cur.pos + 2

    def _esc_legacy_cut(self, cur: _Cursor, out: list[Item]) -> int:
        """ESC i (full) / ESC m (partial)."""
        self._flush_line(out, force=False)
        out.append(Cut(partial=cur.buf[cur.pos + 1] == 0x6D))
        return cur.pos + 2

    def _esc_with_argument(self, cur: _Cursor, out: list[Item]) -> int:
        """ESC x n for the commands whose n changes what is decoded."""
        cmd, n = cur.need(3)[1:3]
        self._esc_one(cmd, n, out)
        return cur.pos + 3

    def _esc_bit_image(self, cur: _Cursor, out: list[Item]) -> int:
        """ESC * m nL nH data."""
        m, nl, nh = cur.need(5)[2:5]
        k = (nl + nh * 256) * (3 if m in (32, 33) else 1)
        total = 5 + k
        cur.need(total)
        self._flush_line(out, force=False)
        out.append(RasterImage("ESC *", k))
        return cur.pos + total

    def _esc_tab_stops(self, cur: _Cursor, out: list[Item]) -> int:
        """ESC D n1 .. nk NUL (at most 32 stops)."""
        end = cur.buf.find(b"\x00", cur.pos + 2, cur.pos + 2 + 33)
        if end < 0:
            if len(cur.buf) - cur.pos < 35:
                raise _NeedMore
            out.append(Unknown(cur.buf[cur.pos : cur.pos + 2], "ESC D without NUL"))
            return cur.pos + 2
        return end + 1

    def _esc_one(self, cmd: int, n: int, out: list[Item]) -> None:
        st = self._style
        if cmd == 0x21:  # ESC ! n: print mode
            st.bold = bool(n & 0x08)
            st.height = 2 if n & 0x10 else 1
            st.width = 2 if n & 0x20 else 1
            st.underline = 1 if n & 0x80 else 0
        elif cmd == 0x45:  # ESC E n
            st.bold = bool(n & 1)
        elif cmd == 0x2D:  # ESC - n
            st.underline = n % 48 if n in (0, 1, 2, 48, 49, 50) else st.underline
        elif cmd == 0x61:  # ESC a n
            if n in ALIGNS:
                st.align = ALIGNS[n]
            else:
                out.append(Unknown(bytes((ESC, cmd, n)), "ESC a out of range"))
        elif cmd == 0x74:  # ESC t n
            st.codepage = n
        elif cmd == 0x64:  # ESC d n: print and feed n lines
            self._flush_line(out, force=False)
            out.append(Feed(lines=n))
        elif cmd == 0x4A:  # ESC J n: print and feed n dots
            self._flush_line(out, force=False)
            out.append(Feed(dots=n))

    # -- FS: Chinese mode ----------------------------------------------------------------
    def _fs_chinese_on(self, cur: _Cursor, out: list[Item]) -> int:
        """FS &."""
        self._style.chinese = True
        return cur.pos + 2

    def _fs_chinese_off(self, cur: _Cursor, out: list[Item]) -> int:
        """FS .."""
        self._style.chinese = False
        return cur.pos + 2

    def _fs_underline(self, cur: _Cursor, out: list[Item]) -> int:
        """FS - n: underline of Chinese characters (out of range: none)."""
        n = cur.need(3)[2]
        self._style.underline = n % 48 if n in (0, 1, 2, 48, 49, 50) else 0
        return cur.pos + 3

    # -- GS ------------------------------------------------------------------------------
    def _gs_size(self, cur: _Cursor, out: list[Item]) -> int:
        """GS ! n: width and height, 1-8 each."""
        n = cur.need(3)[2]
        self._style.width = ((n >> 4) & 0x07) + 1
        self._style.height = (n & 0x07) + 1
        return cur.pos + 3

    def _gs_cut(self, cur: _Cursor, out: list[Item]) -> int:
        """GS V m [n]: cut, after feeding n dots for the modes that take it."""
        m = cur.need(3)[2]
        if m in (0, 48, 1, 49):
            self._flush_line(out, force=False)
            out.append(Cut(partial=m in (1, 49)))
            return cur.pos + 3
        if m in (65, 66, 97, 98, 103, 104):
            n = cur.need(4)[3]
            self._flush_line(out, force=False)
            out.append(Cut(partial=m in (66, 98, 104), feed_dots=n))
            return cur.pos + 4
        out.append(Unknown(cur.need(3), "GS V with unknown mode"))
        return cur.pos + 3

    def _gs_block(self, cur: _Cursor, out: list[Item]) -> int:
        """GS ( fn pL pH data: 2D codes (``GS ( k``) and graphics (``GS ( L``)."""
        fn, pl, ph = cur.need(5)[2:5]
        length = pl + ph * 256
        if length > MAX_BLOCK:
            out.append(Unknown(cur.need(5), "GS ( block too long"))
            return cur.pos + 5
        raw = cur.need(5 + length)
        if fn == 0x6B:  # GS ( k
            self._gs_paren_k(bytes(raw), raw[5:], out)
        elif fn == 0x4C:  # GS ( L graphics
            self._flush_line(out, force=False)
            out.append(RasterImage("GS ( L", length))
        else:
            out.append(Unknown(raw, f"GS ( 0x{fn:02X}"))
        return cur.pos + 5 + length

    def _gs_raster(self, cur: _Cursor, out: list[Item]) -> int:
        """GS v 0 m xL xH yL yH data."""
        head = cur.need(8)
        size = (head[4] + head[5] * 256) * (head[6] + head[7] * 256)
        if head[2] not in (0x30, 0) or size > MAX_BLOCK:
            out.append(Unknown(head, "GS v"))
            return cur.pos + 8
        cur.need(8 + size)
        self._flush_line(out, force=False)
        out.append(RasterImage("GS v 0", size))
        return cur.pos + 8 + size

    def _gs_barcode(self, cur: _Cursor, out: list[Item]) -> int:
        """GS k m ...: a 1D barcode, NUL-terminated (m ≤ 6) or with its length (m ≥ 65)."""
        m = cur.need(3)[2]
        if m > 6:
            n = cur.need(4)[3]
            out.append(Unknown(cur.need(4 + n), "barcode"))
            return cur.pos + 4 + n
        end = cur.buf.find(b"\x00", cur.pos + 3, cur.pos + 3 + 256)
        if end < 0:
            if len(cur.buf) - cur.pos < 3 + 256:
                raise _NeedMore
            out.append(Unknown(cur.need(3), "GS k without NUL"))
            return cur.pos + 3
        out.append(Unknown(cur.buf[cur.pos : end + 1], "barcode"))
        return end + 1

    def _gs_query(self, cur: _Cursor, out: list[Item]) -> int:
        """GS I n / GS r n: queries answered after printing, which the hall never sends."""
        cmd, n = cur.need(3)[1:3]
        out.append(Unknown(bytes((GS, cmd, n)), "GS I/r: non-real-time query"))
        return cur.pos + 3

    def _gs_paren_k(self, raw: bytes, body: bytes, out: list[Item]) -> None:
        if len(body) < 2:
            out.append(Unknown(raw, "GS ( k too short"))
            return
        cn, fn, args = body[0], body[1], body[2:]
        if cn != 0x31:
            out.append(Unknown(raw, f"2D symbol cn={cn}"))
            return
        qr = self._qr
        if fn == 0x41 and args:  # model
            qr.model = args[0]
        elif fn == 0x43 and args:  # module size
            qr.module_size = args[0]
        elif fn == 0x45 and args:  # error correction
            qr.ec = args[0]
        elif fn == 0x50 and args:  # store: m=48, data
            qr.data = bytes(args[1:])
        elif fn == 0x51:  # print
            if not qr.data:
                out.append(Unknown(raw, "QR print with no data stored"))
                return
            self._flush_line(out, force=False)
            out.append(
                QrCode(
                    payload=qr.data.decode("utf-8", errors="replace"),
                    raw=qr.data,
                    model=qr.model - 48 if qr.model >= 49 else qr.model,
                    module_size=qr.module_size,
                    ec_level=QR_EC_LEVELS.get(qr.ec, "?"),
                    align=self._style.align,
                )
            )
        else:
            out.append(Unknown(raw, f"QR function {fn}"))


def _printable(b: int) -> bool:
    return b >= 0x20 and b != 0x7F


_Control = Callable[[EscposDecoder, list[Item]], None]
_Handler = Callable[[EscposDecoder, _Cursor, list[Item]], int]

_CONTROL_BYTES: dict[int, _Control] = {
    0x0A: EscposDecoder._line_feed,  # LF
    0x0D: EscposDecoder._carriage_return,  # CR
    0x09: EscposDecoder._tab,  # HT
    0x0C: EscposDecoder._form_feed,  # FF
    0x18: EscposDecoder._cancel,  # CAN
}
_PREFIXES: dict[int, _Handler] = {
    DLE: EscposDecoder._dle,
    ESC: EscposDecoder._esc,
    FS: EscposDecoder._fs,
    GS: EscposDecoder._gs,
}


@dataclass(frozen=True)
class _CommandTable:
    """The commands after one prefix byte: handlers for those that change what is decoded,
    total lengths for those that are only skipped."""

    name: str
    handlers: dict[int, _Handler]
    lengths: dict[int, int]


def _lengths(commands: bytes, length: int) -> dict[int, int]:
    return dict.fromkeys(commands, length)


_ESC = _CommandTable(
    "ESC",
    handlers={
        0x40: EscposDecoder._esc_reset,  # ESC @
        0x69: EscposDecoder._esc_legacy_cut,  # ESC i
        0x6D: EscposDecoder._esc_legacy_cut,  # ESC m
        0x2A: EscposDecoder._esc_bit_image,  # ESC *
        0x44: EscposDecoder._esc_tab_stops,  # ESC D
        **dict.fromkeys(b"!E-atdJ", EscposDecoder._esc_with_argument),
    },
    lengths={
        **_lengths(b"2<LSv", 2),
        # One argument, no effect on what is decoded: ESC M, R, e, K, G, U, V, {, r, 3, A,
        # +, SP, =, T, u.
        **_lengths(b"MReKGUV{r3A+ =Tu", 3),
        **_lengths(b"cf$\\B", 4),  # ESC c x n, ESC f t n, ESC $ / ESC \ nL nH, ESC B n t
        **_lengths(b"p", 5),  # ESC p m t1 t2
        **_lengths(b"W", 10),  # ESC W: page-mode area
    },
)
_FS = _CommandTable(
    "FS",
    handlers={
        0x26: EscposDecoder._fs_chinese_on,  # FS &
        0x2E: EscposDecoder._fs_chinese_off,  # FS .
        0x2D: EscposDecoder._fs_underline,  # FS -
    },
    lengths={
        **_lengths(b"!CW", 3),  # FS ! n, FS C n, FS W n
        **_lengths(b"Sp", 4),  # FS S n1 n2, FS p n m
    },
)
_GS = _CommandTable(
    "GS",
    handlers={
        0x21: EscposDecoder._gs_size,  # GS !
        0x56: EscposDecoder._gs_cut,  # GS V
        0x28: EscposDecoder._gs_block,  # GS (
        0x76: EscposDecoder._gs_raster,  # GS v 0
        0x6B: EscposDecoder._gs_barcode,  # GS k
        0x49: EscposDecoder._gs_query,  # GS I
        0x72: EscposDecoder._gs_query,  # GS r
    },
    lengths={
        **_lengths(b":", 2),  # GS :
        **_lengths(b"BbhwHfaT|/E", 3),  # one argument, no effect on what is decoded
        **_lengths(b"LWP$\\", 4),  # two arguments
    },
)


def decode_escpos(data: bytes, *, strict: bool = False) -> list[Item]:
    """Everything ``data`` would print, in order (see :class:`EscposDecoder`).

    Unterminated text at the end is returned as a last line. With ``strict``, an unknown,
    malformed or truncated command raises :class:`~drivers.errors.ProtocolError` instead.
    """
    decoder = EscposDecoder()
    items = decoder.feed(data) + decoder.finish()
    if strict:
        for item in items:
            if isinstance(item, Unknown | Truncated):
                what = item.name if isinstance(item, Unknown) else "truncated command"
                raise ProtocolError(DEVICE, f"not a ticket command: {what}", item.raw[:16])
    return items


@dataclass(frozen=True)
class DecodedTicket:
    """What was printed between two cuts."""

    items: tuple[Item, ...]
    cut: Cut | None = None

    @property
    def lines(self) -> list[TextLine]:
        """The printed text lines, blank ones left out."""
        return [i for i in self.items if isinstance(i, TextLine) and i.text.strip()]

    @property
    def texts(self) -> list[str]:
        return [line.text for line in self.lines]

    @property
    def qr_codes(self) -> list[QrCode]:
        return [i for i in self.items if isinstance(i, QrCode)]

    @property
    def images(self) -> list[RasterImage]:
        return [i for i in self.items if isinstance(i, RasterImage)]

    def line(self, text: str) -> TextLine:
        """The first line containing ``text``."""
        for candidate in self.lines:
            if text in candidate.text:
                return candidate
        raise KeyError(text)


def split_tickets(items: list[Item]) -> list[DecodedTicket]:
    """Printed items grouped at each cut; what follows the last cut is not a ticket yet."""
    tickets: list[DecodedTicket] = []
    current: list[Item] = []
    for item in items:
        if isinstance(item, StatusRequest):
            continue
        if isinstance(item, Cut):
            tickets.append(DecodedTicket(tuple(current), item))
            current = []
        else:
            current.append(item)
    return tickets
