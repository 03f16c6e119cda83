"""Compare attribute values the way the directory does: by the attribute's equality rule.

A value's *key* is what the server's equality matching rule compares (RFC 4517 section 4.2,
RFC 4518 for string preparation): two values with the same key are the same value to the
server, so replacing one by the other would be a pointless write, and adding both would be
refused (attributeOrValueExists). Rules not listed here compare exactly.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable

from ldapconnector.dn import dn_key
from ldapconnector.model import Value
from ldapconnector.schema import Schema

__all__ = ["equality_rule", "value_key"]

_MAX_SUPERIORS = 16

Key = Callable[[str], object]


def _case_ignore(value: str) -> object:
    # caseIgnoreMatch and friends: case-folded, insignificant spaces dropped (RFC 4518 2.6.1).
    # str.split() and strip() know the same whitespace as the regex "\s" (str.isspace), and
    # joining the split words is what "collapse runs, strip the ends" gives, at a third of
    # the cost of a substitution.
    return " ".join(value.split()).casefold()


def _exact_spaces(value: str) -> object:
    return " ".join(value.split())


def _integer(value: str) -> object:
    try:
        return int(value.strip())
    except ValueError:
        return value


def _no_spaces(value: str) -> object:
    return value.replace(" ", "")


def _telephone(value: str) -> object:
    # telephoneNumberMatch ignores spaces and hyphens (RFC 4517 4.2.29, RFC 4518 2.6.2).
    return re.sub(r"[\s-]", "", value).casefold()


_KEYS: dict[str, Key] = {
    "caseignorematch": _case_ignore,
    "caseignoreia5match": _case_ignore,
    "caseignorelistmatch": _case_ignore,
    "caseignoreordermatch": _case_ignore,
    "caseexactmatch": _exact_spaces,
    "caseexactia5match": _exact_spaces,
    "booleanmatch": str.upper,
    "integermatch": _integer,
    "distinguishednamematch": dn_key,
    "numericstringmatch": _no_spaces,
    "telephonenumbermatch": _telephone,
    # The same rules by OID, for schemas that name rules by OID (RFC 4517 section 4.2).
    "2.5.13.1": dn_key,
    "2.5.13.2": _case_ignore,
    "2.5.13.5": _exact_spaces,
    "2.5.13.13": str.upper,
    "2.5.13.14": _integer,
    "1.3.6.1.4.1.1466.109.114.1": _exact_spaces,
    "1.3.6.1.4.1.1466.109.114.2": _case_ignore,
}


def equality_rule(schema: Schema, attribute: str) -> str | None:
    """The attribute's equality matching rule, inherited through ``SUP`` (RFC 4512 4.1.2)."""
    found = schema.attribute_type(attribute)
    for _ in range(_MAX_SUPERIORS):
        if found is None:
            return None
        if found.equality:
            return found.equality
        found = schema.attribute_type(found.superior) if found.superior else None
    return None


# The comparison functions of each schema, by attribute name: a schema never changes, and
# a run asks for the same few attributes' keys thousands of times. Keyed by identity (a
# schema's hash walks every definition); a schema's functions go when it does.
_MEMO: dict[int, dict[str, Callable[[Value], object]]] = {}


def _memo_of(schema: Schema) -> dict[str, Callable[[Value], object]]:
    memo = _MEMO.get(id(schema))
    if memo is None:
        memo = _MEMO[id(schema)] = {}
        weakref.finalize(schema, _MEMO.pop, id(schema), None)
    return memo


def value_key(schema: Schema, attribute: str) -> Callable[[Value], object]:
    """A function giving each value of ``attribute`` its comparison key.

    Binary values always compare exactly; text values by the rule's key (exact when the
    schema names no rule this module knows).
    """
    memo = _memo_of(schema)
    found = memo.get(attribute)
    if found is None:
        found = memo[attribute] = _value_key(schema, attribute)
    return found


def _value_key(schema: Schema, attribute: str) -> Callable[[Value], object]:
    rule = equality_rule(schema, attribute)
    key = _KEYS.get(rule.lower()) if rule else None

    def compare_as(value: Value) -> object:
        if isinstance(value, bytes) or key is None:
            return value
        return key(value)

    return compare_as
