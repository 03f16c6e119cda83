"""Which attributes live detection must ask for by name (RFC 4512 §5.1, MS-ADTS 3.1.1.3.2).

A plain ``(objectClass=*)`` base search of the Root DSE returns the user attributes, and
``+`` adds the operational ones on servers that implement RFC 3673; but Active Directory,
Samba and several others return some attributes only when they are named. The lists are
derived from the rules table so that a new signal is requested as soon as it is written.
"""

from __future__ import annotations

from ldapconnector.detect._ruleset import VendorRules, default_rules
from ldapconnector.detect._ruletypes import SignalKind
from ldapconnector.detect._tables import (
    DELTA_EVIDENCE,
    NON_DATA_CONTEXTS,
    ROOT_DSE_BASE_ATTRIBUTES,
)

__all__ = ["root_dse_attributes_to_request", "schema_attributes_to_request"]

_SUBSCHEMA_ATTRIBUTES = (
    "objectClasses",
    "attributeTypes",
    "ldapSyntaxes",
    "matchingRules",
    "matchingRuleUse",
    # AD and Samba say which auxiliary classes a structural class takes only here.
    "dITContentRules",
)


def _from_tables(rules: VendorRules) -> list[str]:
    names: list[str] = []
    for rule in rules:
        names += [s.value for s in rule.signals if s.kind is SignalKind.ATTRIBUTE]
        names += [v.attribute for v in rule.versions]
    for _source, signals in DELTA_EVIDENCE:
        names += [s.value for s in signals if s.kind is SignalKind.ATTRIBUTE]
    names += [r.attribute for r in NON_DATA_CONTEXTS if r.attribute]
    return names


def root_dse_attributes_to_request(rules: VendorRules | None = None) -> tuple[str, ...]:
    """Return the attribute list for the live Root DSE read, ``*`` and ``+`` first.

    Every Root DSE attribute the rules table looks at is named explicitly, because AD and
    Samba return e.g. ``supportedCapabilities``, ``highestCommittedUSN``,
    ``dsServiceName``, ``isGlobalCatalogReady`` and ``vendorVersion`` only when asked.
    Names are unique case-insensitively, in first-seen order.

    Args:
        rules: the vendor rules detection will evaluate (the built-in table when None),
            so that a custom rule's Root DSE attributes are asked for too.
    """
    seen: dict[str, str] = {}
    for name in (
        *ROOT_DSE_BASE_ATTRIBUTES,
        *_from_tables(default_rules() if rules is None else rules),
    ):
        seen.setdefault(name.lower(), name)
    return tuple(seen.values())


def schema_attributes_to_request() -> tuple[str, ...]:
    """Return the subschema attributes to read for schema probes (RFC 4512 §4.2).

    AD and Samba return the schema attributes of the subschema entry only when they are
    named, so they are always listed explicitly.
    """
    return _SUBSCHEMA_ATTRIBUTES
