"""The project's own device errors.

Low-level exceptions (``serial.SerialException``, ``OSError``, timeouts) are translated at the
driver boundary into these, so the hall daemon and the operator see what to do, not a
traceback. Every message is written for a technician standing at the box.
"""

from __future__ import annotations


class DeviceError(Exception):
    """Base of every device problem. ``device`` names the configured device (e.g. ``printer``)."""

    def __init__(self, device: str, message: str) -> None:
        super().__init__(f"{device}: {message}")
        self.device = device
        self.message = message


class DeviceUnavailable(DeviceError):
    """The port cannot be opened or vanished (unplugged, wrong path, no permission)."""


class DeviceTimeout(DeviceError):
    """The device did not answer in time."""


class ProtocolError(DeviceError):
    """A frame was malformed: bad checksum, bad length, unknown command, truncated.

    ``raw`` keeps the offending bytes (never personal data: callers pass only headers).
    """

    def __init__(self, device: str, message: str, raw: bytes = b"") -> None:
        super().__init__(device, message)
        self.raw = raw
