"""ldap3's search-result controls as plain :class:`~ldapconnector.model.ResponseControl` values."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ldapconnector.model import ResponseControl

__all__ = ["response_controls"]


def _value(raw: object) -> Mapping[str, Any] | bytes | None:
    if isinstance(raw, Mapping):
        return MappingProxyType(dict(raw))
    if isinstance(raw, bytes | bytearray):
        return bytes(raw)
    return None


def response_controls(result: Mapping[str, Any]) -> Mapping[str, ResponseControl]:
    """The controls of an ldap3 search result, as plain :class:`ResponseControl` values."""
    found: dict[str, ResponseControl] = {}
    for oid, control in (result.get("controls") or {}).items():
        details = control if isinstance(control, Mapping) else {}
        found[str(oid)] = ResponseControl(
            oid=str(oid),
            critical=bool(details.get("criticality")),
            value=_value(details.get("value")),
        )
    return MappingProxyType(found)
