"""The ASGI server on a thread, with a clean start (bound, listening) and stop."""

from __future__ import annotations

import logging
import socket
import threading
import time
from typing import Any

import uvicorn

from kiosk.config import reachable_host

log = logging.getLogger("kiosk.api")


class ApiServer:
    """uvicorn serving ``app`` on ``host:port`` (port 0 picks a free one) in a thread; HTTPS
    when given a certificate and key (central)."""

    def __init__(
        self,
        app: Any,
        host: str = "127.0.0.1",
        port: int = 8470,
        *,
        ssl_certfile: str | None = None,
        ssl_keyfile: str | None = None,
        lifespan: str = "on",
        name: str = "api-server",
    ) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.ssl_certfile = ssl_certfile
        self.ssl_keyfile = ssl_keyfile
        self.lifespan = lifespan
        self.name = name
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None

    @property
    def base_url(self) -> str:
        host = reachable_host(self.host)
        return f"{'https' if self.ssl_certfile else 'http'}://{host}:{self.port}"

    def start(self, timeout_s: float = 10.0) -> None:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # proto IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted connections only
        # when the listening socket says it is TCP; without it every kept-alive response
        # waited 40 ms for a delayed ACK (measured).
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
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            # httptools parses HTTP in C and uvloop runs the loop in C: the loop thread is
            # where a request's time goes under load (docs/performance.md, issue 10).
            http="httptools",
            loop="uvloop",
            ws="websockets-sansio",
            lifespan=self.lifespan,  # type: ignore[arg-type]
            access_log=False,
            timeout_graceful_shutdown=3,
            ssl_certfile=self.ssl_certfile,
            ssl_keyfile=self.ssl_keyfile,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name=self.name, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start (see the log above)")
            time.sleep(0.01)
        log.info("LAN API on %s", self.base_url)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._sock is not None:
            self._sock.close()
        self._server = self._thread = self._sock = None
