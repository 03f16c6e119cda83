"""The Root DSE as a frozen value (RFC 4512 §5.1), built tolerantly from a plain mapping.

Servers are sloppy here: attribute names come in any case (``supportedcontrol``), values
repeat (Samba lists controls twice), lists come back empty, and some values are bytes. The
model folds all of that into one canonical shape and remembers what it had to clean up, so
that detection can report it as evidence instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs

__all__ = ["AttributeMap", "RootDSE"]

AttributeMap = Mapping[str, Sequence[str | bytes] | str | bytes]
"""What the pure layers accept: attribute name (any case) -> values (a bare value is one)."""


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value if isinstance(value, str) else str(value)


def _values(raw: object) -> list[str]:
    # Tolerant on purpose: a bare value counts as one, anything else is made text.
    if raw is None:
        return []
    if isinstance(raw, str | bytes) or not isinstance(raw, Iterable):
        return [_text(raw)]
    return [_text(v) for v in raw]


def normalize_attributes(
    mapping: AttributeMap | None,
) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[str, ...]]:
    """Fold a mapping into ``((name, values), ...)`` with case-insensitive names.

    Names keep the spelling of their first occurrence; values are de-duplicated
    case-insensitively in first-seen order; attributes left without values are dropped.

    Returns:
        The attributes in input order, and one message per attribute that had duplicates.
    """
    merged: dict[str, tuple[str, list[str]]] = {}
    dropped: dict[str, int] = {}
    for name, raw in (mapping or {}).items():
        key = str(name).strip().lower()
        if not key:
            continue
        spelled, values = merged.setdefault(key, (str(name).strip(), []))
        seen = {v.lower() for v in values}
        for value in _values(raw):
            if value.lower() in seen:
                dropped[spelled] = dropped.get(spelled, 0) + 1
                continue
            seen.add(value.lower())
            values.append(value)
    pairs = tuple((spelled, tuple(vals)) for spelled, vals in merged.values() if vals)
    notes = tuple(
        f"{name}: {count} duplicate value{'s' if count > 1 else ''} ignored"
        for name, count in dropped.items()
    )
    return pairs, notes


@attrs.frozen(kw_only=True)
class RootDSE:
    """A server's Root DSE: the entry with the empty DN (RFC 4512 §5.1).

    Attributes:
        attributes: ``(name, values)`` pairs; names are unique case-insensitively and keep
            the server's spelling; values are unique and non-empty lists.
        cleanup: what :meth:`from_mapping` had to fix (duplicate values, ...), one message
            per fix.
    """

    attributes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    cleanup: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, mapping: AttributeMap | None) -> RootDSE:
        """Build from ``{attribute name: [values]}`` as a search returned it.

        Args:
            mapping: attribute names in any case; values as ``str`` or ``bytes`` (decoded as
                UTF-8, undecodable bytes replaced), a bare value counting as one.
        """
        pairs, notes = normalize_attributes(mapping)
        return cls(attributes=pairs, cleanup=notes)

    def get(self, name: str) -> tuple[str, ...]:
        """Return the values of ``name`` (case-insensitive), empty when absent."""
        wanted = name.lower()
        for spelled, values in self.attributes:
            if spelled.lower() == wanted:
                return values
        return ()

    def first(self, name: str) -> str | None:
        """Return the first value of ``name``, or None."""
        values = self.get(name)
        return values[0] if values else None

    def has(self, name: str) -> bool:
        """Whether the Root DSE carries ``name`` with at least one value."""
        return bool(self.get(name))

    @property
    def names(self) -> tuple[str, ...]:
        """The attribute names as the server spelled them."""
        return tuple(spelled for spelled, _ in self.attributes)

    @property
    def is_empty(self) -> bool:
        """Whether nothing at all was readable (anonymous access refused, or no entry)."""
        return not self.attributes

    def oids(self, name: str) -> tuple[str, ...]:
        """Return an OID list attribute (``supportedControl``, ...) with blanks removed."""
        return tuple(v.strip() for v in self.get(name) if v.strip())

    @property
    def naming_contexts(self) -> tuple[str, ...]:
        """``namingContexts`` (RFC 4512 §5.1.2); ``""`` stands for the whole tree."""
        return self.get("namingContexts")

    @property
    def subschema_subentry(self) -> str | None:
        """``subschemaSubentry``: the DN of the subschema entry (RFC 4512 §4.2)."""
        return self.first("subschemaSubentry")

    @property
    def supported_controls(self) -> tuple[str, ...]:
        """``supportedControl`` OIDs (RFC 4512 §5.1.4)."""
        return self.oids("supportedControl")

    @property
    def supported_extensions(self) -> tuple[str, ...]:
        """``supportedExtension`` OIDs (RFC 4512 §5.1.5)."""
        return self.oids("supportedExtension")

    @property
    def supported_features(self) -> tuple[str, ...]:
        """``supportedFeatures`` OIDs (RFC 4512 §5.1.6, RFC 3674)."""
        return self.oids("supportedFeatures")

    @property
    def supported_capabilities(self) -> tuple[str, ...]:
        """``supportedCapabilities`` OIDs (Active Directory, MS-ADTS 3.1.1.3.2)."""
        return self.oids("supportedCapabilities")

    @property
    def supported_sasl_mechanisms(self) -> tuple[str, ...]:
        """``supportedSASLMechanisms`` (RFC 4512 §5.1.8)."""
        return tuple(v.strip() for v in self.get("supportedSASLMechanisms") if v.strip())

    @property
    def supported_ldap_versions(self) -> tuple[str, ...]:
        """``supportedLDAPVersion`` (RFC 4512 §5.1.7)."""
        return tuple(v.strip() for v in self.get("supportedLDAPVersion"))

    @property
    def vendor_name(self) -> str | None:
        """``vendorName`` (RFC 3045), when published."""
        return self.first("vendorName")

    @property
    def vendor_version(self) -> str | None:
        """``vendorVersion`` (RFC 3045), when published."""
        return self.first("vendorVersion")

    @property
    def object_classes(self) -> tuple[str, ...]:
        """The Root DSE's own ``objectClass`` values (``OpenLDAProotDSE``, ...)."""
        return self.get("objectClass")


def lower_set(values: Iterable[str]) -> frozenset[str]:
    """Return the values lower-cased, as a set (case-insensitive membership tests)."""
    return frozenset(v.lower() for v in values)
