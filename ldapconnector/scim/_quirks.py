"""What Entra ID and Okta send that scim2-models' grammar refuses, rewritten first.

Pure text and JSON rewrites, applied to a request before scim2-server parses it:

- attribute names outside RFC 7644's ``ATTRNAME`` grammar (the ECMA host's ``-dn-``,
  ``_distinguishedName``) become the alias the models know (``dn``), in filters and
  PATCH paths;
- unquoted filter values (``externalId eq jyoung``, Microsoft's own example 1) are quoted;
- a PATCH operation without a path whose value holds dotted or URN-qualified keys
  (Entra's newer batched form, ``"name.givenName"``, ``"urn:...:User:employeeNumber"``)
  becomes one operation per key, each with that key as its path;
- ``"True"``/``"False"`` strings for ``active`` become booleans (Entra without the
  ``aadOptscim062020`` flag, and always on on-demand provisioning);
- a single value for a multi-valued extension attribute (Entra sends ``cn`` as a
  string; LDAP's ``cn`` is multi-valued) becomes a one-element list, in POST/PUT bodies
  and PATCH values;
- a POST/PUT without ``active`` means an active user (the schema requires it);
- ``null`` and empty-list members of a POST/PUT body (Entra's ``"title": null``, Okta's
  ``"groups": []``) are dropped: absent.

For ``/Groups``: Entra's extra schema URN
(``http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group``) is dropped
from a POST/PUT body, PATCH ops are lower-cased, and the ``id`` (and ``schemas``) in
Okta's no-path ``{"op": "replace", "value": {"id": ..., "displayName": ...}}`` are
dropped (the id cannot change; the rest is applied).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ldapconnector.scim._view import ECMA_EXTENSION, ENTERPRISE_EXTENSION, UserView

__all__ = [
    "ENTRA_GROUP_SCHEMA",
    "normalize_filter",
    "normalize_group",
    "normalize_group_patch",
    "normalize_patch",
    "normalize_resource",
]

#: The schema URN Entra ID adds to a Group it creates (Microsoft's SCIM guide).
ENTRA_GROUP_SCHEMA = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
_READ_ONLY_KEYS = frozenset({"id", "schemas", "meta"})

_OPERATORS = "eq|ne|co|sw|ew|gt|ge|lt|le"
_UNQUOTED = re.compile(rf"(?i)(\s(?:{_OPERATORS})\s+)([^\s\"()\[\]][^\s()\[\]]*)")
_LITERALS = frozenset({"true", "false", "null"})
_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][+-]?\d+)?$")
_EXTENSIONS = (ECMA_EXTENSION, ENTERPRISE_EXTENSION)


def _renames(view: UserView) -> list[tuple[re.Pattern[str], str]]:
    return [
        (re.compile(rf"(?:(?<=^)|(?<=[\s(:\[]))({re.escape(a.name)})(?=$|[\s.\[\])])"), a.alias)
        for a in view.extension
        if a.alias != a.name
    ]


def _rename(text: str, view: UserView) -> str:
    for pattern, alias in _renames(view):
        text = pattern.sub(alias, text)
    return text


def _quote(match: re.Match[str]) -> str:
    value = match.group(2)
    if value.lower() in _LITERALS or _NUMBER.match(value):
        return match.group(0)
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'{match.group(1)}"{escaped}"'


def normalize_filter(text: str, view: UserView) -> str:
    """A filter with ECMA names aliased and bare values quoted (see the module docstring)."""
    return _UNQUOTED.sub(_quote, _rename(text, view))


def _boolean(path: str, value: Any) -> Any:
    if path.rpartition(":")[2].lower() == "active" and isinstance(value, str):
        folded = value.strip().lower()
        if folded in ("true", "false"):
            return folded == "true"
    return value


def _split(op: str, value: Mapping[str, Any], view: UserView) -> Iterable[dict[str, Any]]:
    """A no-path operation as one operation per key; extension objects per sub-key."""
    for key, item in value.items():
        if key in _EXTENSIONS and isinstance(item, Mapping):
            for sub, sub_item in item.items():
                path = _rename(f"{key}:{sub}", view)
                yield {
                    "op": op,
                    "path": path,
                    "value": _listed(path, _boolean(path, sub_item), view),
                }
        elif key != "schemas":
            path = _rename(key, view)
            yield {"op": op, "path": path, "value": _boolean(path, item)}


def _multi_valued(path: str, view: UserView) -> bool:
    name = path.rpartition(":")[2] if path.startswith(ECMA_EXTENSION) else path
    attribute = view.extension_attribute(name)
    return attribute is not None and attribute.multi_valued


def _listed(path: str, value: Any, view: UserView) -> Any:
    if value is not None and not isinstance(value, list) and _multi_valued(path, view):
        return [value]
    return value


def _operation(operation: Any, view: UserView) -> list[Any]:
    if not isinstance(operation, Mapping):
        return [operation]  # scim2-models reports it
    op = operation.get("op")
    op = op.lower() if isinstance(op, str) else op
    path, value = operation.get("path"), operation.get("value")
    if path is None and isinstance(value, Mapping) and op in ("add", "replace"):
        return list(_split(op, value, view))
    fixed = {**operation, "op": op}
    if isinstance(path, str):
        fixed["path"] = _rename(path, view)
        if "value" in operation:
            fixed["value"] = _listed(path, _boolean(path, value), view)
    return [fixed]


def normalize_patch(body: Any, view: UserView) -> Any:
    """A PatchOp body with Entra's and Okta's forms rewritten (see the module docstring)."""
    if not isinstance(body, Mapping) or not isinstance(body.get("Operations"), list):
        return body
    operations = [fixed for op in body["Operations"] for fixed in _operation(op, view)]
    return {**body, "Operations": operations}


def normalize_resource(body: Any, view: UserView) -> Any:
    """A POST/PUT User body with nulls and empty lists dropped, extension scalars listed."""
    if not isinstance(body, Mapping):
        return body
    fixed = {key: value for key, value in body.items() if value is not None and value != []}
    extension = fixed.get(ECMA_EXTENSION)
    if isinstance(extension, Mapping):
        fixed[ECMA_EXTENSION] = {
            key: _listed(key, value, view) for key, value in extension.items() if value is not None
        }
    active = _boolean("active", fixed.get("active", True))
    fixed["active"] = active  # required by the schema; a POST without it means active
    return fixed


def normalize_group(body: Any) -> Any:
    """A POST/PUT Group body without Entra's extra schema URN, nulls dropped."""
    if not isinstance(body, Mapping):
        return body
    fixed = {key: value for key, value in body.items() if value is not None}
    schemas = fixed.get("schemas")
    if isinstance(schemas, list):
        fixed["schemas"] = [s for s in schemas if s != ENTRA_GROUP_SCHEMA]
    return fixed


def _group_operation(operation: Any) -> Any:
    if not isinstance(operation, Mapping):
        return operation  # scim2-models reports it
    op = operation.get("op")
    fixed = {**operation, "op": op.lower() if isinstance(op, str) else op}
    value = operation.get("value")
    if operation.get("path") is None and isinstance(value, Mapping):
        fixed["value"] = {k: v for k, v in value.items() if k not in _READ_ONLY_KEYS}
    return fixed


def normalize_group_patch(body: Any) -> Any:
    """A Group PatchOp body with ops lower-cased and Okta's no-path ``id`` dropped."""
    if not isinstance(body, Mapping) or not isinstance(body.get("Operations"), list):
        return body
    return {**body, "Operations": [_group_operation(op) for op in body["Operations"]]}
