"""A thin transport over a pyserial URL: the only place drivers touch a port.

``serial.serial_for_url`` opens ``/dev/ttyUSB0``, ``loop://``, ``socket://host:port`` (a
simulator over TCP) and ``spy://`` (a traffic log) alike, so drivers need no code per kind of
link. The transport has ``write(bytes)`` and ``read(n)``; it translates pyserial's exceptions
into :mod:`drivers.errors` and can reopen itself after the device comes back (USB replug).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import serial

from drivers.errors import DeviceTimeout, DeviceUnavailable

try:
    import termios
except ImportError:  # not POSIX
    _TERMIOS_ERRORS: tuple[type[Exception], ...] = ()
else:
    _TERMIOS_ERRORS = (termios.error,)

log = logging.getLogger("drivers.transport")

# pyserial lets termios.error (not an OSError) escape from flush() and reset_input_buffer()
# on a tty whose device is gone (a pty after unplug, a USB adapter pulled out).
_PORT_ERRORS: tuple[type[Exception], ...] = (serial.SerialException, OSError, *_TERMIOS_ERRORS)


@dataclass(frozen=True)
class PortSettings:
    url: str
    baudrate: int = 9600
    timeout_s: float = 0.1
    dsrdtr: bool = False
    rtscts: bool = False


class SerialTransport:
    """A reopenable serial link. Not thread-safe by itself: one driver thread owns it."""

    def __init__(self, device: str, settings: PortSettings) -> None:
        self.device = device
        self.settings = settings
        self._port: Any = None
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return self._port is not None and bool(self._port.is_open)

    def open(self) -> None:
        s = self.settings
        try:
            self._port = serial.serial_for_url(
                s.url,
                baudrate=s.baudrate,
                timeout=s.timeout_s,
                write_timeout=max(1.0, s.timeout_s),
                dsrdtr=s.dsrdtr,
                rtscts=s.rtscts,
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            self._port = None
            raise DeviceUnavailable(self.device, f"cannot open {s.url}: {exc}") from exc

    def close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            # pyserial's socket:// close() skips socket.close() when shutdown() fails (the peer
            # reset the connection), leaking one socket per reconnect: close it ourselves.
            leaky_socket = getattr(port, "_socket", None)
            with contextlib.suppress(*_PORT_ERRORS):
                port.close()
            if leaky_socket is not None:
                with contextlib.suppress(OSError):
                    leaky_socket.close()

    def reopen(self) -> None:
        self.close()
        self.open()

    def _require(self) -> Any:
        if not self.is_open:
            raise DeviceUnavailable(self.device, f"{self.settings.url} is not open")
        return self._port

    def write(self, data: bytes) -> None:
        port = self._require()
        try:
            port.write(data)
            port.flush()
        except serial.SerialTimeoutException as exc:
            raise DeviceTimeout(self.device, f"write to {self.settings.url} timed out") from exc
        except _PORT_ERRORS as exc:
            self.close()
            raise DeviceUnavailable(
                self.device, f"write to {self.settings.url} failed: {exc}"
            ) from exc

    def read(self, n: int) -> bytes:
        """Read up to ``n`` bytes, waiting at most the port timeout; may return fewer."""
        port = self._require()
        try:
            return bytes(port.read(n))
        except (serial.SerialException, OSError) as exc:
            self.close()
            raise DeviceUnavailable(
                self.device, f"read from {self.settings.url} failed: {exc}"
            ) from exc

    def read_exactly(self, n: int, timeout_s: float) -> bytes:
        """Read exactly ``n`` bytes or raise :class:`DeviceTimeout` after ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        buf = bytearray()
        while len(buf) < n:
            if time.monotonic() >= deadline:
                raise DeviceTimeout(
                    self.device, f"expected {n} bytes within {timeout_s:.2f} s, got {len(buf)}"
                )
            buf += self.read(n - len(buf))
        return bytes(buf)

    def reset_input(self) -> None:
        port = self._require()
        try:
            port.reset_input_buffer()
        except _PORT_ERRORS as exc:
            self.close()
            raise DeviceUnavailable(self.device, f"{self.settings.url}: {exc}") from exc
