"""What a connector shows over SCIM: the attribute table behind schemas and conversions.

A :class:`UserView` is built once per connector from its configuration and the server's
schema: the ECMA2Host extension's attributes (the ``[[attributes]]``, names kept exactly,
``-dn-`` and ``objectClass`` included, types from the LDAP syntaxes), the core
attributes the mode publishes, and the LDAP attributes behind ``userName`` and
``externalId``. The schema documents (``_schemas``) and the conversions (``_convert``)
both read it, so what ``/Schemas`` announces is what the bridge stores.
"""

from __future__ import annotations

import enum
import re

import attrs

from ldapconnector.config import (
    DN_TARGET,
    ApplyWhen,
    ConnectorConfig,
    MappingConfig,
    MappingType,
)
from ldapconnector.schema import Schema, ValueType
from ldapconnector.scim._settings import BridgeMode, EndpointSettings

__all__ = [
    "CORE_PATHS",
    "DN_SOURCE",
    "ECMA_EXTENSION",
    "ENTERPRISE_EXTENSION",
    "USER_SCHEMA",
    "CorePath",
    "ExtensionAttribute",
    "ScimType",
    "UserView",
    "bridge_config",
    "build_view",
]

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_EXTENSION = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
ECMA_EXTENSION = "urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User"
#: The record key (and mapping source) that carries ``-dn-`` in pass-through mode: the
#: mappings' source names must be attribute names, which ``-dn-`` is not.
DN_SOURCE = "scimDN"


class ScimType(enum.Enum):
    """A SCIM attribute type (RFC 7643 section 2.3)."""

    STRING = "string"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    BINARY = "binary"
    DATETIME = "dateTime"


# LDAP syntaxes (RFC 4517 section 3.3) -> SCIM types. DNs are strings (a DN is not a SCIM
# reference to a resource of this service).
_SCIM_TYPES = {
    ValueType.STRING: ScimType.STRING,
    ValueType.DN: ScimType.STRING,
    ValueType.INTEGER: ScimType.INTEGER,
    ValueType.BOOLEAN: ScimType.BOOLEAN,
    ValueType.BINARY: ScimType.BINARY,
    ValueType.GENERALIZED_TIME: ScimType.DATETIME,
}


@attrs.frozen(kw_only=True)
class ExtensionAttribute:
    """One attribute of the ECMA2Host extension: an LDAP attribute under its exact name.

    Attributes:
        name: the LDAP attribute name as configured (``-dn-`` for the DN).
        type: its SCIM type.
        multi_valued: False for single-valued attributes (``single_value`` or the schema).
        required: a ``MUST`` attribute of the configured classes.
        write_only: the password attribute: accepted, never returned.
    """

    name: str
    type: ScimType = ScimType.STRING
    multi_valued: bool = False
    required: bool = False
    write_only: bool = False

    @property
    def alias(self) -> str:
        """The name scim2-models' filter and path grammar accepts (``-dn-`` -> ``dn``)."""
        return self.name.strip("-_")


@attrs.frozen(kw_only=True)
class CorePath:
    """A core (or enterprise) SCIM attribute and its flat source name in mapped mode.

    Attributes:
        path: the SCIM attribute path (``name.familyName``; ``emails`` is the work email).
        source: the source attribute name the ``[[mappings]]`` refer to.
        schema: the schema URN the attribute belongs to.
    """

    path: str
    source: str
    schema: str = USER_SCHEMA


def _core(path: str, source: str | None = None, schema: str = USER_SCHEMA) -> CorePath:
    return CorePath(path=path, source=source or path, schema=schema)


#: The core and enterprise attributes mapped mode understands, with the flat source
#: names a ``[[mappings]]`` table uses for them (docs/scim-bridge.md lists them).
CORE_PATHS: tuple[CorePath, ...] = (
    _core("userName"), _core("externalId"), _core("displayName"), _core("nickName"),
    _core("title"), _core("userType"), _core("preferredLanguage"), _core("locale"),
    _core("timezone"), _core("name.formatted", "formattedName"),
    _core("name.familyName", "familyName"), _core("name.givenName", "givenName"),
    _core("name.middleName", "middleName"), _core("emails", "email"), _core("password"),
    _core("employeeNumber", schema=ENTERPRISE_EXTENSION),
    _core("department", schema=ENTERPRISE_EXTENSION),
    _core("costCenter", schema=ENTERPRISE_EXTENSION),
    _core("organization", schema=ENTERPRISE_EXTENSION),
    _core("division", schema=ENTERPRISE_EXTENSION),
)  # fmt: skip

_REFERENCE = re.compile(r"\[([A-Za-z][A-Za-z0-9-]*)\]")


@attrs.frozen(kw_only=True)
class UserView:
    """The attributes one connector shows and stores (see the module docstring).

    Attributes:
        mode: pass-through or mapped.
        extension: the ECMA2Host extension's attributes.
        core: the core/enterprise attributes published (mapped mode).
        returned: for mapped mode, core path -> the LDAP attribute a direct mapping fills
            (read back on GET; a path filled by an expression is write-only).
        required: core paths whose LDAP attribute a class requires (``MUST``): announced
            as required, so a client cannot remove them.
        user_name: the LDAP attribute behind ``userName`` (pass-through mode).
        external_id: the LDAP attribute behind ``externalId``, if any (pass-through mode).
    """

    mode: BridgeMode
    extension: tuple[ExtensionAttribute, ...]
    core: tuple[CorePath, ...] = ()
    returned: tuple[tuple[str, str], ...] = ()
    required: tuple[str, ...] = ()
    user_name: str = "uid"
    external_id: str | None = None

    def extension_attribute(self, name: str) -> ExtensionAttribute | None:
        """The extension attribute of that name or alias (case-insensitive), or None."""
        folded = name.lower()
        for attribute in self.extension:
            if folded in (attribute.name.lower(), attribute.alias.lower()):
                return attribute
        return None


def _extension_attribute(
    name: str, config: ConnectorConfig, schema: Schema, required: frozenset[str]
) -> ExtensionAttribute:
    if name == DN_TARGET:
        return ExtensionAttribute(name=name)
    info = schema.attribute(name)
    if name.lower() == "objectclass":
        return ExtensionAttribute(name=name, multi_valued=True, required=True)
    if name.lower() == config.global_.password_attribute.lower():
        # A password is sent as text whatever its syntax (userPassword is an octet string).
        return ExtensionAttribute(name=name, write_only=True, required=name.lower() in required)
    value_type = info.value_type if info is not None else ValueType.STRING
    return ExtensionAttribute(
        name=name, type=_SCIM_TYPES[value_type],
        multi_valued=not (info.single_value if info is not None else False),
        required=name.lower() in required,
    )  # fmt: skip


def _required(config: ConnectorConfig, schema: Schema) -> frozenset[str]:
    object_type = config.object_type
    if object_type is None or schema.object_class(object_type.target) is None:
        return frozenset()
    names = schema.required_attributes(object_type.target, auxiliary=object_type.auxiliary)
    return frozenset(name.lower() for name in names)


def _mapped_sources(config: ConnectorConfig) -> set[str]:
    sources = {m.source for m in config.mappings if m.source}
    for mapping in config.mappings:
        sources.update(_REFERENCE.findall(mapping.expression or ""))
    return sources


def build_view(endpoint: EndpointSettings, config: ConnectorConfig, schema: Schema) -> UserView:
    """The view of one connector (the ``[[attributes]]``, the mode, the mappings)."""
    required = _required(config, schema)
    names = [a.name for a in config.attributes]
    if endpoint.mode is BridgeMode.PASS_THROUGH:
        names.insert(0, DN_TARGET)  # the DN is always an attribute of the ECMA host's list
    if endpoint.mode is BridgeMode.MAPPED:
        # What the mappings write is the core attributes' business, not the extension's.
        targets = {m.target.lower() for m in config.mappings}
        names = [name for name in names if name.lower() not in targets]
    extension = tuple(_extension_attribute(n, config, schema, required) for n in names)
    if endpoint.mode is BridgeMode.PASS_THROUGH:
        return UserView(
            mode=endpoint.mode, extension=extension, user_name=endpoint.user_name,
            external_id=endpoint.external_id,
        )  # fmt: skip
    sources = _mapped_sources(config)
    direct = {m.source: m.target for m in config.mappings if m.type is MappingType.DIRECT}
    core = tuple(path for path in CORE_PATHS if path.source in sources)
    returned = tuple((p.path, direct[p.source]) for p in core if p.source in direct)
    must = tuple(path for path, target in returned if target.lower() in required)
    return UserView(
        mode=endpoint.mode, extension=extension, core=core, returned=returned, required=must
    )


def _precedences(config: ConnectorConfig) -> dict[str, int]:
    return {
        m.target.lower(): m.matching_precedence
        for m in config.mappings
        if m.matching_precedence is not None
    }


def _identity(target: str, precedence: int | None) -> MappingConfig:
    source = DN_SOURCE if target == DN_TARGET else target
    return MappingConfig(
        type=MappingType.DIRECT, source=source, target=target, apply=ApplyWhen.ALWAYS,
        matching_precedence=precedence,
    )  # fmt: skip


def bridge_config(endpoint: EndpointSettings, config: ConnectorConfig) -> ConnectorConfig:
    """The connector configuration the bridge exports with.

    Both modes flow nulls (a PUT or PATCH is the whole new state of the user: an
    attribute it lacks is cleared). Mapped mode keeps the mappings and adds a direct one
    per extension attribute (an ``[[attributes]]`` name no mapping targets). Pass-through
    replaces the mappings with one direct mapping per ``[[attributes]]`` name (plus
    ``-dn-`` and the ``userName`` and ``externalId`` attributes), keeping the configured
    matching precedences (or taking the endpoint's ``matching`` list).
    """
    # A PUT or PATCH hands over the whole new state: what it lacks is cleared.
    global_ = attrs.evolve(config.global_, flow_nulls=True)
    if endpoint.mode is BridgeMode.MAPPED:
        # The extension's attributes (those no mapping targets) are written as sent.
        targets = {m.target.lower() for m in config.mappings}
        written = tuple(
            _identity(a.name, None) for a in config.attributes if a.name.lower() not in targets
        )
        return attrs.evolve(config, mappings=config.mappings + written, global_=global_)
    names = [DN_TARGET, *(a.name for a in config.attributes)]
    for extra in (endpoint.user_name, endpoint.external_id):
        if extra is not None and extra.lower() not in {n.lower() for n in names}:
            names.append(extra)
    precedence = _precedences(config)
    for rank, name in enumerate(endpoint.matching, start=1):
        precedence.setdefault(name.lower(), rank)
    mappings = tuple(_identity(name, precedence.get(name.lower())) for name in names)
    return attrs.evolve(config, mappings=mappings, global_=global_)
