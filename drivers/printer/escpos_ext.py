"""python-escpos 3.1, extended for Chinese tickets through its own extension point.

python-escpos ends every command in ``Escpos._raw`` and lets each backend implement only
``open``/``close``/``_raw``/``_read``. :class:`HallEscpos` subclasses ``Escpos`` and adds
what a Chinese ticket printer needs and the library lacks (``docs/devices/printer.md``):

- Chinese mode on/off (``FS &`` / ``FS .``): not in python-escpos at all.
- Text sent as raw GB18030: ``Escpos.text()`` goes through ``MagicEncode``, which uses
  GB18030 only when a line holds an ideograph in U+4E00..U+9FA5; a line of full-width
  punctuation (``（）：，``, ``——``, the ``─`` rule) falls back to code pages and prints ``?``
  or Western glyphs, and a Latin-only line is preceded by an ``ESC t`` code-page switch.
- Feed and cut with a feed amount (``GS V 66 n`` / ``GS V 65 n``): ``cut()`` sends
  ``ESC d 6`` + ``GS V 1`` (no ``n``), and ``cut(feed=False)`` always sends a partial cut.
- Real-time status with a deadline (``DLE EOT n`` → one byte within 300 ms):
  ``query_status()`` reads whatever ``_read()`` returns (16 bytes, the port's own timeout,
  up to 60 s on ``Network``); ``paper_status()`` reports "paper adequate" when the printer
  does not answer at all; ``Dummy`` has no ``_read`` and no status.

Backends: :class:`BufferEscpos` (collects bytes: rendering is pure), :class:`TransportEscpos`
(any pyserial URL through :class:`drivers.transport.SerialTransport`), and python-escpos's
own :class:`~escpos.printer.Network` and :class:`~escpos.printer.Usb` with status reads and
the project's errors added (:class:`NetworkEscpos`, :class:`UsbEscpos`).
"""

from __future__ import annotations

import contextlib
import select
import socket
import time
import unicodedata
from typing import Any

from escpos.constants import QR_ECLEVEL_M, QR_MODEL_2
from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from escpos.printer import Network, Usb

from drivers.errors import DeviceError, DeviceTimeout, DeviceUnavailable
from drivers.printer.status import StatusQuery
from drivers.transport import SerialTransport

DEVICE = "printer"
TEXT_ENCODING = "gb18030"

CHINESE_MODE_ON = b"\x1c\x26"  # FS &
CHINESE_MODE_OFF = b"\x1c\x2e"  # FS .
GS_V = b"\x1d\x56"
CUT_FULL_AFTER_FEED = 65  # GS V 65 n
CUT_PARTIAL_AFTER_FEED = 66  # GS V 66 n

# Characters with no two-byte GBK code: GB18030 gives them four bytes, which GBK-only
# printers (most sold) print as garbage. Send the full-width form every printer has.
_SUBSTITUTES = str.maketrans(
    {
        "\u00a5": "\uffe5",  # ¥ → ￥ (A3A4)
        "\u00a0": " ",
        "\t": " ",
        "\n": " ",
        "\r": " ",
    }
)


def printable(text: str) -> str:
    """``text`` made safe for one printed line: no control characters, GBK-friendly forms.

    A control character (``ESC``, ``GS``, ``DLE``…) inside configured or customer-facing
    text would otherwise be executed by the printer as a command.
    """
    text = text.translate(_SUBSTITUTES)
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))


def encode_text(text: str) -> bytes:
    """A line of text as the bytes the printer's Chinese mode expects (GB18030)."""
    return printable(text).encode(TEXT_ENCODING, errors="replace")


def columns(text: str) -> int:
    """Print columns ``text`` takes at normal size: ASCII 1, every other character 2."""
    return sum(1 if ord(ch) < 0x80 else 2 for ch in printable(text))


class HallEscpos(Escpos):
    """``Escpos`` plus Chinese mode, raw GB18030 text, ``GS V 6x n`` and real-time status.

    Backends implement ``_raw`` (python-escpos's hook) and, for status, ``_discard_input``
    and ``_read_reply``.
    """

    # -- commands python-escpos lacks ---------------------------------------------------
    def chinese_mode(self, enabled: bool = True) -> None:
        self._raw(CHINESE_MODE_ON if enabled else CHINESE_MODE_OFF)

    def text_gb18030(self, text: str) -> None:
        """Send ``text`` as GB18030, bypassing ``MagicEncode``; no newline."""
        data = encode_text(text)
        if data:
            self._raw(data)

    def textln_gb18030(self, text: str = "") -> None:
        self._raw(encode_text(text) + b"\n")

    def char_size(self, width: int, height: int) -> None:
        """Character size through ``GS !`` (python-escpos ``set(custom_size=True)``)."""
        self.set(custom_size=True, width=width, height=height)

    def qr_native(self, payload: str, module_size: int) -> None:
        """The native ``GS ( k`` QR symbol: model 2, error correction M, store, print."""
        if not payload:
            raise ValueError("a QR payload must not be empty (python-escpos prints nothing)")
        self.qr(payload, ec=QR_ECLEVEL_M, size=module_size, model=QR_MODEL_2, native=True)

    def feed_and_cut(self, feed_dots: int = 0, *, partial: bool = True) -> None:
        """Feed to the cutter plus ``feed_dots`` and cut (``GS V 66 n`` / ``GS V 65 n``)."""
        if not 0 <= feed_dots <= 255:
            raise ValueError("feed_dots must be 0..255")
        fn = CUT_PARTIAL_AFTER_FEED if partial else CUT_FULL_AFTER_FEED
        self._raw(GS_V + bytes((fn, feed_dots)))

    def send(self, data: bytes) -> None:
        """Hand already rendered bytes to the backend in one write."""
        self._raw(data)

    # -- real-time status -----------------------------------------------------------------
    def realtime_status(self, query: StatusQuery | int, timeout_s: float) -> bytes:
        """Send ``DLE EOT query``; the reply (one byte) or ``b""`` if none came in time."""
        self._discard_input()
        self._raw(StatusQuery(query).command)
        return self._read_reply(1, timeout_s)

    def _discard_input(self) -> None:
        """Drop stale input (a late reply to an earlier query) before asking again."""
        raise NotImplementedError(f"{type(self).__name__} cannot read status")

    def _read_reply(self, n: int, timeout_s: float) -> bytes:
        """Up to ``n`` bytes, waiting at most ``timeout_s``; ``b""`` when nothing came."""
        raise NotImplementedError(f"{type(self).__name__} cannot read status")

    @property
    def is_open(self) -> bool:
        return False


class BufferEscpos(HallEscpos):
    """Collects every command in memory, like python-escpos's ``Dummy``: rendering is pure."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._chunks: list[bytes] = []

    def _raw(self, msg: bytes) -> None:
        self._chunks.append(bytes(msg))

    @property
    def output(self) -> bytes:
        return b"".join(self._chunks)

    @property
    def is_open(self) -> bool:
        return True


class TransportEscpos(HallEscpos):
    """An ESC/POS printer on any pyserial URL: a tty, a pty, ``socket://``, ``loop://``."""

    def __init__(self, transport: SerialTransport, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.transport = transport

    def open(self) -> None:
        self.transport.open()

    def close(self) -> None:
        # Also called from Escpos.__del__: must never raise.
        transport = getattr(self, "transport", None)
        if transport is not None:
            transport.close()

    @property
    def is_open(self) -> bool:
        return self.transport.is_open

    def _raw(self, msg: bytes) -> None:
        self.transport.write(bytes(msg))

    def _read(self) -> bytes:
        return self.transport.read(16)

    def _discard_input(self) -> None:
        self.transport.reset_input()

    def _read_reply(self, n: int, timeout_s: float) -> bytes:
        try:
            return self.transport.read_exactly(n, timeout_s)
        except DeviceTimeout:
            return b""


class NetworkEscpos(HallEscpos, Network):
    """python-escpos's ``Network`` (raw TCP, port 9100) with status reads and our errors."""

    _device: Any  # False (closed) or the connected socket

    def open(self, raise_not_found: bool = True) -> None:
        try:
            Network.open(self, raise_not_found=True)
        except DeviceNotFoundError as exc:
            self._device = False
            raise DeviceUnavailable(DEVICE, f"cannot connect to {self.host}:{self.port}") from exc

    @property
    def is_open(self) -> bool:
        return bool(self._device)

    def _sock(self) -> socket.socket:
        # Never let Escpos.device open the socket lazily behind our back.
        if not self._device:
            raise DeviceUnavailable(DEVICE, f"{self.host}:{self.port} is not connected")
        sock: socket.socket = self._device
        return sock

    def _raw(self, msg: bytes) -> None:
        sock = self._sock()
        try:
            sock.sendall(msg)
        except TimeoutError as exc:
            raise DeviceTimeout(DEVICE, f"write to {self.host}:{self.port} timed out") from exc
        except OSError as exc:
            self.close()
            raise DeviceUnavailable(DEVICE, f"{self.host}:{self.port}: {exc}") from exc

    def _discard_input(self) -> None:
        sock = self._sock()
        try:
            while select.select([sock], [], [], 0)[0]:
                if not sock.recv(256):
                    raise DeviceUnavailable(DEVICE, f"{self.host}:{self.port} closed")
        except OSError as exc:
            self.close()
            raise DeviceUnavailable(DEVICE, f"{self.host}:{self.port}: {exc}") from exc

    def _read_reply(self, n: int, timeout_s: float) -> bytes:
        sock = self._sock()
        deadline = time.monotonic() + timeout_s
        buf = bytearray()
        try:
            while len(buf) < n:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([sock], [], [], left)[0]:
                    return b""
                chunk = sock.recv(n - len(buf))
                if not chunk:
                    raise DeviceUnavailable(DEVICE, f"{self.host}:{self.port} closed")
                buf += chunk
        except OSError as exc:
            self.close()
            raise DeviceUnavailable(DEVICE, f"{self.host}:{self.port}: {exc}") from exc
        return bytes(buf)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            Network.close(self)
        self._device = False


class UsbEscpos(HallEscpos, Usb):
    """python-escpos's ``Usb`` (needs pyusb) with status reads and our errors."""

    _device: Any  # False (closed) or the pyusb device

    def open(self, raise_not_found: bool = True) -> None:
        try:
            Usb.open(self, raise_not_found=True)
        except (DeviceNotFoundError, OSError, RuntimeError) as exc:
            self._device = False
            raise DeviceUnavailable(DEVICE, f"USB printer {self._ids()}: {exc}") from exc

    def _ids(self) -> str:
        return ":".join(f"{v:04x}" for v in self.usb_args.values() if isinstance(v, int))

    @property
    def is_open(self) -> bool:
        return bool(self._device)

    def _dev(self) -> Any:
        if not self._device:
            raise DeviceUnavailable(DEVICE, f"USB printer {self._ids()} is not open")
        return self._device

    def _raw(self, msg: bytes) -> None:
        dev = self._dev()
        try:
            dev.write(self.out_ep, msg, self.timeout)
        except OSError as exc:  # pyusb's USBError is an IOError
            self.close()
            raise DeviceUnavailable(DEVICE, f"USB printer {self._ids()}: {exc}") from exc

    def _discard_input(self) -> None:
        dev = self._dev()
        with contextlib.suppress(OSError):
            while dev.read(self.in_ep, 64, 1):
                pass

    def _read_reply(self, n: int, timeout_s: float) -> bytes:
        dev = self._dev()
        try:
            return bytes(dev.read(self.in_ep, n, max(1, int(timeout_s * 1000))))[:n]
        except OSError as exc:
            if "timeout" in str(exc).lower() or getattr(exc, "errno", None) == 110:
                return b""
            self.close()
            raise DeviceUnavailable(DEVICE, f"USB printer {self._ids()}: {exc}") from exc

    def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError, DeviceError):
            Usb.close(self)
        self._device = False
