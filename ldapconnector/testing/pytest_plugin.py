"""pytest plugin (entry point ``pytest11``): fixtures that start real throwaway servers.

Installing ldapconnector makes these fixtures available to any test suite:

* ``openldap_server`` (session scope): one :class:`~ldapconnector.testing.OpenLDAPServer`
  shared by the whole run; tests that write should use DNs no other test uses.
* ``fresh_openldap_server`` (function scope): a server of its own for one test (~0.25 s).

When the programs are missing the fixtures skip the test with the ``apt-get`` line to run,
except under ``CI=true`` (or ``1``/``yes``), where they fail it instead: integration tests
are never silently skipped in CI. The plugin also registers the ``integration`` and
``openldap`` markers so suites using ``--strict-markers`` may mark their tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import NoReturn

import pytest

from ldapconnector.testing._openldap import OpenLDAPServer

__all__ = ["in_ci", "require_openldap"]

_MARKERS = (
    "integration: talks to a real directory server started by a fixture",
    "openldap: needs the throwaway OpenLDAP slapd",
)


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers the fixtures' users put on their tests."""
    for line in _MARKERS:
        config.addinivalue_line("markers", line)


def in_ci() -> bool:
    """Tell whether the ``CI`` environment variable says this is a CI run."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _unavailable(message: str) -> NoReturn:
    if in_ci():
        pytest.fail(f"{message} (CI is set: integration tests must not be skipped)", pytrace=False)
    pytest.skip(message)


def require_openldap() -> None:
    """Skip the current test when OpenLDAP is not installed, or fail it when in CI.

    Raises:
        pytest.skip.Exception: the programs are missing (outside CI).
        pytest.fail.Exception: the programs are missing and ``CI`` is true.
    """
    missing = OpenLDAPServer.missing_programs()
    if missing:
        _unavailable(
            f"OpenLDAP test server unavailable, missing {', '.join(missing)}: "
            "apt-get install slapd ldap-utils"
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
