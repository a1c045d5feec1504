"""Central in this process: store → API → uvicorn on a thread (HTTPS with a certificate).

One worker, for the tests, the demo and a small utility; :mod:`kiosk.central.cluster` runs
several worker processes behind one port. Built and torn down in a fixed order like the
hall's composition root. Port 0 picks a free port; ``base_url`` says where it listens.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from kiosk.api.server import ApiServer
from kiosk.central.app import create_central_app
from kiosk.central.cluster import prepare
from kiosk.central.config import CentralConfig
from kiosk.central.store import CentralStore
from kiosk.central.worker import store_of
from kiosk.config import reachable_host

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
        self._api: ApiServer | None = None

    @property
    def tls(self) -> bool:
        return bool(self.config.central.tls_cert)

    @property
    def base_url(self) -> str:
        host = reachable_host(self.host)
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"

    def start(self, timeout_s: float = 15.0) -> CentralServer:
        try:
            self.store = store_of(self.config)
            prepare(self.store, (self.now() if self.now else datetime.now()).date())
            c = self.config.central
            self._api = ApiServer(
                create_central_app(self.config, self.store, self.now),
                self.host,
                self.port,
                ssl_certfile=self.config.path_of(c.tls_cert) or None,
                ssl_keyfile=self.config.path_of(c.tls_key) or None,
                lifespan="off",
                name="central",
            )
            self._api.start(timeout_s)
            self.port = self._api.port
        except BaseException:
            self.stop()
            raise
        log.info("central on %s (%s)", self.base_url, self.store.backend)
        return self

    def stop(self) -> None:
        if self._api is not None:
            self._api.stop()
            self._api = None
        if self.store is not None:
            self.store.close()
            self.store = None

    def __enter__(self) -> CentralServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
