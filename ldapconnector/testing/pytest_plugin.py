"""pytest plugin (entry point ``pytest11``): fixtures that start real throwaway servers.

Installing ldapconnector makes these fixtures available to any test suite:

* ``openldap_server`` (session scope): one :class:`~ldapconnector.testing.OpenLDAPServer`
  shared by the whole run; tests that write should use DNs no other test uses.
* ``fresh_openldap_server`` (function scope): a server of its own for one test (~0.25 s).
* ``ds389_server`` (session scope): one :class:`~ldapconnector.testing.DS389Server`
  (~10 s to create).
* ``postgresql_server`` (session scope): one :class:`~ldapconnector.testing.PostgreSQLServer`
  (a throwaway cluster, ~1.5 s); ``postgresql_database`` (function scope): the DSN of a
  new empty database on it, for one test.
* ``samba_ad_server`` (session scope): one :class:`~ldapconnector.testing.SambaADServer`.
  Samba's ports are fixed, so there is never more than one; a port in use fails the
  test with a message naming it.

When the programs are missing the fixtures skip the test with the ``apt-get`` line to run,
except under ``CI=true`` (or ``1``/``yes``), where they fail it instead: integration tests
are never silently skipped in CI. The plugin also registers the ``integration``,
``openldap``, ``ds389`` and ``samba`` markers so suites using ``--strict-markers`` may mark
their tests.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator, Mapping, Sequence
from typing import NoReturn

import pytest

from ldapconnector.testing._ds389 import DS389Server
from ldapconnector.testing._openldap import OpenLDAPServer
from ldapconnector.testing._postgres import PostgreSQLServer
from ldapconnector.testing._samba import SambaADServer

__all__ = ["in_ci", "require_ds389", "require_openldap", "require_postgresql", "require_samba"]

_MARKERS = (
    "integration: talks to a real directory server started by a fixture",
    "openldap: needs the throwaway OpenLDAP slapd",
    "ds389: needs the throwaway 389 Directory Server",
    "samba: needs the throwaway Samba AD DC",
    "postgresql: needs the throwaway PostgreSQL server",
)


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers the fixtures' users put on their tests."""
    for line in _MARKERS:
        config.addinivalue_line("markers", line)


def in_ci(environ: Mapping[str, str] | None = None) -> bool:
    """Tell whether the ``CI`` environment variable says this is a CI run.

    Args:
        environ: the environment to read (default: ``os.environ``).
    """
    value = (os.environ if environ is None else environ).get("CI", "")
    return value.strip().lower() in {"true", "1", "yes"}


def _unavailable(message: str, environ: Mapping[str, str] | None) -> NoReturn:
    if in_ci(environ):
        pytest.fail(f"{message} (CI is set: integration tests must not be skipped)", pytrace=False)
    pytest.skip(message)


def _require(
    what: str, install: str, missing: Sequence[str], environ: Mapping[str, str] | None
) -> None:
    if missing:
        _unavailable(
            f"{what} test server unavailable, missing {', '.join(missing)}: "
            f"apt-get install {install}",
            environ,
        )


def require_openldap(
    *, missing: Sequence[str] | None = None, environ: Mapping[str, str] | None = None
) -> None:
    """Skip the current test when OpenLDAP is not installed, or fail it when in CI.

    Args:
        missing: the programs to treat as missing (default: what
            :meth:`OpenLDAPServer.missing_programs` finds); lets a suite check its own
            skip behaviour.
        environ: the environment whose ``CI`` variable is read (default: ``os.environ``).

    Raises:
        pytest.skip.Exception: the programs are missing (outside CI).
        pytest.fail.Exception: the programs are missing and ``CI`` is true.
    """
    found = OpenLDAPServer.missing_programs() if missing is None else missing
    _require("OpenLDAP", "slapd ldap-utils", found, environ)


def require_ds389(
    *, missing: Sequence[str] | None = None, environ: Mapping[str, str] | None = None
) -> None:
    """Skip the current test when 389 DS is not installed, or fail it when in CI.

    Args:
        missing: the programs to treat as missing (default: what
            :meth:`DS389Server.missing_programs` finds).
        environ: the environment whose ``CI`` variable is read (default: ``os.environ``).

    Raises:
        pytest.skip.Exception: the programs are missing (outside CI).
        pytest.fail.Exception: the programs are missing and ``CI`` is true.
    """
    found = DS389Server.missing_programs() if missing is None else missing
    _require("389 Directory Server", "389-ds-base ldap-utils", found, environ)


def require_samba(
    *, missing: Sequence[str] | None = None, environ: Mapping[str, str] | None = None
) -> None:
    """Skip the current test when Samba AD DC is not installed or not root; fail in CI.

    Samba binds the privileged ports 389 and 636, so it needs root.

    Args:
        missing: the programs to treat as missing (default: what
            :meth:`SambaADServer.missing_programs` finds).
        environ: the environment whose ``CI`` variable is read (default: ``os.environ``).

    Raises:
        pytest.skip.Exception: the programs are missing or this is not root (outside CI).
        pytest.fail.Exception: the same, and ``CI`` is true.
    """
    found = SambaADServer.missing_programs() if missing is None else missing
    _require(
        "Samba AD DC",
        "samba samba-ad-dc samba-ad-provision samba-dsdb-modules ldb-tools",
        found,
        environ,
    )
    if os.geteuid() != 0:
        _unavailable(
            "Samba AD DC test server needs root: it binds the fixed ports 389 and 636", environ
        )


def require_postgresql(
    *, missing: Sequence[str] | None = None, environ: Mapping[str, str] | None = None
) -> None:
    """Skip the current test when PostgreSQL or psycopg is missing, or fail it when in CI.

    Args:
        missing: the programs to treat as missing (default: what
            :meth:`PostgreSQLServer.missing_programs` finds).
        environ: the environment whose ``CI`` variable is read (default: ``os.environ``).

    Raises:
        pytest.skip.Exception: the programs or psycopg are missing (outside CI).
        pytest.fail.Exception: the same, and ``CI`` is true.
    """
    found = PostgreSQLServer.missing_programs() if missing is None else missing
    _require("PostgreSQL", "postgresql", found, environ)
    try:
        import psycopg  # noqa: F401 - only checking that it is installed
    except ImportError:
        _unavailable(
            "the PostgreSQL link store needs psycopg: pip install 'ldapconnector[postgresql]'",
            environ,
        )


def _serve() -> Iterator[OpenLDAPServer]:
    require_openldap()
    with OpenLDAPServer() as server:
        yield server


@pytest.fixture(scope="session", name="openldap_server")
def fixture_openldap_server() -> Iterator[OpenLDAPServer]:
    """A throwaway OpenLDAP slapd shared by the whole test session."""
    yield from _serve()


@pytest.fixture(name="fresh_openldap_server")
def fixture_fresh_openldap_server() -> Iterator[OpenLDAPServer]:
    """A throwaway OpenLDAP slapd for one test only."""
    yield from _serve()


@pytest.fixture(scope="session", name="ds389_server")
def fixture_ds389_server() -> Iterator[DS389Server]:
    """A throwaway 389 Directory Server shared by the whole test session."""
    require_ds389()
    with DS389Server() as server:
        yield server


@pytest.fixture(scope="session", name="samba_ad_server")
def fixture_samba_ad_server() -> Iterator[SambaADServer]:
    """The one throwaway Samba AD DC of the test session (its ports are fixed)."""
    require_samba()
    with SambaADServer() as server:
        yield server


@pytest.fixture(scope="session", name="postgresql_server")
def fixture_postgresql_server() -> Iterator[PostgreSQLServer]:
    """A throwaway PostgreSQL server shared by the whole test session."""
    require_postgresql()
    with PostgreSQLServer() as server:
        yield server


_DATABASES = itertools.count(1)


@pytest.fixture(name="postgresql_database")
def fixture_postgresql_database(postgresql_server: PostgreSQLServer) -> str:
    """The DSN (password included) of a new, empty database for one test."""
    return postgresql_server.create_database(f"test_{os.getpid()}_{next(_DATABASES)}")
