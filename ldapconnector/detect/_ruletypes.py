"""The vocabulary of the rules table: signals, weights and per-vendor recommendations.

A :class:`Signal` is one observable fact ("vendorName matches '389 Project'", "the schema
defines ``olcGlobal``"). Each vendor rule lists the signals that point at it, weighted; the
engine in ``_fingerprint.py`` adds up the weights and never trusts a single weak signal.
Every class here is plain data so that ``docs/vendors.md`` can be generated from the table.
"""

from __future__ import annotations

import enum
import re

import attrs

from ldapconnector.detect._delta_source import DeltaSource, delta_sources_tuple
from ldapconnector.detect._info import DisableMethod, Vendor, as_vendor
from ldapconnector.detect._oids import oid_name
from ldapconnector.detect._rootdse import RootDSE, lower_set
from ldapconnector.detect._schemanames import SchemaNames

__all__ = [
    "AnchorCandidate",
    "AnchorCheck",
    "ContextRule",
    "FeatureRequirement",
    "ProductRule",
    "Signal",
    "SignalKind",
    "VendorRule",
    "VersionRule",
    "Weight",
]


class SignalKind(enum.Enum):
    """What a signal looks at."""

    VENDOR_NAME = "vendorName"
    VENDOR_VERSION = "vendorVersion"
    OBJECT_CLASS = "Root DSE objectClass"
    ATTRIBUTE = "Root DSE attribute"
    NAMING_CONTEXT = "naming context"
    CAPABILITY = "supportedCapabilities"
    CONTROL = "supportedControl"
    EXTENSION = "supportedExtension"
    FEATURE = "supportedFeatures"
    SASL = "supportedSASLMechanisms"
    SCHEMA_OBJECT_CLASS = "schema object class"
    SCHEMA_ATTRIBUTE = "schema attribute type"

    @property
    def needs_schema(self) -> bool:
        """Whether the signal is a schema probe."""
        return self in (SignalKind.SCHEMA_OBJECT_CLASS, SignalKind.SCHEMA_ATTRIBUTE)

    @property
    def is_brand(self) -> bool:
        """Whether the signal reads the vendor strings, which a rebrand or an ACI changes."""
        return self in (SignalKind.VENDOR_NAME, SignalKind.VENDOR_VERSION)


class Weight(enum.IntEnum):
    """How much a matching signal counts."""

    HINT = 1
    """Shared by several products or easy to fake (a control OID, a common attribute)."""
    STRONG = 3
    """Names the product but can be hidden or changed (vendorName, a unique attribute)."""
    DECISIVE = 5
    """Only this product produces it (OpenLDAProotDSE, the AD LDS capability)."""


_OID_KINDS = {
    SignalKind.CAPABILITY: "supportedCapabilities",
    SignalKind.CONTROL: "supportedControl",
    SignalKind.EXTENSION: "supportedExtension",
    SignalKind.FEATURE: "supportedFeatures",
}


def _glob(pattern: str, candidates: tuple[str, ...] | frozenset[str]) -> str | None:
    # A trailing "*" makes a prefix match; everything else is a case-insensitive equality.
    wanted = pattern.lower()
    if wanted.endswith("*"):
        hits = sorted(c for c in candidates if c.lower().startswith(wanted[:-1]))
        return hits[0] if hits else None
    for candidate in candidates:
        if candidate.lower() == wanted:
            return candidate
    return None


@attrs.frozen(kw_only=True)
class Signal:
    """One observable fact that points at a vendor.

    Attributes:
        kind: where to look.
        value: a regular expression (vendorName, vendorVersion, naming context: searched
            case-insensitively; naming contexts must match whole), or a name/OID (a trailing
            ``*`` makes it a prefix).
        weight: how much it counts.
    """

    kind: SignalKind
    value: str
    weight: Weight = Weight.HINT

    def describe(self) -> str:
        """Return the rule as documentation text."""
        if self.kind in (SignalKind.VENDOR_NAME, SignalKind.VENDOR_VERSION):
            return f"{self.kind.value} ~ `{self.value}`"
        name = oid_name(self.value) if self.kind in _OID_KINDS else None
        suffix = f" ({name})" if name else ""
        return f"{self.kind.value} `{self.value}`{suffix}"

    def match(self, root: RootDSE, schema: SchemaNames | None) -> str | None:
        """Return an evidence phrase when the signal is present, else None."""
        kind = self.kind
        if kind in (SignalKind.VENDOR_NAME, SignalKind.VENDOR_VERSION):
            text = root.vendor_name if kind is SignalKind.VENDOR_NAME else root.vendor_version
            if text is not None and re.search(self.value, text, re.IGNORECASE):
                return f"{kind.value} is {text!r}"
            return None
        if kind.needs_schema:
            return self._match_schema(schema)
        return self._match_root(root)

    def _match_root(self, root: RootDSE) -> str | None:
        kind = self.kind
        if kind is SignalKind.OBJECT_CLASS:
            hit = _glob(self.value, root.object_classes)
            return f"Root DSE objectClass {hit}" if hit else None
        if kind is SignalKind.ATTRIBUTE:
            return f"Root DSE has {self.value}" if root.has(self.value) else None
        if kind is SignalKind.NAMING_CONTEXT:
            for context in root.naming_contexts:
                if re.fullmatch(self.value, context, re.IGNORECASE):
                    return f"naming context {context!r}"
            return None
        if kind is SignalKind.SASL:
            hit = _glob(self.value, root.supported_sasl_mechanisms)
            return f"SASL mechanism {hit}" if hit else None
        hit = _glob(self.value, root.oids(_OID_KINDS[kind]))
        if hit is None:
            return None
        name = oid_name(hit)
        return f"{kind.value} {hit}" + (f" ({name})" if name else "")

    def _match_schema(self, schema: SchemaNames | None) -> str | None:
        if schema is None:
            return None
        if self.kind is SignalKind.SCHEMA_OBJECT_CLASS:
            hit = _glob(self.value, schema.object_classes)
            return f"schema defines object class {hit}" if hit else None
        hit = _glob(self.value, schema.attribute_types)
        return f"schema defines attribute type {hit}" if hit else None


@attrs.frozen(kw_only=True)
class ProductRule:
    """A product within a vendor family, recognised when any of its signals is present."""

    product: str
    signals: tuple[Signal, ...]


@attrs.frozen(kw_only=True)
class VersionRule:
    """Where the version comes from.

    Attributes:
        attribute: the Root DSE attribute to read.
        pattern: a regular expression searched in its first value; the ``version`` group
            (or the whole match) is the version.
        labels: exact values mapped to a readable version (AD functional levels).
    """

    attribute: str
    pattern: str = r".+"
    labels: tuple[tuple[str, str], ...] = ()

    def extract(self, root: RootDSE) -> str | None:
        """Return the version this rule finds in the Root DSE, or None."""
        text = root.first(self.attribute)
        if text is None:
            return None
        text = text.strip()
        for raw, label in self.labels:
            if text == raw:
                return label
        match = re.search(self.pattern, text, re.IGNORECASE)
        if match is None:
            return None
        found = match.groupdict().get("version") or match.group(0)
        return found.strip() or None


class AnchorCheck(enum.Enum):
    """How an anchor candidate is verified before it is recommended."""

    NONE = "none"
    """Always available on this vendor."""
    SCHEMA_IF_GIVEN = "schema-if-given"
    """Recommended unless a schema was given and does not define it."""
    SCHEMA_REQUIRED = "schema-required"
    """Recommended only when a given schema defines it."""


@attrs.frozen(kw_only=True)
class AnchorCandidate:
    """An anchor attribute a vendor offers, in order of preference.

    Attributes:
        attribute: the anchor attribute ("dn" for the DN itself).
        check: how to verify it.
        min_version: the first version that has it (compared numerically), when known.
        note: why (shown as evidence and in the docs).
    """

    attribute: str
    check: AnchorCheck = AnchorCheck.NONE
    min_version: str | None = None
    note: str = ""


@attrs.frozen(kw_only=True)
class VendorRule:
    """Everything the table knows about one vendor.

    Attributes:
        vendor: the vendor.
        product: the default product name.
        signals: the evidence that points at this vendor.
        products: products within the family, first match wins.
        versions: where the version comes from, first hit wins.
        anchors: anchor candidates, best first (the last one should need no check).
        delta: delta sources this vendor really implements, best first. A kind the
            evidence table cannot probe (a plug-in reader's ``DeltaSource("auditlog")``)
            is offered whenever the rule matches a non-empty Root DSE: the rule vouches.
        change_log: the usual change-log DN, when the vendor has one; for a plug-in kind,
            the ``change_log_dn`` detection reports when that kind is chosen.
        delta_note: why other advertised sources are not used.
        disable: how to disable an account, when there is a standard way.
        notes: extra documentation text.
        sources: where the facts come from (for the generated docs).
        publishes_vendor_strings: whether the product normally publishes
            ``vendorName``/``vendorVersion`` (RFC 3045). When it does but neither matches
            one of the rule's brand signals (hidden, or a rebuild under another name),
            the answer rests on what a rebrand keeps (OID families, Root DSE attribute
            names, schema markers) and costs one confidence level.
    """

    vendor: Vendor = attrs.field(converter=as_vendor)
    product: str
    signals: tuple[Signal, ...]
    products: tuple[ProductRule, ...] = ()
    versions: tuple[VersionRule, ...] = ()
    anchors: tuple[AnchorCandidate, ...] = (AnchorCandidate(attribute="dn"),)
    delta: tuple[DeltaSource, ...] = attrs.field(
        default=(DeltaSource.TIMESTAMPS,), converter=delta_sources_tuple
    )
    delta_note: str = ""
    change_log: str | None = None
    disable: DisableMethod | None = None
    notes: str = ""
    sources: tuple[str, ...] = ()
    publishes_vendor_strings: bool = True

    @property
    def brand_signals(self) -> tuple[Signal, ...]:
        """The signals a rebrand changes: those on ``vendorName``/``vendorVersion``."""
        return tuple(s for s in self.signals if s.kind.is_brand)


@attrs.frozen(kw_only=True)
class ContextRule:
    """A naming context that is not a default partition.

    Attributes:
        reason: why it is left out ("configuration", "change log", ...).
        attribute: a Root DSE attribute whose values name such contexts.
        pattern: or a regular expression the whole DN matches (case-insensitive).
    """

    reason: str
    attribute: str | None = None
    pattern: str | None = None

    def matches(self, context: str, root: RootDSE) -> bool:
        """Whether ``context`` is one of the contexts this rule leaves out."""
        if self.attribute is not None and context.lower() in lower_set(root.get(self.attribute)):
            return True
        return self.pattern is not None and bool(re.fullmatch(self.pattern, context, re.IGNORECASE))


@attrs.frozen(kw_only=True)
class FeatureRequirement:
    """A feature the connector relies on: present when every signal of any group matches."""

    name: str
    groups: tuple[tuple[Signal, ...], ...]
    note: str = ""

    def present(self, root: RootDSE) -> bool:
        """Whether the Root DSE advertises the feature."""
        return any(all(s.match(root, None) for s in group) for group in self.groups)

    @property
    def oids(self) -> tuple[str, ...]:
        """Every OID named by the requirement, in table order."""
        return tuple(s.value for group in self.groups for s in group)
