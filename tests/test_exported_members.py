"""The public surface: every sub-package's and the top level's ``__all__`` is sorted and real."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

import ldapconnector

SUBPACKAGES = sorted(m.name for m in pkgutil.iter_modules(ldapconnector.__path__) if m.ispkg)


def isort_style_key(name: str) -> tuple[int, list[object]]:
    """Ruff's RUF022 order: CONSTANTS, then Classes, then functions; digits compare as numbers."""
    category = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    natural = [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]
    return category, natural


@pytest.mark.parametrize(
    "module_name", ["ldapconnector", *(f"ldapconnector.{n}" for n in SUBPACKAGES)]
)
def test_all_is_sorted_and_resolves(module_name: str) -> None:
    """Each ``__all__`` lists names in ruff's sorted order and each name exists in the module."""
    module = importlib.import_module(module_name)
    names = list(module.__all__)
    assert names == sorted(names, key=isort_style_key)
    missing = [n for n in names if not hasattr(module, n)]
    assert missing == []


# The top level is curated: the names a user needs, each with a home in a sub-package.
CONTRACT_NAMES = [
    # DESIGN.md's Python API and the names its examples use.
    "compile_expression",
    "evaluate_expression",
    "ExpressionError",
    "ExpressionSyntaxError",
    "fingerprint",
    "detect",
    "Vendor",
    "DeltaSource",
    "ServerInfo",
    "Schema",
    "SchemaProblem",
    "ConnectorConfig",
    "Connector",
    "ImportResult",
    "DeltaImportResult",
    "ExportReport",
    "ObjectResult",
    "ExportOutcome",
    "SqliteLinkStore",
    "LinkStore",
    "ConfigurationError",
    "LdapConnectorError",
    "Entry",
    "OpenLDAPServer",
    "DS389Server",
    "SambaADServer",
]


def test_top_level_is_curated() -> None:
    """The top level keeps the contract names and stays far smaller than every public name."""
    assert [n for n in CONTRACT_NAMES if n not in ldapconnector.__all__] == []
    assert len(ldapconnector.__all__) <= 140


@pytest.mark.parametrize("name", ldapconnector.__all__)
def test_top_level_name_has_a_documented_home(name: str) -> None:
    """Each top-level class or function is documented and is its home sub-package's object."""
    value = getattr(ldapconnector, name)
    if not callable(value):
        return  # constants are documented where they are defined
    assert (value.__doc__ or "").strip(), name
    home = importlib.import_module(value.__module__.rpartition("._")[0] or value.__module__)
    if name != "detect":  # the top level's detect defers to ldapconnector.connector.detect
        assert getattr(home, name) is value


def test_top_level_reexports_every_error() -> None:
    """Every exception class of ``ldapconnector.errors`` is exported at the top level."""
    from ldapconnector import errors

    missing = [n for n in errors.__all__ if n not in ldapconnector.__all__]
    assert missing == []


def test_every_error_derives_from_the_root() -> None:
    """Every exception class in the package derives from ``LdapConnectorError``."""
    from ldapconnector import errors

    classes = [getattr(errors, n) for n in errors.__all__ if isinstance(getattr(errors, n), type)]
    assert classes
    assert all(issubclass(c, errors.LdapConnectorError) for c in classes)
