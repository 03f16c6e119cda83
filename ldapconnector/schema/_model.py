"""Frozen values of the schema layer: parsed definitions, warnings, options and problems.

Definitions mirror the RFC 4512 section 4.1 descriptions one to one; names are kept exactly
as the server spelled them (the first ``NAME`` is the canonical spelling), and every
reference (``SUP``, ``MUST``, ``MAY``, ...) is kept as written. Resolution across
definitions is the job of :class:`~ldapconnector.schema.Schema`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

__all__ = [
    "ACTIVE_DIRECTORY_SERVER_SUPPLIED",
    "AnyDefinition",
    "AttributeInfo",
    "AttributeRequirement",
    "AttributeType",
    "AttributeUsage",
    "Definition",
    "DitContentRule",
    "LdapSyntax",
    "MatchingRule",
    "MatchingRuleUse",
    "ObjectClass",
    "ObjectClassKind",
    "ProblemKind",
    "SchemaOptions",
    "SchemaProblem",
    "SchemaWarning",
    "ValueType",
    "WarningKind",
]


class ObjectClassKind(enum.Enum):
    """The kind of an object class (RFC 4512 section 2.4); a missing kind means structural."""

    STRUCTURAL = "structural"
    AUXILIARY = "auxiliary"
    ABSTRACT = "abstract"


class AttributeUsage(enum.Enum):
    """The ``USAGE`` of an attribute type (RFC 4512 section 4.1.2).

    Anything but ``userApplications`` is an operational attribute (RFC 4512 section 3.4).
    """

    USER_APPLICATIONS = "userApplications"
    DIRECTORY_OPERATION = "directoryOperation"
    DISTRIBUTED_OPERATION = "distributedOperation"
    DSA_OPERATION = "dSAOperation"


class ValueType(enum.Enum):
    """The kind of value an attribute holds, derived from its syntax (RFC 4517 section 3.3)."""

    STRING = "string"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DN = "dn"
    GENERALIZED_TIME = "generalized-time"
    BINARY = "binary"


class WarningKind(enum.Enum):
    """What was odd about a definition; each one is tolerated and reported, never fatal."""

    MALFORMED = "malformed"
    """The value could not be read as a definition at all; it was skipped."""
    NON_NUMERIC_OID = "non-numeric-oid"
    """The definition's OID is not a numeric OID (389 DS ``nsFoo-oid``, a bare name)."""
    QUOTED_OID = "quoted-oid"
    """An OID was written in quotes (Active Directory's ``SYNTAX '1.3.6...'``)."""
    OID_REFERENCE = "oid-reference"
    """A reference (``SUP``, ``MUST``, ...) names a definition by numeric OID; resolved."""
    MISSING_SPACE = "missing-space"
    """A space that RFC 4512 requires between two terms is missing."""
    BAD_QUOTING = "bad-quoting"
    """A quote inside a quoted string, an unterminated string, or a name without quotes."""
    BAD_STRUCTURE = "bad-structure"
    """A missing or extra parenthesis, a missing ``$`` in a list, a stray token; tolerated."""
    UNKNOWN_KEYWORD = "unknown-keyword"
    """A term that is neither an RFC 4512 keyword nor an ``X-`` extension; skipped."""
    DUPLICATE_TERM = "duplicate-term"
    """A term (``DESC``, a kind, ...) given twice; the first one is kept."""
    INVALID_VALUE = "invalid-value"
    """A term's value is not valid (an unknown ``USAGE``, a bad syntax length)."""
    DUPLICATE_OID = "duplicate-oid"
    """Another definition of the same kind has the same OID; the first one is kept."""
    DUPLICATE_NAME = "duplicate-name"
    """Another definition of the same kind has this name; lookups find the first one."""
    UNKNOWN_SYNTAX = "unknown-syntax"
    """The syntax is neither in the subschema's ``ldapSyntaxes`` nor known to ldapconnector."""
    UNKNOWN_REFERENCE = "unknown-reference"
    """A ``SUP``/``MUST``/``MAY``/``AUX``/... reference names nothing in the subschema."""
    INHERITANCE_CYCLE = "inheritance-cycle"
    """Following ``SUP`` comes back to the definition itself."""
    MISSING_SYNTAX = "missing-syntax"
    """An attribute type has neither ``SYNTAX`` nor ``SUP`` (RFC 4512 section 4.1.2)."""


@attrs.frozen(kw_only=True)
class SchemaWarning:
    """One tolerated oddity of one definition.

    Attributes:
        kind: what was odd.
        element: the subschema attribute the definition came from (``"attributeTypes"``).
        definition: the definition's first name, or its OID when it has no name.
        message: a sentence saying what was found and what was done about it.
    """

    kind: WarningKind
    element: str
    definition: str
    message: str

    def __str__(self) -> str:
        return f"{self.element} {self.definition!r}: {self.message}"


def _tuple_of_str(value: str | Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@attrs.frozen(kw_only=True)
class Definition:
    """Fields every RFC 4512 description shares."""

    oid: str
    names: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    description: str | None = None
    obsolete: bool = False
    extensions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    warnings: tuple[SchemaWarning, ...] = ()

    @property
    def name(self) -> str:
        """The canonical name: the first ``NAME``, or the OID when there is none."""
        return self.names[0] if self.names else self.oid

    def extension(self, key: str) -> tuple[str, ...]:
        """The values of an ``X-`` extension (compared case-insensitively), or ``()``."""
        wanted = key.upper()
        for name, values in self.extensions:
            if name.upper() == wanted:
                return values
        return ()


@attrs.frozen(kw_only=True)
class ObjectClass(Definition):
    """An ``objectClasses`` value (RFC 4512 section 4.1.1).

    Attributes:
        superclasses: the ``SUP`` references as written (names or OIDs).
        kind: structural (also when not given), auxiliary or abstract.
        must: the ``MUST`` attribute references as written.
        may: the ``MAY`` attribute references as written.
    """

    superclasses: tuple[str, ...] = ()
    kind: ObjectClassKind = ObjectClassKind.STRUCTURAL
    must: tuple[str, ...] = ()
    may: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class AttributeType(Definition):
    """An ``attributeTypes`` value (RFC 4512 section 4.1.2), as declared (not inherited).

    Attributes:
        superior: the ``SUP`` reference as written, if any.
        equality / ordering / substring: matching rule references, if given.
        syntax: the syntax OID as written (without the length), if given.
        syntax_length: the ``{n}`` suggested maximum length, if given.
        single_value: ``SINGLE-VALUE`` was given.
        collective: ``COLLECTIVE`` was given (RFC 3671).
        no_user_modification: ``NO-USER-MODIFICATION`` was given.
        usage: the ``USAGE``; ``userApplications`` when not given.
    """

    superior: str | None = None
    equality: str | None = None
    ordering: str | None = None
    substring: str | None = None
    syntax: str | None = None
    syntax_length: int | None = None
    single_value: bool = False
    collective: bool = False
    no_user_modification: bool = False
    usage: AttributeUsage = AttributeUsage.USER_APPLICATIONS

    @property
    def operational(self) -> bool:
        """Whether the attribute is operational (any ``USAGE`` but userApplications)."""
        return self.usage is not AttributeUsage.USER_APPLICATIONS


@attrs.frozen(kw_only=True)
class LdapSyntax(Definition):
    """An ``ldapSyntaxes`` value (RFC 4512 section 4.1.5); syntaxes have no names."""


@attrs.frozen(kw_only=True)
class MatchingRule(Definition):
    """A ``matchingRules`` value (RFC 4512 section 4.1.3).

    Attributes:
        syntax: the assertion syntax OID, if given.
    """

    syntax: str | None = None


@attrs.frozen(kw_only=True)
class MatchingRuleUse(Definition):
    """A ``matchingRuleUse`` value (RFC 4512 section 4.1.4).

    Attributes:
        applies: the attribute types the matching rule applies to, as written.
    """

    applies: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class DitContentRule(Definition):
    """A ``dITContentRules`` value (RFC 4512 section 4.1.6).

    Its OID is the OID of the structural class it governs. Active Directory publishes one
    per structural class, listing the auxiliary classes the class may carry.

    Attributes:
        auxiliary: the auxiliary classes permitted (``AUX``).
        must / may: attributes the rule adds as required / allowed.
        precluded: attributes the rule forbids (``NOT``).
    """

    auxiliary: tuple[str, ...] = ()
    must: tuple[str, ...] = ()
    may: tuple[str, ...] = ()
    precluded: tuple[str, ...] = ()


def _lower_set(values: str | Iterable[str]) -> frozenset[str]:
    return frozenset(v.lower() for v in _tuple_of_str(values))


def _frozen_set(values: str | Iterable[str]) -> frozenset[str]:
    return frozenset(_tuple_of_str(values))


@attrs.frozen(kw_only=True)
class SchemaOptions:
    """Settings that change how the schema is presented and how entries are checked.

    They mirror the Generic LDAP connector's schema settings (include operational
    attributes, include extensible attributes, attribute aliases, treat as single value).

    Attributes:
        include_operational: ``allowed_attributes`` also lists the operational attribute
            types (``createTimestamp``, ``entryUUID``, ...; RFC 4512 section 3.4).
        include_extensible: treat ``extensibleObject`` (RFC 4512 section 4.3) as an
            auxiliary class of every class, so every user attribute is allowed everywhere.
            Entries are still validated against the classes they actually carry.
        binary_aliases: attribute descriptions such as ``userCertificate;binary``
            (RFC 4522); each marks its attribute type as binary.
        single_valued: attribute names to treat as single-valued although the schema
            allows several values.
        server_supplied: attribute names the server fills in on add although a class lists
            them under ``MUST`` (see :data:`ACTIVE_DIRECTORY_SERVER_SUPPLIED`); they are not
            required and a missing value is not reported. ``MUST`` attributes the schema
            marks ``NO-USER-MODIFICATION`` (AD's ``instanceType``) are always treated so.
    """

    include_operational: bool = False
    include_extensible: bool = False
    binary_aliases: frozenset[str] = attrs.field(default=frozenset(), converter=_frozen_set)
    single_valued: frozenset[str] = attrs.field(default=frozenset(), converter=_lower_set)
    server_supplied: frozenset[str] = attrs.field(default=frozenset(), converter=_lower_set)

    @property
    def binary_attributes(self) -> frozenset[str]:
        """The lower-cased attribute names that ``binary_aliases`` mark as binary."""
        return frozenset(alias.split(";", 1)[0].strip().lower() for alias in self.binary_aliases)


ACTIVE_DIRECTORY_SERVER_SUPPLIED = frozenset(
    {"instanceType", "nTSecurityDescriptor", "objectCategory", "objectSid", "sAMAccountName"}
)
"""``MUST`` attributes of Active Directory's ``top``/``user``/``group`` that AD fills in on add
(MS-ADTS 3.1.1.5.2.2; ``sAMAccountName`` gets a generated value). Pass them as
``SchemaOptions(server_supplied=...)`` for AD DS and AD LDS."""


@attrs.frozen(kw_only=True)
class AttributeInfo:
    """What the schema says about one attribute once inheritance and options are applied.

    Attributes:
        name: the canonical name.
        oid: the attribute type's OID.
        value_type: the value type of its (possibly inherited) syntax.
        syntax: the syntax OID, inherited through ``SUP`` where not declared.
        single_value: single-valued in the schema or by configuration.
        operational: any ``USAGE`` but userApplications.
        no_user_modification: clients may not set it.
    """

    name: str
    oid: str
    value_type: ValueType
    syntax: str | None
    single_value: bool
    operational: bool
    no_user_modification: bool


@attrs.frozen(kw_only=True)
class AttributeRequirement:
    """One attribute of an object class combination and where it comes from.

    Attributes:
        name: the canonical attribute name.
        required: some class (or DIT content rule) lists it under ``MUST`` and the client
            has to supply it (it is not ``server_supplied``).
        server_supplied: listed under ``MUST`` but filled in by the server: the schema
            marks it ``NO-USER-MODIFICATION`` or the options name it ``server_supplied``.
        required_by: the classes that list it under ``MUST``, most specific first.
        allowed_by: the classes that list it under ``MAY`` (and do not require it).
        info: the attribute's resolved details, or None when the schema does not define it.
    """

    name: str
    required: bool
    server_supplied: bool = False
    required_by: tuple[str, ...]
    allowed_by: tuple[str, ...]
    info: AttributeInfo | None


class ProblemKind(enum.Enum):
    """The kinds of :class:`SchemaProblem` found by ``Schema.validate``."""

    NO_STRUCTURAL_CLASS = "no-structural-class"
    MULTIPLE_STRUCTURAL_CLASSES = "multiple-structural-classes"
    UNKNOWN_OBJECT_CLASS = "unknown-object-class"
    AUXILIARY_NOT_ALLOWED = "auxiliary-not-allowed"
    MISSING_REQUIRED_ATTRIBUTE = "missing-required-attribute"
    UNKNOWN_ATTRIBUTE = "unknown-attribute"
    ATTRIBUTE_NOT_ALLOWED = "attribute-not-allowed"
    TOO_MANY_VALUES = "too-many-values"
    INVALID_VALUE = "invalid-value"
    NO_USER_MODIFICATION = "no-user-modification"
    INVALID_DN = "invalid-dn"
    RDN_NOT_IN_ENTRY = "rdn-not-in-entry"


@attrs.frozen(kw_only=True)
class SchemaProblem:
    """One reason an entry does not fit the schema.

    Attributes:
        kind: what is wrong.
        message: one sentence saying exactly what is wrong (``str()`` gives it too).
        attribute: the attribute at fault, when there is one.
        object_class: the object class involved, when there is one.
        value: the offending value (as text, its first 80 characters), for value problems;
            the message quotes it with :func:`~ldapconnector.model.shown_value`.
    """

    kind: ProblemKind
    message: str
    attribute: str | None = None
    object_class: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        return self.message


AnyDefinition = (
    ObjectClass | AttributeType | LdapSyntax | MatchingRule | MatchingRuleUse | DitContentRule
)
"""Any parsed definition."""
