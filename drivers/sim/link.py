"""Where a simulator meets a driver: a pseudo-terminal with a stable path.

A :class:`PtyLink` makes a pty pair and points a symlink (the stable name a udev rule would
give, e.g. ``/dev/kiosk-printer``) at the slave end; the driver opens that path with pyserial
exactly as it would open real hardware. :meth:`unplug` closes the pair and removes the
symlink, as pulling the USB cable does; :meth:`replug` makes a new pair behind the same
path. The simulator reads and writes the master end through :meth:`read` and :meth:`write`.
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
import tty
from pathlib import Path


class PtyLink:
    """The device side of a pseudo-terminal, behind a stable symlink path."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._master = -1
        self._slave = -1
        self._unplugs = 0  # lets read() see that its fd was closed (and maybe reused) meanwhile
        self._lock = threading.Lock()
        self.plug()

    @property
    def plugged(self) -> bool:
        return self._master >= 0

    @property
    def url(self) -> str:
        """What a driver's config names: the stable path."""
        return str(self.path)

    def plug(self) -> None:
        with self._lock:
            if self._master >= 0:
                return
            master, slave = os.openpty()
            # Raw on the slave: no echo, no CR/LF translation, every byte as sent.
            tty.setraw(slave)
            self._master, self._slave = master, slave
            tmp = self.path.with_name(self.path.name + ".new")
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            tmp.symlink_to(os.ttyname(slave))
            tmp.replace(self.path)

    def unplug(self) -> None:
        with self._lock:
            master, slave = self._master, self._slave
            self._master = self._slave = -1
            self._unplugs += 1
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            for fd in (master, slave):
                if fd >= 0:
                    with contextlib.suppress(OSError):
                        os.close(fd)

    def replug(self) -> None:
        self.unplug()
        self.plug()

    close = unplug

    def read(self, n: int, timeout_s: float) -> bytes:
        """Up to ``n`` bytes the driver wrote, or ``b""`` after ``timeout_s`` or when unplugged."""
        with self._lock:
            fd, unplugs = self._master, self._unplugs
        if fd < 0:
            return b""
        try:
            ready, _, _ = select.select([fd], [], [], timeout_s)
            if not ready:
                return b""
            with self._lock:
                if self._unplugs != unplugs:
                    return b""  # the fd number may now belong to another file
                return os.read(fd, n)
        except (OSError, ValueError):
            return b""

    def write(self, data: bytes) -> None:
        """Send bytes to the driver; silently dropped while unplugged, as on a real cable."""
        fd = self._master
        if fd < 0:
            return
        with contextlib.suppress(OSError):
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
