"""A throwaway PostgreSQL server: ``initdb`` in a temp dir, ``postgres`` on a free port.

The cluster is made fresh per server (~1 s) with a random superuser password
(SCRAM over TCP; the Unix socket in the temp dir trusts its owner, for the fixture's own
``psql``), durability switched off (``fsync=off``: a test cluster is thrown away), and
listens on 127.0.0.1 only. PostgreSQL refuses to run as root, so as root the cluster
belongs to ``nobody`` and the programs run through ``setpriv``.
"""

from __future__ import annotations

import os
import pwd
import signal
import tempfile
import weakref
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from ldapconnector.testing._ports import LOOPBACK, free_ports, port_is_free
from ldapconnector.testing._process import (
    CommandProbe,
    ServerProcess,
    TestServerError,
    find_program,
    remove_directory,
    run_tool,
)
from ldapconnector.testing._server_base import kill_strays, random_password, write_secret

__all__ = ["PostgreSQLServer", "postgres_bin_dir"]

_PROGRAMS = ("initdb", "postgres", "pg_isready", "psql")
_UNPRIVILEGED = "nobody"
_SETTINGS = {
    "listen_addresses": LOOPBACK,
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "60",
    "shared_buffers": "32MB",
}


def postgres_bin_dir() -> Path | None:
    """The newest ``/usr/lib/postgresql/N/bin`` holding ``initdb`` (Debian's layout), or
    the directory of an ``initdb`` on ``PATH``; None when PostgreSQL is not installed."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1].parent
    found = find_program("initdb")
    return Path(found).parent if found else None


def _as_owner(argv: list[str]) -> list[str]:
    """Run ``argv`` as ``nobody`` when this process is root (postgres refuses root)."""
    if os.geteuid() != 0:
        return argv
    account = pwd.getpwnam(_UNPRIVILEGED)
    setpriv = find_program("setpriv") or "setpriv"
    return [
        setpriv, f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}", "--clear-groups",
        "--", *argv,
    ]  # fmt: skip


class PostgreSQLServer:
    """A throwaway PostgreSQL cluster on a free loopback port, torn down on exit.

    Use it as a context manager (or call :meth:`start` and :meth:`stop`)::

        with PostgreSQLServer() as server:
            store = PostgresLinkStore.connect(server.dsn())

    Attributes:
        user: the superuser's name (``postgres``).
        password: its random password.
        host: ``127.0.0.1``.
        port: the TCP port (known once started).
    """

    user = "postgres"
    host = LOOPBACK

    def __init__(self, *, keep: bool = False) -> None:
        """Prepare a server; ``keep`` leaves the temp dir behind for debugging."""
        self.password = random_password()
        self.port = 0
        self._keep = keep
        self._dir: Path | None = None
        self._process: ServerProcess | None = None
        self._finalizer: weakref.finalize[..., Any] | None = None

    @classmethod
    def missing_programs(cls) -> tuple[str, ...]:
        """The PostgreSQL programs that are not installed (``apt-get install postgresql``)."""
        where = postgres_bin_dir()
        return tuple(n for n in _PROGRAMS if where is None or not (where / n).exists())

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def directory(self) -> Path | None:
        """The cluster's temp dir (data, log, Unix socket) while it exists, else None."""
        return self._dir

    def _program(self, name: str) -> str:
        where = postgres_bin_dir()
        if where is None or not (where / name).exists():
            raise TestServerError(f"PostgreSQL is not installed ({name} not found)")
        return str(where / name)

    def start(self) -> None:
        """Create the cluster and start ``postgres``; return once it accepts connections.

        Raises:
            TestServerError: a program is missing, failed, or the server did not answer.
        """
        if self._process is not None:
            raise TestServerError("the PostgreSQL test server was started already")
        directory = Path(tempfile.mkdtemp(prefix="ldapconnector-pg-"))
        self._dir = directory
        self._finalizer = weakref.finalize(self, _clean_up, None, directory, self._keep)
        try:
            self._initdb(directory)
            self._launch(directory)
        except BaseException:
            self.stop()
            raise

    def _initdb(self, directory: Path) -> None:
        secret = directory / "pwfile"
        write_secret(secret, self.password)
        if os.geteuid() == 0:
            account = pwd.getpwnam(_UNPRIVILEGED)
            os.chown(directory, account.pw_uid, account.pw_gid)
            os.chown(secret, account.pw_uid, account.pw_gid)
        argv = [
            self._program("initdb"), "-D", str(directory / "data"), "-U", self.user,
            f"--pwfile={secret}", "--auth-host=scram-sha-256", "--auth-local=trust",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions",
        ]  # fmt: skip
        run_tool(_as_owner(argv))
        secret.unlink()

    def _launch(self, directory: Path) -> None:
        for _attempt in range(3):
            (port,) = free_ports(1)
            if not port_is_free(port):
                continue
            settings = {**_SETTINGS, "port": str(port), "unix_socket_directories": str(directory)}
            argv = [self._program("postgres"), "-D", str(directory / "data")]
            argv += [item for key, value in settings.items() for item in ("-c", f"{key}={value}")]
            process = ServerProcess("postgres", _as_owner(argv), directory / "postgres.log")
            self._process, self.port = process, port
            self._finalizer = weakref.finalize(self, _clean_up, process, directory, self._keep)
            process.start()
            probe = CommandProbe(
                argv=(self._program("pg_isready"), "-q", "-h", str(directory), "-p", str(port))
            )
            try:
                process.wait_until_ready(probe, timeout=30.0)
                return
            except TestServerError:
                if "already in use" not in process.log_tail():
                    raise
                process.stop()
        raise TestServerError("PostgreSQL could not find a free port in 3 attempts")

    def stop(self) -> None:
        """Stop the server and remove its temp dir; safe to call more than once."""
        finalizer, self._finalizer, self._process = self._finalizer, None, None
        if finalizer is not None:
            finalizer()

    def dsn(self, dbname: str = "postgres") -> str:
        """A libpq connection string for the superuser, password included (tests only)."""
        return (
            f"host={self.host} port={self.port} user={self.user} "
            f"password={self.password} dbname={dbname}"
        )

    def dsn_without_password(self, dbname: str = "postgres") -> str:
        """The same connection string without the password (give it as ``PGPASSWORD``)."""
        return f"host={self.host} port={self.port} user={self.user} dbname={dbname}"

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        """Run SQL with ``psql`` over the cluster's own Unix socket; return its output.

        Raises:
            TestServerError: the server is not running, or psql failed.
        """
        if self._dir is None or self._process is None:
            raise TestServerError("the PostgreSQL test server is not running")
        argv = [
            self._program("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
            "-h", str(self._dir), "-p", str(self.port), "-U", self.user, "-d", dbname,
            "-c", sql,
        ]  # fmt: skip
        return run_tool(_as_owner(argv))

    def create_database(self, name: str) -> str:
        """Create an empty database ``name`` (a letters-digits-_ name); return its DSN.

        Raises:
            ValueError: the name is not a plain identifier.
            TestServerError: psql failed (for example, the database exists).
        """
        if not name.isidentifier() or not name.isascii():
            raise ValueError(f"a database name for tests is a plain identifier, got {name!r}")
        self.psql(f'CREATE DATABASE "{name}"')
        return self.dsn(name)


def _clean_up(process: ServerProcess | None, directory: Path, keep: bool) -> None:
    if process is not None:
        # SIGINT is PostgreSQL's "fast" shutdown; SIGTERM ("smart") waits for clients.
        if process.running and process.pid is not None:
            os.kill(process.pid, signal.SIGINT)
        process.stop(timeout=10.0)
    kill_strays(str(directory))
    remove_directory(directory, keep=keep)
