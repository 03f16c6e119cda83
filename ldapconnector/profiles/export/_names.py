"""Attribute-name helpers shared by the planners: names compare by their canonical form."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from ldapconnector.schema import Schema

__all__ = ["canonical", "find_name", "has_name", "schema_name"]

_V = TypeVar("_V")


def canonical(schema: Schema, name: str) -> str:
    """The lower-cased canonical name (``surname`` and ``SN`` both give ``sn``)."""
    info = schema.attribute(name)
    return (info.name if info is not None else name).lower()


def schema_name(schema: Schema, name: str) -> str:
    """The name as the schema spells it (``CN`` gives ``cn``); unknown names as given."""
    info = schema.attribute(name)
    return info.name if info is not None else name


def find_name(schema: Schema, mapping: Mapping[str, _V], name: str) -> str | None:
    """The key of ``mapping`` that names the same attribute as ``name``, or None."""
    wanted = canonical(schema, name)
    return next((key for key in mapping if canonical(schema, key) == wanted), None)


def has_name(schema: Schema, names: Iterable[str], name: str) -> bool:
    """Whether ``names`` holds ``name`` under any of its spellings."""
    wanted = canonical(schema, name)
    return any(canonical(schema, other) == wanted for other in names)
