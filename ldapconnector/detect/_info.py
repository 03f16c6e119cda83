"""What detection reports: the vendor, its capabilities and the recommended settings."""

from __future__ import annotations

import enum
import re
from typing import Any, ClassVar

import attrs

from ldapconnector.detect._delta_source import (
    DeltaSource,
    as_delta_source,
    delta_sources_tuple,
)
from ldapconnector.detect._rootdse import RootDSE
from ldapconnector.errors import DetectionError
from ldapconnector.model import ServerCertificate

__all__ = [
    "Confidence",
    "DisableMethod",
    "FeatureCheck",
    "NamedOid",
    "ServerInfo",
    "Vendor",
    "as_vendor",
]


_VENDOR_VALUE = re.compile(r"[a-z0-9][a-z0-9._+-]*")


def _check_vendor_value(_instance: object, _attribute: object, value: str) -> None:
    if not isinstance(value, str) or not _VENDOR_VALUE.fullmatch(value):
        raise DetectionError(
            f"vendor value {value!r}: must be lower-case letters, digits and . _ + - "
            "(e.g. 'in-house'), starting with a letter or digit"
        )


@attrs.frozen
class Vendor:
    """A directory server family: an open value, with the built-in families as constants.

    ``Vendor.OPENLDAP`` ... ``Vendor.UNKNOWN`` are the families the built-in rules table
    tells apart (their ``value`` strings are a contract); a vendor rule for a product the
    table does not know names its own (``Vendor("in-house")``). Two vendors are equal when
    their values are; :meth:`of` returns the built-in constant for a built-in value, so
    ``info.vendor is Vendor.OPENLDAP`` keeps working.

    Attributes:
        value: the family's name as reported (``fingerprint --json`` ``"vendor"``).

    Raises:
        DetectionError: the value is not a lower-case name (letters, digits, ``._+-``).
    """

    value: str = attrs.field(validator=_check_vendor_value)

    OPENLDAP: ClassVar[Vendor]
    AD_LDS: ClassVar[Vendor]
    AD_DS: ClassVar[Vendor]
    DS389: ClassVar[Vendor]
    APACHEDS: ClassVar[Vendor]
    IBM_SDS: ClassVar[Vendor]
    ISODE: ClassVar[Vendor]
    EDIRECTORY: ClassVar[Vendor]
    OPENDJ: ClassVar[Vendor]
    OPENDS: ClassVar[Vendor]
    ORACLE_DSEE: ClassVar[Vendor]
    RADIANTONE: ClassVar[Vendor]
    UNKNOWN: ClassVar[Vendor]

    def __str__(self) -> str:
        return self.value

    @classmethod
    def builtins(cls) -> tuple[Vendor, ...]:
        """The built-in families, in the rules table's order, ``UNKNOWN`` last."""
        return _BUILTIN_VENDORS

    @classmethod
    def of(cls, value: Vendor | str) -> Vendor:
        """Return the vendor named ``value``: the built-in constant when there is one."""
        vendor = value if isinstance(value, Vendor) else cls(value)
        return next((b for b in _BUILTIN_VENDORS if b == vendor), vendor)

    @property
    def is_builtin(self) -> bool:
        """Whether this is one of the families the built-in rules table knows."""
        return self in _BUILTIN_VENDORS


_BUILTIN_NAMES = (
    ("OPENLDAP", "openldap"),
    ("AD_LDS", "ad-lds"),
    ("AD_DS", "ad-ds"),
    ("DS389", "389ds"),
    ("APACHEDS", "apacheds"),
    ("IBM_SDS", "ibm-sds"),
    ("ISODE", "isode"),
    ("EDIRECTORY", "edirectory"),
    ("OPENDJ", "opendj"),
    ("OPENDS", "opends"),
    ("ORACLE_DSEE", "oracle-dsee"),
    ("RADIANTONE", "radiantone"),
    ("UNKNOWN", "unknown"),
)
for _constant, _value in _BUILTIN_NAMES:
    setattr(Vendor, _constant, Vendor(_value))
_BUILTIN_VENDORS: tuple[Vendor, ...] = tuple(
    getattr(Vendor, constant) for constant, _ in _BUILTIN_NAMES
)


def as_vendor(value: Vendor | str) -> Vendor:
    """Return the vendor ``value`` names, the built-in constant when there is one."""
    return Vendor.of(value)


class Confidence(enum.Enum):
    """How sure detection is about the vendor."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    NONE = "none"

    def lowered(self) -> Confidence:
        """Return the next lower level (conflicting evidence costs one step)."""
        order = [Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW, Confidence.LOW]
        if self is Confidence.NONE:
            return self
        return order[order.index(self) + 1]


@attrs.frozen(kw_only=True)
class NamedOid:
    """An OID from the Root DSE with its name when the OID table knows it."""

    oid: str
    name: str | None = None

    def __str__(self) -> str:
        return f"{self.oid} ({self.name})" if self.name else self.oid


@attrs.frozen(kw_only=True)
class FeatureCheck:
    """Whether one feature the connector relies on is advertised.

    Attributes:
        name: what the feature is for ("Paged results or VLV + sort", ...).
        present: whether the Root DSE advertises it.
        oids: the OIDs that satisfy it (any one group of them).
        note: what happens without it.
    """

    name: str
    present: bool
    oids: tuple[str, ...]
    note: str = ""


@attrs.frozen(kw_only=True)
class DisableMethod:
    """How to disable an account instead of deleting it.

    Attributes:
        attribute: the attribute to set.
        value: the value that means "disabled".
        description: what it needs or how it behaves (e.g. "needs the ppolicy overlay").
    """

    attribute: str
    value: str
    description: str = ""


def _oids_json(items: tuple[NamedOid, ...]) -> list[dict[str, str | None]]:
    return [{"oid": item.oid, "name": item.name} for item in items]


@attrs.frozen(kw_only=True)
class ServerInfo:
    """Everything detection learned about a server from its Root DSE (and schema).

    Attributes:
        vendor: the server family; ``Vendor.UNKNOWN`` is an answer, not an error.
        product: the product name ("OpenLDAP", "Samba", "Red Hat Directory Server", ...).
        version: the version the server publishes, or None.
        confidence: how sure the vendor is.
        evidence: human-readable reasons, signals first, then recommendations.
        conflicts: evidence that pointed at another vendor (lowered the confidence).
        anchor: the recommended anchor attribute ("entryUUID", "objectGUID", "dn", ...).
        anchor_alternatives: other anchors the server offers, best first.
        delta_source: the recommended delta-import source, or None when nothing is known.
        delta_sources: every delta source the server offers (trusted), best first.
        change_log_dn: the change log to read for ``delta_source``, when it has one.
        disable_method: how to disable instead of delete, when the vendor has one.
        naming_contexts: every naming context the Root DSE lists.
        default_partitions: naming contexts holding data (config, schema and change-log
            contexts removed), the default for the connector's partitions.
        subschema_dn: the subschema entry's DN.
        supported_controls: ``supportedControl`` with names.
        supported_extensions: ``supportedExtension`` with names.
        supported_features: ``supportedFeatures`` with names.
        supported_capabilities: ``supportedCapabilities`` (AD) with names.
        sasl_mechanisms: ``supportedSASLMechanisms``.
        ldap_versions: ``supportedLDAPVersion``.
        mandatory_features: the features the connector relies on, found or not.
        certificate: the TLS certificate, filled in by live detection only.
        root_dse: the Root DSE the report was made from.
    """

    vendor: Vendor = attrs.field(converter=as_vendor)
    product: str | None
    version: str | None
    confidence: Confidence
    evidence: tuple[str, ...]
    conflicts: tuple[str, ...] = ()
    anchor: str = "dn"
    anchor_alternatives: tuple[str, ...] = ()
    delta_source: DeltaSource | None = attrs.field(
        default=None, converter=attrs.converters.optional(as_delta_source)
    )
    delta_sources: tuple[DeltaSource, ...] = attrs.field(default=(), converter=delta_sources_tuple)
    change_log_dn: str | None = None
    disable_method: DisableMethod | None = None
    naming_contexts: tuple[str, ...] = ()
    default_partitions: tuple[str, ...] = ()
    subschema_dn: str | None = None
    supported_controls: tuple[NamedOid, ...] = ()
    supported_extensions: tuple[NamedOid, ...] = ()
    supported_features: tuple[NamedOid, ...] = ()
    supported_capabilities: tuple[NamedOid, ...] = ()
    sasl_mechanisms: tuple[str, ...] = ()
    ldap_versions: tuple[str, ...] = ()
    mandatory_features: tuple[FeatureCheck, ...] = ()
    certificate: ServerCertificate | None = None
    root_dse: RootDSE = attrs.field(factory=RootDSE, repr=False)

    @property
    def features_found(self) -> tuple[FeatureCheck, ...]:
        """Mandatory features the server advertises."""
        return tuple(f for f in self.mandatory_features if f.present)

    @property
    def features_missing(self) -> tuple[FeatureCheck, ...]:
        """Mandatory features the server does not advertise."""
        return tuple(f for f in self.mandatory_features if not f.present)

    def with_certificate(self, certificate: ServerCertificate | None) -> ServerInfo:
        """Return a copy carrying the server certificate (for live detection)."""
        return attrs.evolve(self, certificate=certificate)

    def to_json_dict(self) -> dict[str, Any]:
        """Return the ``fingerprint --json`` / ``probe --json`` document."""
        disable = self.disable_method
        return {
            "vendor": self.vendor.value,
            "product": self.product,
            "version": self.version,
            "confidence": self.confidence.value,
            "evidence": list(self.evidence),
            "conflicts": list(self.conflicts),
            "anchor": self.anchor,
            "anchor_alternatives": list(self.anchor_alternatives),
            "delta_source": self.delta_source.value if self.delta_source else None,
            "delta_sources": [s.value for s in self.delta_sources],
            "change_log_dn": self.change_log_dn,
            "disable_method": attrs.asdict(disable) if disable else None,
            "naming_contexts": list(self.naming_contexts),
            "default_partitions": list(self.default_partitions),
            "subschema_dn": self.subschema_dn,
            "supported_controls": _oids_json(self.supported_controls),
            "supported_extensions": _oids_json(self.supported_extensions),
            "supported_features": _oids_json(self.supported_features),
            "supported_capabilities": _oids_json(self.supported_capabilities),
            "sasl_mechanisms": list(self.sasl_mechanisms),
            "ldap_versions": list(self.ldap_versions),
            "mandatory_features": [
                {"name": f.name, "present": f.present, "oids": list(f.oids), "note": f.note}
                for f in self.mandatory_features
            ],
            "certificate": self.certificate.to_json_dict() if self.certificate else None,
        }
