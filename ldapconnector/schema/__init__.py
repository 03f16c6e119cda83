"""Directory schema: a tolerant RFC 4512 subschema parser, the frozen `Schema` model and
entry validation. Pure: no I/O.

How this layer works: ``Schema.from_subschema`` takes the subschema subentry's attributes
(``objectClasses``, ``attributeTypes``, ``ldapSyntaxes``, ``matchingRules``,
``matchingRuleUse``, ``dITContentRules``) as plain text values. ``_lexer`` splits each
definition into tokens, ``_parser`` reads it by a per-attribute grammar table into a frozen
model object (``_model``), and ``_resolve`` checks references across definitions. Every
quirk becomes a ``SchemaWarning`` on its definition; only input that is no subschema at all
raises ``SchemaError``. ``_index`` answers look-ups (case-insensitive names, superclass
chains, syntax inheritance, MUST/MAY closures), ``_syntaxes`` maps syntax OIDs to value
types, and ``_validate`` checks entries, returning one ``SchemaProblem`` per problem.
``_groups`` is the table of group classes and their membership attributes.
"""

from ldapconnector.schema._groups import GROUP_CLASSES, GroupClass, MemberValueKind, group_class_of
from ldapconnector.schema._model import (
    ACTIVE_DIRECTORY_SERVER_SUPPLIED,
    AttributeInfo,
    AttributeRequirement,
    AttributeType,
    AttributeUsage,
    DitContentRule,
    LdapSyntax,
    MatchingRule,
    MatchingRuleUse,
    ObjectClass,
    ObjectClassKind,
    ProblemKind,
    SchemaOptions,
    SchemaProblem,
    SchemaWarning,
    ValueType,
    WarningKind,
)
from ldapconnector.schema._schema import Schema
from ldapconnector.schema._values import check_value

__all__ = [
    "ACTIVE_DIRECTORY_SERVER_SUPPLIED",
    "GROUP_CLASSES",
    "AttributeInfo",
    "AttributeRequirement",
    "AttributeType",
    "AttributeUsage",
    "DitContentRule",
    "GroupClass",
    "LdapSyntax",
    "MatchingRule",
    "MatchingRuleUse",
    "MemberValueKind",
    "ObjectClass",
    "ObjectClassKind",
    "ProblemKind",
    "Schema",
    "SchemaOptions",
    "SchemaProblem",
    "SchemaWarning",
    "ValueType",
    "WarningKind",
    "check_value",
    "group_class_of",
]
