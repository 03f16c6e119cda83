"""Attribute mappings: turn a source record into the desired directory entry.

How this layer works: :meth:`MappingSet.compile` turns the ``[[mappings]]`` of the
configuration into :class:`AttributeMapping` values once per run (a *direct* mapping copies
a source attribute, a *constant* gives its value, an *expression* is compiled by the
expressions layer). :meth:`MappingSet.apply` evaluates them for one source record and
collects a frozen :class:`DesiredEntry`: the DN (target ``-dn-``), the object classes
(target ``objectClass``, else the configured classes), every other target's values as LDAP
strings (``TRUE``/``FALSE``, decimal numbers, Generalized Time), and the facts the planner
needs: which targets apply only on create, which returned ``DO_NOT_FLOW``, which are to be
cleared (null with ``flow_nulls``), which are redacted, the matching attributes in
precedence order, and the record's ``isSoftDeleted``/``@deleted`` flags. A mapping that
fails on a record gives a :class:`MappingFailure` for that record instead of raising.
:func:`check_mappings_against_schema` is the start-of-run check that every target is an
attribute the configured classes allow. Pure: no I/O.
"""

from ldapconnector.mapping._check import check_mappings_against_schema, static_object_classes
from ldapconnector.mapping._desired import DesiredEntry, MappingFailure, MappingResult
from ldapconnector.mapping._mapping import (
    OBJECT_CLASS_TARGET,
    AttributeMapping,
    MappingSet,
)
from ldapconnector.mapping._record import (
    CONTROL_KEYS,
    DELETED_KEY,
    SOFT_DELETED_KEY,
    SOURCE_ID_KEY,
    is_flag_set,
    source_id_of,
)
from ldapconnector.mapping._values import generalized_time, to_ldap_values

__all__ = [
    "CONTROL_KEYS",
    "DELETED_KEY",
    "OBJECT_CLASS_TARGET",
    "SOFT_DELETED_KEY",
    "SOURCE_ID_KEY",
    "AttributeMapping",
    "DesiredEntry",
    "MappingFailure",
    "MappingResult",
    "MappingSet",
    "check_mappings_against_schema",
    "generalized_time",
    "is_flag_set",
    "source_id_of",
    "static_object_classes",
    "to_ldap_values",
]
