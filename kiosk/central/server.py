"""Central as a running server: store → API → uvicorn on a thread (HTTPS with a certificate).

Built and torn down in a fixed order like the hall's composition root. Port 0 picks a free
port (tests, the demo); ``base_url`` says where it listens.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime

import uvicorn

from kiosk.central.app import create_central_app
from kiosk.central.config import CentralConfig
from kiosk.central.store import CentralStore

log = logging.getLogger("kiosk.central")


class CentralServer:
    def __init__(
        self,
        config: CentralConfig,
        *,
        host: str | None = None,
        port: int | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.config = config
        self.host = host if host is not None else config.central.host
        self.port = port if port is not None else config.central.port
        self.now = now
        self.store: CentralStore | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None

    @property
    def tls(self) -> bool:
        return bool(self.config.central.tls_cert)

    @property
    def base_url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"

    def start(self, timeout_s: float = 15.0) -> CentralServer:
        try:
            self.store = CentralStore(self.config.database_url())
            app = create_central_app(self.config, self.store, self.now)
            family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((self.host, self.port))
            except OSError as exc:
                sock.close()
                raise OSError(f"cannot listen on {self.host}:{self.port}: {exc.strerror}") from exc
            sock.listen(128)
            self.port = sock.getsockname()[1]
            self._sock = sock
            c = self.config.central
            uv = uvicorn.Config(
                app,
                log_level="warning",
                lifespan="off",
                access_log=False,
                timeout_graceful_shutdown=3,
                ssl_certfile=self.config.path_of(c.tls_cert) or None,
                ssl_keyfile=self.config.path_of(c.tls_key) or None,
            )
            self._server = uvicorn.Server(uv)
            self._thread = threading.Thread(
                target=self._server.run, kwargs={"sockets": [sock]}, name="central", daemon=True
            )
            self._thread.start()
            deadline = time.monotonic() + timeout_s
            while not self._server.started:
                if not self._thread.is_alive() or time.monotonic() > deadline:
                    raise RuntimeError("central did not start (see the log above)")
                time.sleep(0.01)
        except BaseException:
            self.stop()
            raise
        log.info("central on %s (%s)", self.base_url, self.store.backend)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._sock is not None:
            self._sock.close()
        if self.store is not None:
            self.store.close()
        self._server = self._thread = self._sock = None
        self.store = None

    def __enter__(self) -> CentralServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
