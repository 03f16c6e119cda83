"""Kerberos is refused at load until a GSSAPI bind can be tested (issue 13, section 3)."""

from __future__ import annotations

from typing import Any

import pytest

from ldapconnector.config import Binding, ConnectivityConfig, ConnectorConfig
from ldapconnector.errors import ConfigurationError

UNAVAILABLE = "Kerberos (GSSAPI) binding is not available yet: "


def problems_of(connectivity: dict[str, Any]) -> tuple[str, ...]:
    """Load a config with this ``[connectivity]`` table; return its problems."""
    with pytest.raises(ConfigurationError) as info:
        ConnectorConfig.from_dict({"connectivity": connectivity})
    return info.value.problems


def test_kerberos_binding_is_refused_at_load() -> None:
    """binding = "kerberos" is a configuration problem that says it is not available yet."""
    (problem,) = problems_of({"host": "ldap.example.org", "binding": "kerberos"})
    assert problem.startswith(f"connectivity.binding: {UNAVAILABLE}")


@pytest.mark.parametrize("binding", ["kerberos", "simple", "anonymous"])
def test_kerberos_realm_is_refused_whatever_the_binding(binding: str) -> None:
    """A kerberos_realm is never silently ignored: it is refused with the same words."""
    section = {"host": "h", "binding": binding, "kerberos_realm": "CONTOSO.LAB"}
    if binding == "simple":
        section.update(user="cn=a,dc=b", password_env="HOME")
    problems = problems_of(section)
    assert f"connectivity.kerberos_realm: {UNAVAILABLE}" in "\n".join(problems)
    keys = ("connectivity.binding", "connectivity.kerberos_realm")
    assert all(problem.startswith(keys) for problem in problems)


def test_kerberos_is_refused_when_built_in_code() -> None:
    """Building ConnectivityConfig directly refuses Kerberos too (the same checks run)."""
    with pytest.raises(ConfigurationError, match="Kerberos"):
        ConnectivityConfig(host="h", binding=Binding.KERBEROS)
