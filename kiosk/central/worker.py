"""One worker process of central: its own store connections, its own event loop, one port.

Started by :class:`kiosk.central.cluster.CentralCluster` as ``python -m
kiosk.central.worker``. Either it binds the port itself with ``SO_REUSEPORT`` (the kernel
spreads new connections over the workers) or it inherits the supervisor's listening socket
(``--fd``). It says it is ready by writing one byte to ``--ready-fd``; SIGTERM stops it
gracefully (uvicorn finishes the requests in flight).
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
import threading
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import uvicorn

from kiosk.central.app import create_central_app
from kiosk.central.config import CentralConfig, load_central_config
from kiosk.central.store import CentralStore

log = logging.getLogger("kiosk.central")

KEEP_ALIVE_S = 75


def listening_socket(host: str, port: int, *, reuse_port: bool, listen: bool) -> socket.socket:
    """A TCP socket bound to host:port. IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on
    accepted connections only when the listening socket says it is TCP (kiosk.api.server)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    if listen:
        sock.listen(1024)
    return sock


def store_of(config: CentralConfig) -> CentralStore:
    c = config.central
    return CentralStore(
        config.database_url(),
        pool_size=c.ingest_concurrency + 2,
        hall_partitions=c.hall_partitions,
    )


def serve(config: CentralConfig, sock: socket.socket, ready_fd: int | None) -> None:
    c = config.central
    store = store_of(config)
    tz = ZoneInfo(c.timezone)
    app = create_central_app(config, store, lambda: datetime.now(tz))
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            log_level="warning",
            # The C HTTP parser and event loop, as the hall's API (kiosk/api/server.py).
            http="httptools",
            loop="uvloop",
            lifespan="off",
            access_log=False,
            timeout_graceful_shutdown=5,
            # A hall pushes every few seconds, or waits out a Retry-After: keep its
            # connection (and so its worker) rather than close it under a send.
            timeout_keep_alive=KEEP_ALIVE_S,
            backlog=1024,
            ssl_certfile=config.path_of(c.tls_cert) or None,
            ssl_keyfile=config.path_of(c.tls_key) or None,
        )
    )

    def say_ready() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.01)
        if ready_fd is not None and server.started:
            os.write(ready_fd, b"1")
            os.close(ready_fd)

    threading.Thread(target=say_ready, name="ready", daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        store.close()
        sock.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kiosk.central.worker")
    ap.add_argument("--config", required=True)
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--fd", type=int, help="inherit this listening socket")
    ap.add_argument("--ready-fd", type=int)
    args = ap.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format=f"%(levelname)s %(name)s[worker {os.getpid()}]: %(message)s",
    )
    config = load_central_config(args.config)
    if args.fd is not None:
        sock = socket.socket(fileno=args.fd)
    else:
        sock = listening_socket(args.host, args.port, reuse_port=True, listen=True)
    serve(config, sock, args.ready_fd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
