"""The frozen :class:`Schema`: parsed definitions plus the questions asked of them.

``Schema.from_subschema`` parses the subschema subentry (RFC 4512 section 4.2) tolerantly;
the other methods answer what a connector needs: which attributes an object class
combination requires and allows, each attribute's value type and cardinality, and whether
an entry fits (``validate``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

import attrs

from ldapconnector.errors import SchemaError
from ldapconnector.model import OBJECT_CLASS_OID
from ldapconnector.schema._index import EXTENSIBLE_OBJECT, Closure, Index
from ldapconnector.schema._model import (
    AnyDefinition,
    AttributeInfo,
    AttributeRequirement,
    AttributeType,
    Definition,
    DitContentRule,
    LdapSyntax,
    MatchingRule,
    MatchingRuleUse,
    ObjectClass,
    ObjectClassKind,
    SchemaOptions,
    SchemaProblem,
    SchemaWarning,
    ValueType,
    WarningKind,
)
from ldapconnector.schema._parser import ELEMENTS, parse_definition
from ldapconnector.schema._resolve import resolve_syntax, with_cross_checks
from ldapconnector.schema._syntaxes import SYNTAXES
from ldapconnector.schema._validate import validate_entry

__all__ = ["Schema"]

_BINARY_FLAGS = ("X-NOT-HUMAN-READABLE", "X-BINARY-TRANSFER-REQUIRED")


def _values_of(subschema: Mapping[str, object]) -> dict[str, list[str]]:
    """Pick the definition attributes out of a subschema entry, names case-insensitive."""
    if not isinstance(subschema, Mapping):
        raise SchemaError(f"a subschema is a mapping of attribute -> values, not {subschema!r:.80}")
    wanted = {element.lower(): element for element in ELEMENTS}
    found: dict[str, list[str]] = {element: [] for element in ELEMENTS}
    for key, values in subschema.items():
        element = wanted.get(str(key).split(";", 1)[0].strip().lower())
        if element is None:
            continue
        if isinstance(values, (str, bytes)):
            values = [values]
        if not isinstance(values, Iterable):
            raise SchemaError(f"{key}: expected a list of definitions, got {values!r:.80}")
        found[element].extend(_as_text(key, value) for value in values)
    if not found["objectClasses"] and not found["attributeTypes"]:
        shown = ", ".join(sorted(map(str, subschema))) or "nothing"
        raise SchemaError(f"not a subschema: no objectClasses or attributeTypes (got {shown})")
    return found


def _as_text(key: object, value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, str):
        return value
    raise SchemaError(f"{key}: a definition must be text, got {value!r:.80}")


_T = TypeVar("_T", bound=Definition)


def _only(definitions: Sequence[AnyDefinition], kind: type[_T]) -> tuple[_T, ...]:
    return tuple(d for d in definitions if isinstance(d, kind))


def _parse_all(
    values: Mapping[str, Sequence[str]],
) -> tuple[dict[str, list[AnyDefinition]], list[SchemaWarning]]:
    """Parse every value; definitions by element, and the warnings of dropped values."""
    parsed: dict[str, list[AnyDefinition]] = {}
    dropped: list[SchemaWarning] = []
    for element, texts in values.items():
        parsed[element] = []
        for text in texts:
            definition, warnings = parse_definition(element, text)
            if definition is None:
                dropped.extend(warnings)
            else:
                parsed[element].append(definition)
    return parsed, dropped


def _user_cannot_set(attribute: AttributeType) -> bool:
    # Active Directory marks objectClass NO-USER-MODIFICATION, yet every add carries it.
    return attribute.no_user_modification and attribute.oid != OBJECT_CLASS_OID


def _as_names(names: str | Iterable[str]) -> tuple[str, ...]:
    return (names,) if isinstance(names, str) else tuple(names)


@attrs.frozen(kw_only=True, repr=False)
class Schema:
    """A directory's schema, read from its subschema subentry (RFC 4512 section 4.2).

    Build it with :meth:`from_subschema`. Names are case-insensitive everywhere; results
    use each definition's canonical spelling (its first ``NAME``).

    Attributes:
        object_classes: the ``objectClasses`` definitions, in the server's order.
        attribute_types: the ``attributeTypes`` definitions.
        ldap_syntaxes: the ``ldapSyntaxes`` definitions.
        matching_rules: the ``matchingRules`` definitions.
        matching_rule_uses: the ``matchingRuleUse`` definitions.
        dit_content_rules: the ``dITContentRules`` definitions.
        warnings: every tolerated quirk, definition by definition (also on each definition).
        options: how attributes are presented and entries checked.
    """

    object_classes: tuple[ObjectClass, ...]
    attribute_types: tuple[AttributeType, ...]
    ldap_syntaxes: tuple[LdapSyntax, ...] = ()
    matching_rules: tuple[MatchingRule, ...] = ()
    matching_rule_uses: tuple[MatchingRuleUse, ...] = ()
    dit_content_rules: tuple[DitContentRule, ...] = ()
    warnings: tuple[SchemaWarning, ...] = ()
    options: SchemaOptions = attrs.field(factory=SchemaOptions)
    _index: Index = attrs.field(eq=False, repr=False, alias="index")
    # Memo of attribute() per description; depends on the options, so never shared.
    _infos: dict[str, AttributeInfo | None] = attrs.field(
        init=False, factory=dict, eq=False, repr=False
    )

    @_index.default
    def _build_index(self) -> Index:
        return Index(
            object_classes=self.object_classes,
            attribute_types=self.attribute_types,
            ldap_syntaxes=self.ldap_syntaxes,
            dit_content_rules=self.dit_content_rules,
        )

    def __repr__(self) -> str:
        return (
            f"<Schema: {len(self.object_classes)} object classes, "
            f"{len(self.attribute_types)} attribute types, {len(self.warnings)} warnings>"
        )

    @classmethod
    def from_subschema(
        cls, subschema: Mapping[str, Sequence[str]], *, options: SchemaOptions | None = None
    ) -> Schema:
        """Parse a subschema subentry's attributes.

        Args:
            subschema: attribute name (case-insensitive: ``objectClasses``,
                ``attributeTypes``, ``ldapSyntaxes``, ``matchingRules``, ``matchingRuleUse``,
                ``dITContentRules``) -> its values. Other attributes are ignored.
            options: presentation and validation settings (defaults when omitted).

        Raises:
            SchemaError: the input is not a subschema at all (no ``objectClasses`` and no
                ``attributeTypes``, or values that are not text). Quirks in single
                definitions are warnings, never errors.
        """
        parsed, dropped = _parse_all(_values_of(subschema))
        checked = with_cross_checks(parsed)
        warnings = [w for element in ELEMENTS for d in checked[element] for w in d.warnings]
        return cls(
            object_classes=_only(checked["objectClasses"], ObjectClass),
            attribute_types=_only(checked["attributeTypes"], AttributeType),
            ldap_syntaxes=_only(checked["ldapSyntaxes"], LdapSyntax),
            matching_rules=_only(checked["matchingRules"], MatchingRule),
            matching_rule_uses=_only(checked["matchingRuleUse"], MatchingRuleUse),
            dit_content_rules=_only(checked["dITContentRules"], DitContentRule),
            warnings=tuple(dropped + warnings),
            options=options or SchemaOptions(),
        )

    def with_options(self, options: SchemaOptions) -> Schema:
        """The same schema with other options (the parsed definitions are shared)."""
        return attrs.evolve(self, options=options, index=self._index)

    def warnings_of(self, kind: WarningKind) -> tuple[SchemaWarning, ...]:
        """The warnings of one kind."""
        return tuple(w for w in self.warnings if w.kind is kind)

    # -- look-ups -------------------------------------------------------------------------

    def object_class(self, name: str) -> ObjectClass | None:
        """The object class with this name, alias or OID (case-insensitive), or None."""
        return self._index.object_class(name)

    def attribute_type(self, name: str) -> AttributeType | None:
        """The attribute type with this name, alias or OID, or None; options are ignored.

        ``userCertificate;binary`` finds ``userCertificate`` (RFC 4512 section 2.5).
        """
        return self._index.attribute_type(name.split(";", 1)[0].strip())

    def superclasses(self, name: str) -> tuple[ObjectClass, ...]:
        """Every superclass of a class, nearest first (RFC 4512 section 2.4.1).

        Raises:
            SchemaError: the class is not defined.
        """
        return self._index.ancestors(self._require_class(name))[0]

    def attribute(self, name: str) -> AttributeInfo | None:
        """What the schema says about an attribute, with inheritance and options applied.

        Args:
            name: an attribute description: a name, alias or OID, optionally with options
                (``userCertificate;binary`` is binary by RFC 4522).

        Returns:
            The resolved details, or None when no attribute type has that name.
        """
        key = name.lower()
        if key not in self._infos:
            self._infos[key] = self._resolve_attribute(name)
        return self._infos[key]

    def _resolve_attribute(self, name: str) -> AttributeInfo | None:
        attribute = self.attribute_type(name)
        if attribute is None:
            return None
        holder = self._index.inherited(attribute)
        syntax = resolve_syntax(holder.syntax) if holder and holder.syntax else None
        binary = ";binary" in name.lower().replace(" ", "")
        return AttributeInfo(
            name=attribute.name,
            oid=attribute.oid,
            value_type=ValueType.BINARY if binary else self._value_type(attribute, syntax),
            syntax=syntax,
            single_value=attribute.single_value
            or attribute.name.lower() in self.options.single_valued
            or any(n.lower() in self.options.single_valued for n in attribute.names),
            operational=attribute.operational,
            no_user_modification=attribute.no_user_modification,
        )

    def _value_type(self, attribute: AttributeType, syntax: str | None) -> ValueType:
        binary_names = self.options.binary_attributes
        if any(n.lower() in binary_names for n in (attribute.oid, *attribute.names)):
            return ValueType.BINARY
        if syntax is None:
            return ValueType.STRING
        known = SYNTAXES.get(syntax)
        if known is not None:
            return known.value_type
        declared = self._index.syntaxes.get(syntax.lower())
        if declared is not None and any(
            "TRUE" in (v.upper() for v in declared.extension(flag)) for flag in _BINARY_FLAGS
        ):
            return ValueType.BINARY
        return ValueType.STRING

    def value_type(self, name: str) -> ValueType:
        """The value type of an attribute (``STRING`` for attributes the schema lacks)."""
        info = self.attribute(name)
        return info.value_type if info is not None else ValueType.STRING

    def is_single_valued(self, name: str) -> bool:
        """Whether an attribute is single-valued in the schema or by configuration."""
        info = self.attribute(name)
        return info is not None and info.single_value

    # -- object class combinations --------------------------------------------------------

    def _require_class(self, name: str) -> ObjectClass:
        cls = self._index.object_class(name)
        if cls is None:
            raise SchemaError(f"object class {name!r} is not defined in the schema")
        return cls

    def _closure(self, structural: str, auxiliary: str | Iterable[str] = ()) -> Closure:
        """MUST/MAY over a structural class, its superclasses and auxiliary classes.

        The structural class's DIT content rule (RFC 4512 section 4.1.6), where the schema
        has one, adds its ``MUST``/``MAY`` and precludes its ``NOT`` attributes. With
        ``include_extensible``, ``extensibleObject`` joins as an auxiliary class.

        Raises:
            SchemaError: a class is not defined.
        """
        aux = [self._require_class(name) for name in _as_names(auxiliary)]
        extensible = self._index.object_class(EXTENSIBLE_OBJECT)
        if self.options.include_extensible and extensible is not None:
            aux.append(extensible)
        return self._index.closure(self._require_class(structural), aux)

    def required_attributes(
        self, structural: str, *, auxiliary: str | Iterable[str] = ()
    ) -> frozenset[str]:
        """The attributes an entry of these classes must have, canonical names.

        The ``MUST`` lists of ``structural``, every superclass, every auxiliary class (and
        their superclasses) and the DIT content rule, plus ``objectClass`` (RFC 4512
        section 2.4). Attributes configured as ``server_supplied`` are left out.

        Raises:
            SchemaError: a class is not defined.
        """
        return frozenset(
            r.name
            for r in self.attribute_requirements(structural, auxiliary=auxiliary)
            if r.required
        )

    def allowed_attributes(
        self, structural: str, *, auxiliary: str | Iterable[str] = ()
    ) -> frozenset[str]:
        """Every attribute an entry of these classes may have: ``MUST`` | ``MAY``.

        When ``extensibleObject`` is among the classes (RFC 4512 section 4.3) that is every
        user attribute type; with ``include_operational`` the operational ones are added.

        Raises:
            SchemaError: a class is not defined.
        """
        return frozenset(
            r.name for r in self.attribute_requirements(structural, auxiliary=auxiliary)
        )

    def allows_any_attribute(self, structural: str, *, auxiliary: str | Iterable[str] = ()) -> bool:
        """Whether ``extensibleObject`` is among the classes, so any attribute is allowed."""
        return self._closure(structural, auxiliary).extensible

    def attribute_requirements(
        self, structural: str, *, auxiliary: str | Iterable[str] = ()
    ) -> tuple[AttributeRequirement, ...]:
        """Each attribute of a class combination, whether it is required, and why.

        Sorted: required attributes first, then by name (case-insensitive).

        Raises:
            SchemaError: a class is not defined.
        """
        closure = self._closure(structural, auxiliary)
        rows: dict[str, AttributeRequirement] = {}
        required = dict(closure.required)
        required.setdefault(self._canonical("objectClass"), (self._top_name(),))
        for name, by in required.items():
            info = self.attribute(name)
            supplied = self.is_server_supplied(name)
            rows[name.lower()] = AttributeRequirement(
                name=name, required=not supplied, server_supplied=supplied, required_by=by,
                allowed_by=(), info=info,
            )  # fmt: skip
        optional = [
            (n, by) for n, by in closure.optional.items() if n.lower() not in closure.precluded
        ]
        for name, by in optional + self._implied(closure):
            rows.setdefault(
                name.lower(),
                AttributeRequirement(
                    name=name,
                    required=False,
                    required_by=(),
                    allowed_by=by,
                    info=self.attribute(name),
                ),
            )
        return tuple(sorted(rows.values(), key=lambda r: (not r.required, r.name.lower())))

    def is_server_supplied(self, name: str) -> bool:
        """Whether the server fills in this attribute, so a missing ``MUST`` value is fine.

        True for names in ``options.server_supplied`` and for attributes the schema marks
        ``NO-USER-MODIFICATION`` (clients cannot send those at all), except ``objectClass``.
        """
        attribute = self.attribute_type(name)
        names = (attribute.oid, *attribute.names) if attribute is not None else (name,)
        if any(n.lower() in self.options.server_supplied for n in names):
            return True
        return attribute is not None and _user_cannot_set(attribute)

    def _implied(self, closure: Closure) -> list[tuple[str, tuple[str, ...]]]:
        implied: list[tuple[str, tuple[str, ...]]] = []
        for attribute in self.attribute_types:
            if attribute.operational:
                if self.options.include_operational:
                    implied.append((attribute.name, ("operational",)))
            elif closure.extensible and attribute.name.lower() not in closure.precluded:
                implied.append((attribute.name, ("extensibleObject",)))
        return implied

    def _canonical(self, name: str) -> str:
        return self._index.canonical_attribute(name)

    def _top_name(self) -> str:
        top = self._index.object_class("top")
        return top.name if top is not None else "top"

    def structural_class_of(self, object_classes: Iterable[str]) -> ObjectClass | None:
        """The entry's structural class: the one structural class no other one derives from.

        Returns None when there is none, or several unrelated ones (RFC 4512 section 2.4.2).
        Unknown names are ignored.
        """
        known = [c for c in map(self._index.object_class, object_classes) if c is not None]
        lowest = self._index.structural_classes(known)
        return lowest[0] if len(lowest) == 1 else None

    def is_structural(self, name: str) -> bool:
        """Whether a class is structural (a class without a kind is, per RFC 4512 4.1.1)."""
        cls = self._index.object_class(name)
        return cls is not None and cls.kind is ObjectClassKind.STRUCTURAL

    def validate(
        self, entry: Mapping[str, object], *, dn: str | None = None
    ) -> tuple[SchemaProblem, ...]:
        """Check an entry against the schema before anything is sent to the server.

        One :class:`SchemaProblem` per problem: no structural class or several unrelated
        ones (RFC 4512 section 2.4.2), an unknown object class, an auxiliary class its DIT
        content rule does not permit (4.1.6), a missing ``MUST`` attribute (naming the
        class that requires it), an unknown attribute, an attribute none of the classes
        allows, several values for a single-valued attribute, a value that does not fit
        its syntax (RFC 4517 INTEGER, Boolean, Generalized Time, DN), a
        ``NO-USER-MODIFICATION`` attribute, a malformed DN, an RDN value missing from the
        entry (4512 section 2.3). Operational attributes are not governed by object classes
        (section 3.4) and ``extensibleObject`` allows any user attribute (section 4.3).

        Args:
            entry: attribute description -> value or list of values (``str``, ``bytes``,
                ``int``, ``bool``, ``datetime``). A ``dn`` key is taken as the entry's DN,
                as in LDIF, not as an attribute.
            dn: the entry's DN (overrides a ``dn`` key).

        Returns:
            The problems, in a stable order; empty when the entry fits.
        """
        return validate_entry(self, self._index, entry, dn=dn)
