"""Attribute-name helpers shared by the planners: names compare by their canonical form."""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from typing import TypeVar

from ldapconnector.schema import Schema

__all__ = ["canonical", "find_name", "has_name", "schema_name"]

_V = TypeVar("_V")


# The canonical names of each schema, by name as written: the planners ask for the same
# few names' forms hundreds of times per record. Keyed by identity (a schema's hash walks
# every definition), as the comparison functions are; a schema's names go when it does.
_MEMO: dict[int, dict[str, str]] = {}


def _memo_of(schema: Schema) -> dict[str, str]:
    memo = _MEMO.get(id(schema))
    if memo is None:
        memo = _MEMO[id(schema)] = {}
        weakref.finalize(schema, _MEMO.pop, id(schema), None)
    return memo


def canonical(schema: Schema, name: str) -> str:
    """The lower-cased canonical name (``surname`` and ``SN`` both give ``sn``)."""
    memo = _MEMO.get(id(schema))
    found = memo.get(name) if memo is not None else None
    if found is None:  # the first time for this schema or name (the hot path is above)
        info = schema.attribute(name)
        found = _memo_of(schema)[name] = (info.name if info is not None else name).lower()
    return found


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
