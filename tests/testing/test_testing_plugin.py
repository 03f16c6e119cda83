"""The pytest plugin: skip outside CI, fail in CI, fixtures reachable by a downstream suite."""

from __future__ import annotations

import pytest

from ldapconnector.testing import OpenLDAPServer
from ldapconnector.testing.pytest_plugin import in_ci, require_openldap

pytest_plugins = ["pytester"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("TRUE", True), ("1", True), ("yes", True), ("", False), ("false", False)],
)
def test_in_ci_reads_the_ci_variable(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    """CI=true (or 1/yes) marks a CI run; anything else does not."""
    monkeypatch.setenv("CI", value)
    assert in_ci() is expected


def test_missing_slapd_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without slapd and outside CI the test is skipped with the apt-get line."""
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(OpenLDAPServer, "missing_programs", staticmethod(lambda: ("slapd",)))
    with pytest.raises(pytest.skip.Exception, match="apt-get install slapd ldap-utils"):
        require_openldap()


def test_missing_slapd_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without slapd and with CI=true the test fails instead of being skipped."""
    monkeypatch.setenv("CI", "true")
    monkeypatch.setattr(OpenLDAPServer, "missing_programs", staticmethod(lambda: ("slapd",)))
    with pytest.raises(pytest.fail.Exception, match="apt-get install slapd ldap-utils"):
        require_openldap()


@pytest.mark.integration
@pytest.mark.openldap
def test_a_downstream_suite_gets_the_fixture(pytester: pytest.Pytester) -> None:
    """A suite with no conftest gets openldap_server and the markers from the entry point."""
    require_openldap()
    pytester.makepyfile(
        """
        import subprocess

        import pytest


        @pytest.mark.integration
        @pytest.mark.openldap
        def test_uses_the_server(openldap_server):
            assert openldap_server.base_dn == "dc=contoso,dc=lab"
            assert openldap_server.ldap_uri.startswith("ldap://127.0.0.1:")
        """
    )
    result = pytester.runpytest_subprocess("--strict-markers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
