"""The start-up checks of a configuration against the server's schema, and its options.

Plain functions of the configuration, the schema and the vendor (no I/O): the
:class:`~ldapconnector.connector.Connector` runs them once it has read the schema.
"""

from __future__ import annotations

import difflib

from ldapconnector.anchors import AnchorKind, default_anchors
from ldapconnector.config import ConnectorConfig
from ldapconnector.detect import Vendor
from ldapconnector.schema import ACTIVE_DIRECTORY_SERVER_SUPPLIED, Schema, SchemaOptions

__all__ = ["missing_classes", "schema_options", "unknown_query_attribute"]


# Servers that fill in some MUST attributes themselves on add (MS-ADTS 3.1.1.5.2.2).
_SERVER_SUPPLIED = {
    Vendor.AD_DS: ACTIVE_DIRECTORY_SERVER_SUPPLIED,
    Vendor.AD_LDS: ACTIVE_DIRECTORY_SERVER_SUPPLIED,
}


def missing_classes(config: ConnectorConfig, schema: Schema) -> list[str]:
    """One problem per ``[object_type]`` class (target, auxiliary) the schema lacks.

    A class the server does not know makes every search match nothing, so a full import
    would report 0 objects and succeed; the check turns that into an error at start.
    """
    object_type = config.object_type
    if object_type is None:
        return []
    wanted = [("object_type.target", object_type.target)]
    wanted += [(f"object_type.auxiliary[{i}]", n) for i, n in enumerate(object_type.auxiliary)]
    # Names are case-insensitive: compare folded, suggest the schema's spelling.
    known = {name.lower(): name for cls in schema.object_classes for name in cls.names}
    problems = []
    for path, name in wanted:
        if schema.object_class(name) is None:
            close = difflib.get_close_matches(name.lower(), list(known), n=1, cutoff=0.6)
            hint = f"; did you mean {known[close[0]]!r}?" if close else ""
            problems.append(f"{path}: the server's schema has no object class {name!r}{hint}")
    return problems


def unknown_query_attribute(config: ConnectorConfig, schema: Schema) -> list[str]:
    """The problem of a ``query_attribute`` the schema lacks (a search would find nothing)."""
    query = config.object_type.query_attribute if config.object_type else None
    if not query or schema.attribute(query) is not None:
        return []
    # -dn-, dn and _distinguishedName name the DN, no attribute of the schema.
    dn = default_anchors().get(query)
    if dn is not None and dn.kind == AnchorKind.DN:
        return []
    return [f"object_type.query_attribute: the server's schema has no attribute {query!r}"]


def schema_options(config: ConnectorConfig, vendor: Vendor) -> SchemaOptions:
    """The schema options the configuration asks for, plus what the server fills in."""
    overrides = {a.name for a in config.attributes if a.single_value}
    return SchemaOptions(
        include_operational=config.global_.include_operational_attributes,
        include_extensible=config.global_.include_extensible_attributes,
        binary_aliases=frozenset(config.global_.attribute_aliases),
        single_valued=frozenset(overrides | set(config.global_.single_value_overrides)),
        server_supplied=_SERVER_SUPPLIED.get(vendor, frozenset()),
    )
