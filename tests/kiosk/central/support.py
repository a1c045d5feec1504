"""Central on loopback for the tests: a config with halls and keys, a real server, clients."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from kiosk.central.config import CentralConfig, key_hash, parse_central_config
from kiosk.central.server import CentralServer
from kiosk.client import api_client

HALL = "gd-gz-tianhe-01"  # the example config's hall
OTHER_HALL = "gd-gz-yuexiu-02"
KEYS = {HALL: "tianhe-hall-key-0123456789abcdef", OTHER_HALL: "yuexiu-hall-key-0123456789abcdef"}
ADMIN_KEY = "central-admin-key-0123456789abcdef"


def central_config(
    directory: Path,
    database: str,
    *,
    tls: tuple[Path, Path] | None = None,
    port: int = 0,
    settings: dict[str, Any] | None = None,
) -> CentralConfig:
    halls = "".join(
        f'\n[[halls]]\nid = "{hall}"\nname = "{hall} 营业厅"\nkey_sha256 = "{key_hash(key)}"\n'
        for hall, key in KEYS.items()
    )
    tls_lines = f'tls_cert = "{tls[0]}"\ntls_key = "{tls[1]}"\n' if tls else ""
    tls_lines += "".join(f"{k} = {v!r}\n" for k, v in (settings or {}).items())
    text = (
        f'[central]\nhost = "127.0.0.1"\nport = {port}\ndatabase = "{database}"\n'
        f'admin_key_sha256 = "{key_hash(ADMIN_KEY)}"\n{tls_lines}{halls}'
    )
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "central.toml"
    path.write_text(text, encoding="utf-8")
    return parse_central_config(text, str(path))


@contextmanager
def running_central(
    directory: Path, database: str | None = None, **kwargs: Any
) -> Iterator[CentralServer]:
    database = database or f"sqlite:///{directory / 'central.db'}"
    server = CentralServer(central_config(directory, database, **kwargs)).start()
    try:
        yield server
    finally:
        server.stop()


def client(server: CentralServer, key: str, **kwargs: Any) -> httpx.Client:
    return api_client(server.base_url, key, **kwargs)


def make_tls(directory: Path) -> tuple[Path, Path, Path]:
    """A CA and a server certificate for 127.0.0.1 signed by it: (ca, cert, key)."""
    ca_key, ca = directory / "ca.key", directory / "ca.pem"
    key, csr, cert = directory / "server.key", directory / "server.csr", directory / "server.pem"
    ext = directory / "ext.cnf"
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n", encoding="ascii")

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)

    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        str(ca_key),
        "-out",
        str(ca),
        "-days",
        "2",
        "-subj",
        "/CN=Kiosk Test CA",
    )
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        str(key),
        "-out",
        str(csr),
        "-subj",
        "/CN=127.0.0.1",
    )
    openssl(
        "x509",
        "-req",
        "-in",
        str(csr),
        "-CA",
        str(ca),
        "-CAkey",
        str(ca_key),
        "-CAcreateserial",
        "-out",
        str(cert),
        "-days",
        "2",
        "-extfile",
        str(ext),
    )
    return ca, cert, key
