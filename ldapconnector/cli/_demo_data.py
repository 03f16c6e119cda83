"""The demo's configuration and its generated users.

The configuration is the POSIX example of Microsoft's OpenLDAP walkthrough.

Also used by the export tests, so the demo and the acceptance scenario are the same.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ldapconnector.config import DN_TARGET

__all__ = ["FIRST_UID_NUMBER", "posix_example", "to_toml", "user_record", "users"]

FIRST_UID_NUMBER = 10000
_LOGIN = 'Word([userPrincipalName], 1, "@")'
_GIVEN = ("Britta", "Adele", "Alex", "Diego", "Grady", "Isaiah", "Johanna", "Lee", "Megan")
_FAMILY = ("Simon", "Vance", "Wilber", "Siciliani", "Archie", "Langer", "Lorenz", "Gu", "Bowen")


def posix_example(
    connectivity: Mapping[str, Any],
    *,
    people_dn: str,
    disable: object = "vendor",
    delete: object = "delete",
    max_deletes: int = 100,
) -> dict[str, Any]:
    """Microsoft's OpenLDAP walkthrough, POSIX example, as a dict for ``from_dict``.

    DN ``CN=<UPN prefix>,<people_dn>``; classes ``inetOrgPerson``, ``posixAccount``,
    ``shadowAccount``; ``cn`` from ``displayName``, ``sn``, ``mail`` (matching attribute
    for correlation), ``uid``, ``uidNumber`` (on create), ``gidNumber``, ``homeDirectory``.
    """
    dn = f'Join("", "CN=", Word([userPrincipalName], 1, "@"), ",{people_dn}")'
    return {
        "connectivity": dict(connectivity),
        "object_type": {"target": "inetOrgPerson", "containers": [people_dn]},
        "deprovisioning": {"disable": disable, "delete": delete, "max_deletes": max_deletes},
        "mappings": [
            {"type": "expression", "target": DN_TARGET, "expression": dn},
            {
                "type": "expression",
                "target": "objectClass",
                "expression": 'Split("inetOrgPerson,posixAccount,shadowAccount", ",")',
            },
            {"type": "direct", "source": "displayName", "target": "cn"},
            {"type": "direct", "source": "surname", "target": "sn"},
            {"type": "direct", "source": "mail", "target": "mail", "matching_precedence": 1},
            {"type": "expression", "target": "uid", "expression": _LOGIN},
            {"type": "direct", "source": "employeeId", "target": "uidNumber", "apply": "create"},
            {"type": "constant", "value": "10000", "target": "gidNumber"},
            {
                "type": "expression",
                "target": "homeDirectory",
                "expression": 'Join("", "/home/", Word([userPrincipalName], 1, "@"))',
            },
        ],
    }


def user_record(index: int, *, domain: str = "contoso.lab") -> dict[str, Any]:
    """Generated source user number ``index`` (deterministic)."""
    given = _GIVEN[index % len(_GIVEN)]
    family = _FAMILY[(index // len(_GIVEN)) % len(_FAMILY)]
    login = f"{given[0].lower()}{family.lower()}{index:05d}"
    return {
        "id": f"src-{index:06d}",
        "userPrincipalName": f"{login}@{domain}",
        "displayName": f"{given} {family} {index}",
        "surname": family,
        "mail": f"{login}@{domain}",
        "employeeId": FIRST_UID_NUMBER + index,
    }


def users(count: int, *, domain: str = "contoso.lab") -> list[dict[str, Any]]:
    """``count`` generated source users."""
    return [user_record(index, domain=domain) for index in range(count)]


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, Mapping):
        inner = ", ".join(f"{key} = {_toml_value(item)}" for key, item in value.items())
        return "{ " + inner + " }"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def to_toml(config: Mapping[str, Any]) -> str:
    """A config dict as TOML text: sections, and ``[[mappings]]`` arrays of tables."""
    lines: list[str] = []
    for section, body in config.items():
        if isinstance(body, list):
            for table in body:
                lines.append(f"[[{section}]]")
                lines += [f"{key} = {_toml_value(value)}" for key, value in table.items()]
                lines.append("")
            continue
        lines.append(f"[{section}]")
        lines += [f"{key} = {_toml_value(value)}" for key, value in body.items()]
        lines.append("")
    return "\n".join(lines)
