"""The public surface: every sub-package's and the top level's ``__all__`` is sorted and real."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

import ldapconnector

SUBPACKAGES = sorted(m.name for m in pkgutil.iter_modules(ldapconnector.__path__) if m.ispkg)
# Public single-module layers (no leading underscore), checked like the sub-packages.
PUBLIC_MODULES = sorted(
    m.name
    for m in pkgutil.iter_modules(ldapconnector.__path__)
    if not m.ispkg and not m.name.startswith("_")
)


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


# The CLI and the test servers are reached through their own packages, not the top level.
LIBRARY_SUBPACKAGES = [n for n in [*SUBPACKAGES, *PUBLIC_MODULES] if n not in {"cli", "testing"}]


@pytest.mark.parametrize("module_name", [f"ldapconnector.{n}" for n in LIBRARY_SUBPACKAGES])
def test_top_level_reexports_every_public_name(module_name: str) -> None:
    """Whatever a sub-package makes public is reachable as ``ldapconnector.<name>`` too."""
    module = importlib.import_module(module_name)
    missing = [n for n in module.__all__ if n not in ldapconnector.__all__]
    assert missing == []


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
