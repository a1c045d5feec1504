"""A real PostgreSQL server for the tests and the bench, started from Debian's binaries.

initdb into a temporary directory and postgres on a Unix socket there (no TCP port at all),
as the ``postgres`` OS user when running as root (PostgreSQL refuses to run as root). If it
cannot be started, :class:`PostgresUnavailable` says why; the tests turn that into a failure,
never a skip.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg


class PostgresUnavailable(RuntimeError):
    pass


def _bindir() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    which = shutil.which("initdb")
    if which:
        return Path(which).parent
    raise PostgresUnavailable(
        "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): "
        "run ./dev setup, which installs the Debian package postgresql"
    )


class PostgresServer:
    def __init__(
        self, root: Path, *, fsync: bool = False, settings: dict[str, str] | None = None
    ) -> None:
        self.root = root
        self.settings = settings or {}
        self.data = root / "data"
        self.sock = root / "sock"
        self.logfile = root / "postgres.log"
        self.fsync = fsync
        self.bindir = _bindir()
        self.as_root = os.geteuid() == 0
        self._dbs = 0

    def _run(self, *cmd: str) -> subprocess.CompletedProcess[str]:
        argv = [str(self.bindir / cmd[0]), *cmd[1:]]
        if self.as_root:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        return subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=self.root)

    def _fail(self, what: str, result: subprocess.CompletedProcess[str]) -> PostgresUnavailable:
        log = self.logfile.read_text(errors="replace")[-2000:] if self.logfile.exists() else ""
        return PostgresUnavailable(
            f"PostgreSQL could not be started ({what}): {result.stderr.strip()[-1500:]}\n{log}"
        )

    def start(self) -> PostgresServer:
        self.root.mkdir(parents=True, exist_ok=True)
        self.sock.mkdir(exist_ok=True)
        if self.as_root:
            # pytest's temporary directories are private to root: let the postgres user
            # through them (traverse only) and own its own directory.
            import pwd

            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable(
                    "no postgres OS user: install the Debian package postgresql"
                ) from None
            for parent in [self.root, *self.root.parents]:
                if parent == Path("/"):
                    break
                mode = parent.stat().st_mode
                if not mode & 0o001:
                    parent.chmod(mode | 0o011)
            for p in (self.root, self.sock):
                os.chown(p, pw.pw_uid, pw.pw_gid)
        r = self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        if r.returncode != 0:
            raise self._fail("initdb", r)
        self._launch()
        return self

    def _launch(self) -> None:
        settings = {"shared_buffers": "64MB", **self.settings}
        opts = (
            f"-k {self.sock} -c listen_addresses='' -c fsync={'on' if self.fsync else 'off'} "
            "-c max_connections=60 " + " ".join(f"-c {k}={v}" for k, v in settings.items())
        )
        r = self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.logfile),
            "-o",
            opts,
            "-w",
            "-t",
            "60",
            "start",
        )
        if r.returncode != 0:
            raise self._fail("pg_ctl start", r)

    def restart(self) -> None:
        """Stop and start again: empty shared buffers (a cold server), same data."""
        self.stop()
        self._launch()

    def stop(self) -> None:
        if self.data.exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@/{dbname}?host={self.sock}"

    def new_database(self, prefix: str = "t") -> str:
        """A fresh, empty database; its URL."""
        self._dbs += 1
        name = f"{prefix}_{os.getpid()}_{self._dbs}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


if __name__ == "__main__":  # a manual check: python tests/kiosk/central/pg.py DIR
    server = PostgresServer(Path(sys.argv[1])).start()
    print(server.new_database())
    server.stop()
