"""What the 389 DS and Samba fixtures share: the context manager, connectivity, clean-up.

:class:`ServerFixtureMixin` gives a server class ``with`` support and the
``connectivity()``/``connectivity_config()`` pair from its :attr:`endpoints`, the same
way :class:`~ldapconnector.testing.OpenLDAPServer` offers them. :func:`kill_strays` ends
processes a failed start may leave behind (found by their unique temp dir on the command
line, never by name), and :func:`write_secret` writes a password file for ldap-utils' ``-y``.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import types
import urllib.parse
import weakref
from pathlib import Path
from typing import Any, ClassVar, Self

from ldapconnector.config import Binding, ConnectivityConfig, ConnectorConfig, Security
from ldapconnector.testing._certs import CertificateFiles
from ldapconnector.testing._connectivity import (
    BindingName,
    Endpoints,
    SectionValue,
    SecurityName,
    connectivity_config,
    connectivity_section,
)
from ldapconnector.testing._process import find_program

__all__ = ["ServerFixtureMixin", "kill_strays", "processes_using", "tool_env", "write_secret"]

_log = logging.getLogger(__name__)


class ServerFixtureMixin:
    """``with`` support, stopping, and connectivity settings for the test server classes.

    A server class sets :attr:`programs`, implements ``start`` (registering its clean-up
    as ``self._finalizer``), ``endpoints`` and ``certificates``; the rest is shared.
    """

    #: the programs the server needs, looked up on ``PATH`` and in the sbin directories.
    programs: ClassVar[tuple[str, ...]] = ()
    _finalizer: weakref.finalize[..., Any] | None
    _running: object | None

    @classmethod
    def missing_programs(cls) -> tuple[str, ...]:
        """Return the names of the required programs that are not installed."""
        return tuple(name for name in cls.programs if find_program(name) is None)

    @classmethod
    def available(cls) -> bool:
        """Tell whether every program the server needs is installed."""
        return not cls.missing_programs()

    def start(self) -> None:  # pragma: no cover - every server class overrides it
        """Start the server."""
        raise NotImplementedError

    def stop(self) -> None:
        """Stop the server and remove its temp dir; safe to call more than once."""
        finalizer, self._finalizer, self._running = self._finalizer, None, None
        if finalizer is not None:
            finalizer()

    @property
    def endpoints(self) -> Endpoints:  # pragma: no cover - every server class overrides it
        """Addresses, certificates and accounts."""
        raise NotImplementedError

    @property
    def certificates(self) -> CertificateFiles:  # pragma: no cover - overridden
        """All certificate files made for this server."""
        raise NotImplementedError

    @property
    def ca_file(self) -> str:
        """PEM certificate of the throwaway CA that signed the server certificate."""
        return str(self.certificates.ca_file)

    @property
    def untrusted_ca_file(self) -> str:
        """PEM certificate of an unrelated CA: trusting only it must fail verification."""
        return str(self.certificates.untrusted_ca_file)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: types.TracebackType | None,
    ) -> None:
        self.stop()

    def connectivity(
        self,
        security: Security | SecurityName = Security.LDAPS,
        binding: Binding | BindingName = Binding.SIMPLE,
        *,
        as_service: bool = True,
        allow_cleartext_bind: bool = False,
        timeout: float = 30.0,
    ) -> dict[str, SectionValue]:
        """Return a ``[connectivity]`` section for this server, as a dict (tests only).

        Unlike a config file, the dict holds the literal password under ``password``.
        Keys that do not apply are left out: ``user``/``password`` unless ``simple``,
        ``ca_file`` when ``none``, ``client_cert``/``client_key`` unless
        ``sasl-external``. TLS modes use host ``localhost`` (Python >= 3.12 matches DNS
        names only); plain LDAP uses ``127.0.0.1``.

        Args:
            security: ``ldaps``, ``starttls`` or ``none``.
            binding: ``simple``, ``anonymous`` or ``sasl-external`` (where offered).
            as_service: bind as the service account; False binds as the admin.
            allow_cleartext_bind: the value of ``allow_cleartext_bind``.
            timeout: the value of ``timeout``, seconds.

        Returns:
            The section's keys and values.

        Raises:
            ValueError: the server cannot be reached that way (see
                :func:`~ldapconnector.testing._connectivity.connectivity_config`).
        """
        config = self.connectivity_config(
            security,
            binding,
            as_service=as_service,
            allow_cleartext_bind=allow_cleartext_bind,
            timeout=timeout,
        )
        return connectivity_section(config)

    def connectivity_config(
        self,
        security: Security | SecurityName = Security.LDAPS,
        binding: Binding | BindingName = Binding.SIMPLE,
        *,
        as_service: bool = True,
        allow_cleartext_bind: bool = False,
        timeout: float = 30.0,
    ) -> ConnectivityConfig:
        """Return a :class:`~ldapconnector.config.ConnectivityConfig` for this server.

        Same arguments and rules as :meth:`connectivity`; the password is a
        :class:`~ldapconnector.config.Secret`.
        """
        return connectivity_config(
            self.endpoints,
            security,
            binding,
            as_service=as_service,
            allow_cleartext_bind=allow_cleartext_bind,
            timeout=timeout,
        )

    def connector_config(
        self,
        security: Security | SecurityName = Security.LDAPS,
        binding: Binding | BindingName = Binding.SIMPLE,
        *,
        as_service: bool = True,
        **sections: Any,
    ) -> ConnectorConfig:
        """Return a whole :class:`~ldapconnector.config.ConnectorConfig` for this server.

        The ``[connectivity]`` section comes from :meth:`connectivity` (with the literal
        password, accepted here for tests); every other section is given by name, shaped
        as in the TOML file::

            config = server.connector_config(
                object_type={"target": "inetOrgPerson", "containers": [server.people_dn]},
                mappings=[{"type": "direct", "source": "surname", "target": "sn"}],
            )

        Args:
            security: as for :meth:`connectivity`.
            binding: as for :meth:`connectivity`.
            as_service: bind as the service account (default) rather than the admin.
            **sections: the other sections (``object_type``, ``mappings``, ``global``,
                ``space``, …); a ``connectivity`` dict given here is merged over the
                server's own (e.g. ``connectivity={"timeout": 5}``).

        Returns:
            The validated configuration.

        Raises:
            ConfigurationError: a section is invalid (every problem is listed).
        """
        connectivity: dict[str, Any] = dict(
            self.connectivity(security, binding, as_service=as_service)
        )
        connectivity.update(sections.pop("connectivity", {}))
        return ConnectorConfig.from_dict(
            {"connectivity": connectivity, **sections}, allow_literal_password=True
        )


def quiet_env() -> dict[str, str]:
    """``os.environ`` with ldap.conf/ldaprc defaults switched off (``LDAPNOINIT``)."""
    return {**os.environ, "LDAPNOINIT": "1"}


def tool_env(ca_file: str) -> dict[str, str]:
    """Return ``os.environ`` for ldap-utils trusting ``ca_file`` (``LDAPNOINIT`` removed)."""
    env = dict(os.environ)
    env.pop("LDAPNOINIT", None)  # it would make libldap ignore the LDAPTLS_* variables too
    env.update(LDAPTLS_CACERT=ca_file, LDAPTLS_REQCERT="demand")
    return env


def random_password() -> str:
    """A fresh random password for a throwaway account (URL-safe, 24 characters)."""
    return secrets.token_urlsafe(18)


def ldapi_uri(socket_path: Path) -> str:
    """The ``ldapi://`` URI of a unix socket (the path percent-encoded, RFC 3986)."""
    return "ldapi://" + urllib.parse.quote(str(socket_path), safe="")


def write_secret(path: Path, value: str, *, owner: tuple[int, int] | None = None) -> None:
    """Write a password file (mode 0600, no newline: ldap-utils' ``-y`` reads it whole).

    Args:
        path: the file to create; it must not exist.
        value: the password.
        owner: uid and gid to give the file, or None to keep the caller's.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value)
    if owner is not None:
        os.chown(path, *owner)


def processes_using(marker: str) -> tuple[int, ...]:
    """Return the ids of processes that name ``marker`` (a temp dir) or hold files in it.

    The command line alone is not enough: Samba rewrites its process title, so open
    files (its log, databases and sockets) count as well.

    Args:
        marker: a path unique to one server, such as its temp dir.

    Returns:
        The matching process ids, excluding this process.
    """
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid() and _uses(entry, marker):
            found.append(int(entry.name))
    return tuple(found)


def _uses(process: Path, marker: str) -> bool:
    try:
        if marker.encode() in (process / "cmdline").read_bytes():
            return True
        links = list((process / "fd").iterdir())
    except OSError:
        return False
    for link in links:
        try:
            if os.readlink(link).startswith(marker):
                return True
        except OSError:
            continue
    return False


def kill_strays(marker: str) -> tuple[int, ...]:
    """SIGKILL processes left running with ``marker`` (a server's temp dir) in their argv.

    Only processes this package started carry the unique temp dir path, so nothing else is
    touched. Never raises.

    Args:
        marker: the temp dir path of the server being cleaned up.

    Returns:
        The ids of the processes that were signalled.
    """
    pids = processes_using(marker)
    for pid in pids:
        _log.warning("killing a process left behind by a test server: pid %d", pid)
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            continue
    return pids
