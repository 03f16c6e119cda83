"""Directory entry <-> SCIM User document, and SCIM document -> export source record.

Pure functions over a :class:`~ldapconnector.scim._view.UserView`: the bridge reads an
entry into the JSON document scim2-models validates, and turns the new state of a user
(after a POST, PUT or PATCH) into the source record the export runs on. Values convert
by the attribute's SCIM type: Boolean ``TRUE``/``FALSE`` <-> true/false, integers,
GeneralizedTime <-> ``dateTime``, binary as base64.
"""

from __future__ import annotations

import base64
import binascii
import datetime
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ldapconnector.anchors import Anchor, AnchorKind, AnchorStrategy
from ldapconnector.config import DN_TARGET
from ldapconnector.errors import InvalidRequestError
from ldapconnector.model import Value
from ldapconnector.scim._settings import BridgeMode
from ldapconnector.scim._view import (
    DN_SOURCE,
    ECMA_EXTENSION,
    ENTERPRISE_EXTENSION,
    USER_SCHEMA,
    CorePath,
    ExtensionAttribute,
    ScimType,
    UserView,
)

__all__ = [
    "CachedUser",
    "anchor_for_id",
    "resource_document",
    "scim_id",
    "source_record",
]


@attrs.frozen(kw_only=True)
class CachedUser:
    """One directory entry as the connector space holds it for the bridge.

    Attributes:
        anchor: its anchor (the SCIM ``id``).
        dn: its DN.
        attributes: attribute name (lower case) -> values.
        disabled: the disable flow has been applied to it.
    """

    anchor: Anchor
    dn: str
    attributes: Mapping[str, tuple[Value, ...]]
    disabled: bool = False

    def values(self, name: str) -> tuple[Value, ...]:
        """The values of an attribute (case-insensitive name)."""
        return self.attributes.get(name.lower(), ())

    def texts(self, name: str) -> tuple[str, ...]:
        """The values as text."""
        return tuple(
            v if isinstance(v, str) else v.decode("utf-8", "replace") for v in self.values(name)
        )


def scim_id(anchor: Anchor) -> str:
    """The SCIM ``id`` of an entry: its anchor value, URL-safe.

    UUID and GUID anchors are URL-safe already; a DN anchor is base64url-encoded
    (unpadded), so ``/Users/{id}`` never holds a comma or an equals sign.
    """
    if anchor.kind is AnchorKind.DN:
        return base64.urlsafe_b64encode(anchor.value.encode("utf-8")).decode("ascii").rstrip("=")
    return anchor.value


def anchor_for_id(kind: AnchorKind | AnchorStrategy, resource_id: str) -> Anchor | None:
    """The anchor a SCIM ``id`` names, or None when it cannot be one (so: 404).

    ``kind`` is the anchor's strategy (a plug-in's kind needs it) or a built-in kind.
    """
    named = kind.kind if isinstance(kind, AnchorStrategy) else kind
    try:
        if named == AnchorKind.DN:
            padded = resource_id + "=" * (-len(resource_id) % 4)
            text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
        else:
            text = resource_id
        return Anchor.parse(kind, text)
    except (InvalidRequestError, ValueError, UnicodeError, binascii.Error):
        return None


def _generalized_to_iso(text: str) -> str | None:
    """``20261206220000Z`` (RFC 4517 GeneralizedTime, UTC) -> ISO 8601, or None."""
    for layout in ("%Y%m%d%H%M%SZ", "%Y%m%d%H%M%S.%fZ", "%Y%m%d%H%MZ"):
        try:
            moment = datetime.datetime.strptime(text, layout).replace(tzinfo=datetime.UTC)
        except ValueError:
            continue
        return moment.isoformat().replace("+00:00", "Z")
    return None


def _to_scim(value: Value, kind: ScimType) -> Any:
    if kind is ScimType.BINARY:
        raw = value if isinstance(value, bytes) else value.encode("utf-8")
        return base64.b64encode(raw).decode("ascii")
    text = value if isinstance(value, str) else value.decode("utf-8", "replace")
    if kind is ScimType.BOOLEAN:
        return text.upper() == "TRUE"
    if kind is ScimType.INTEGER:
        try:
            return int(text)
        except ValueError:
            return None
    if kind is ScimType.DATETIME:
        return _generalized_to_iso(text)
    return text


def _scim_values(user: CachedUser, attribute: ExtensionAttribute) -> Any:
    if attribute.name == DN_TARGET:
        return user.dn
    values = [_to_scim(v, attribute.type) for v in user.values(attribute.name)]
    values = [v for v in values if v is not None]
    if not values:
        return None
    return values if attribute.multi_valued else values[0]


def _extension_document(user: CachedUser, view: UserView) -> dict[str, Any]:
    document = {}
    for attribute in view.extension:
        if attribute.write_only:
            continue
        value = _scim_values(user, attribute)
        if value is not None:
            document[attribute.name] = value
    return document


def _set_path(document: dict[str, Any], path: CorePath, value: str) -> None:
    if path.path == "emails":
        document["emails"] = [{"value": value, "type": "work", "primary": True}]
        return
    target = document if path.schema == USER_SCHEMA else document.setdefault(path.schema, {})
    head, _, sub = path.path.partition(".")
    if sub:
        target.setdefault(head, {})[sub] = value
    else:
        target[head] = value


def _core_document(user: CachedUser, view: UserView) -> dict[str, Any]:
    document: dict[str, Any] = {}
    if view.mode is BridgeMode.PASS_THROUGH:
        if names := user.texts(view.user_name):
            document["userName"] = names[0]
        if view.external_id and (ids := user.texts(view.external_id)):
            document["externalId"] = ids[0]
        return document
    paths = {p.path: p for p in view.core}
    for path, ldap_attribute in view.returned:
        if values := user.texts(ldap_attribute):
            _set_path(document, paths[path], values[0])
    return document


def resource_document(user: CachedUser, view: UserView) -> dict[str, Any]:
    """The SCIM User document of an entry (``id`` = the URL-safe anchor value)."""
    document = _core_document(user, view)
    schemas = [USER_SCHEMA]
    if ENTERPRISE_EXTENSION in document:
        schemas.append(ENTERPRISE_EXTENSION)
    extension = _extension_document(user, view)
    if extension:
        document[ECMA_EXTENSION] = extension
        schemas.append(ECMA_EXTENSION)
    return {"schemas": schemas, "id": scim_id(user.anchor), **document, "active": not user.disabled}


def _from_iso(text: str) -> str:
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC)
    return moment.strftime("%Y%m%d%H%M%SZ")


def _to_ldap(value: Any, attribute: ExtensionAttribute) -> Any:
    """A SCIM value as the export's source value (text, bytes for binary attributes)."""
    if isinstance(value, list):
        return [_to_ldap(item, attribute) for item in value if item is not None]
    if value is None or (isinstance(value, str) and attribute.type is ScimType.STRING):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # RFC 4517 section 3.3.3
    if attribute.type is ScimType.BINARY:
        return base64.b64decode(str(value), validate=True)
    if attribute.type is ScimType.DATETIME:
        return _from_iso(str(value))
    return str(value)


def _dig(document: Mapping[str, Any], path: CorePath) -> Any:
    if path.path == "emails":
        emails = [e for e in document.get("emails") or () if isinstance(e, Mapping)]
        chosen = [e for e in emails if e.get("type") == "work"] or [
            e for e in emails if e.get("primary")
        ] or emails  # fmt: skip
        return chosen[0].get("value") if chosen else None
    source = document if path.schema == USER_SCHEMA else document.get(path.schema) or {}
    head, _, sub = path.path.partition(".")
    value = source.get(head)
    return value.get(sub) if sub and isinstance(value, Mapping) else value


def _extension_record(document: Mapping[str, Any], view: UserView) -> dict[str, Any]:
    extension = document.get(ECMA_EXTENSION) or {}
    record: dict[str, Any] = {}
    for attribute in view.extension:
        value = _to_ldap(extension.get(attribute.name), attribute)
        if attribute.name == DN_TARGET:
            if value:
                record[DN_SOURCE] = value
        elif value not in (None, []) or not (attribute.write_only or _structural(attribute)):
            record[attribute.name] = value if value != [] else None
    return record


def _structural(attribute: ExtensionAttribute) -> bool:
    # An update without objectClass leaves the classes alone rather than clearing them.
    return attribute.name.lower() == "objectclass"


def source_record(
    document: Mapping[str, Any], view: UserView, source_id: str, *, previous_dn: str | None = None
) -> dict[str, Any]:
    """The export's source record for the new state of a user.

    Args:
        document: the User document (JSON, by alias) after the request was applied.
        view: the connector's view.
        source_id: the record's ``id`` (the link store's source id).
        previous_dn: the entry's DN, used as ``-dn-`` when the document has none.

    Raises:
        ValueError: a value cannot be converted (a bad base64 or date); the message
            names the attribute.
    """
    record: dict[str, Any] = {"id": source_id}
    try:
        record.update(_extension_record(document, view))
    except (ValueError, binascii.Error) as error:
        raise ValueError(f"{ECMA_EXTENSION}: {error}") from None
    if view.mode is BridgeMode.PASS_THROUGH:
        _pass_through_core(record, document, view)
    else:
        record.update({path.source: _dig(document, path) for path in view.core})
    if previous_dn is not None and DN_SOURCE not in record:
        record[DN_SOURCE] = previous_dn
    if document.get("active") is False:
        record["isSoftDeleted"] = True
    return record


def _pass_through_core(record: dict[str, Any], document: Mapping[str, Any], view: UserView) -> None:
    # The extension's value of the same LDAP attribute wins: Entra sends the extension.
    pairs: Sequence[tuple[str | None, str]] = (
        (view.user_name, "userName"),
        (view.external_id, "externalId"),
    )
    present = {key.lower() for key, value in record.items() if value is not None}
    for ldap_attribute, key in pairs:
        if ldap_attribute is not None and ldap_attribute.lower() not in present:
            record[ldap_attribute] = document.get(key)
