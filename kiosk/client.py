"""The HTTP client every part of the project uses to talk to the hall daemon.

``TCP_NODELAY`` matters: httpx writes a request in more than one segment, and with Nagle's
algorithm on, the second waits for the ACK the server delays by 40 ms, so every call on a
kept-alive connection took ~44 ms instead of ~2 ms (measured; see docs/performance.md).
"""

from __future__ import annotations

import socket
import ssl

import httpx

NODELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]


def api_client(
    base_url: str,
    token: str | None = None,
    timeout_s: float = 10.0,
    verify: str | bool = True,
) -> httpx.Client:
    """``verify``: for HTTPS, a CA bundle file (central's CA) or True for the system CAs."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    tls: ssl.SSLContext | bool = (
        ssl.create_default_context(cafile=verify) if isinstance(verify, str) else verify
    )
    return httpx.Client(
        base_url=base_url,
        headers=headers,
        timeout=timeout_s,
        transport=httpx.HTTPTransport(socket_options=NODELAY, verify=tls),
    )
