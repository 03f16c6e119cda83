"""The pytest plugin: skip outside CI, fail in CI, fixtures reachable by a downstream suite."""

from __future__ import annotations

import pytest

from ldapconnector.testing.pytest_plugin import in_ci, require_openldap

pytest_plugins = ["pytester"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("TRUE", True), ("1", True), ("yes", True), ("", False), ("false", False)],
)
def test_in_ci_reads_the_ci_variable(value: str, expected: bool) -> None:
    """CI=true (or 1/yes) marks a CI run; anything else does not."""
    assert in_ci({"CI": value}) is expected
    assert in_ci({}) is False


def test_missing_slapd_skips_outside_ci() -> None:
    """Without slapd and outside CI the test is skipped with the apt-get line."""
    with pytest.raises(pytest.skip.Exception, match="apt-get install slapd ldap-utils"):
        require_openldap(missing=("slapd",), environ={})


def test_missing_slapd_fails_in_ci() -> None:
    """Without slapd and with CI=true the test fails instead of being skipped."""
    with pytest.raises(pytest.fail.Exception, match="apt-get install slapd ldap-utils"):
        require_openldap(missing=("slapd",), environ={"CI": "true"})


def test_installed_programs_neither_skip_nor_fail() -> None:
    """Nothing missing: the check returns, in CI or not."""
    require_openldap(missing=(), environ={"CI": "true"})
    require_openldap(missing=(), environ={})


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
