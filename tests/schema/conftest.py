"""Fixtures of the schema tests: the recorded subschemas of tests/data/schema, parsed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from ldapconnector.cli._schema import load_subschema_file
from ldapconnector.schema import Schema

DATA = Path(__file__).parent.parent / "data" / "schema"


class Recorded:
    """The recorded subschemas, each loaded and parsed once per test session."""

    def __init__(self) -> None:
        self._raw: dict[str, Mapping[str, Sequence[str]]] = {}
        self._schemas: dict[str, Schema] = {}

    def raw(self, name: str) -> Mapping[str, Sequence[str]]:
        """The subschema attributes of one server (``openldap-2.5``, ``ad-2012r2``, ...)."""
        if name not in self._raw:
            (path,) = DATA.glob(f"{name}-subschema.*")
            self._raw[name] = load_subschema_file(path)
        return self._raw[name]

    def schema(self, name: str) -> Schema:
        """The parsed schema of one server."""
        if name not in self._schemas:
            self._schemas[name] = Schema.from_subschema(self.raw(name))
        return self._schemas[name]


@pytest.fixture(name="recorded", scope="session")
def fixture_recorded() -> Recorded:
    """Access to every recorded subschema, shared by the whole session."""
    return Recorded()


@pytest.fixture(name="openldap")
def fixture_openldap(recorded: Recorded) -> Schema:
    """The schema captured from a real OpenLDAP 2.5 slapd (core, cosine, inetorgperson, nis)."""
    return recorded.schema("openldap-2.5")


@pytest.fixture(name="ad")
def fixture_ad(recorded: Recorded) -> Schema:
    """The Active Directory 2012 R2 schema recorded by ldap3."""
    return recorded.schema("ad-2012r2")
