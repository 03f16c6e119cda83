"""The diff's cheaper paths give what the plain definitions give.

``attribute_changes`` keys each value once and answers identical value lists without
keying them; the case-ignore key joins split words instead of a regex substitution; the
update planner finds an entry's values through one index by canonical name. These tests
hold each against the plain definition it replaced (written out here as the reference),
on generated values: case, spacing and repeats under the equality rule.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ldapconnector.cli._schema import load_subschema_file
from ldapconnector.model import Modification, ModifyOp, Value
from ldapconnector.profiles.export._diff import (
    attribute_changes,
    by_canonical_name,
    current_values,
)
from ldapconnector.profiles.export._equality import value_key
from ldapconnector.schema import Schema

SUBSCHEMA = Path(__file__).parents[2] / "data" / "schema" / "openldap-2.5-subschema.ldif"
SCHEMA = Schema.from_subschema(load_subschema_file(SUBSCHEMA))
_SPACES = re.compile(r"\s+")

# caseIgnoreMatch multi-valued (cn, mail), single-valued (displayName), caseExact (uid
# is caseIgnore in OpenLDAP; gecos is caseIgnoreIA5), an unknown name (exact compare).
ATTRIBUTES = ("cn", "mail", "displayName", "gecos", "uidNumber", "telephoneNumber", "x-unknown")
WORDS = st.sampled_from(["Jane", "jane", "JANE", "Doe", "doe", "10", "010", "a-b", "ß", "SS"])
SPACING = st.sampled_from(["", " ", "  ", "\t", "\u00a0", "\u2003", "\n"])


@st.composite
def values(draw: st.DrawFn) -> str:
    """A value of one to three words with arbitrary spacing around and between them."""
    words = draw(st.lists(WORDS, min_size=1, max_size=3))
    text = draw(SPACING)
    for word in words:
        text += word + draw(SPACING)
    return text


VALUE_LISTS = st.lists(values() | st.binary(max_size=3), max_size=4)


def reference_changes(
    schema: Schema, attribute: str, wanted: Sequence[Value], current: Sequence[Value]
) -> list[Modification]:
    """The diff as it was defined: unique wanted values, then set differences by key."""
    key = value_key(schema, attribute)
    seen: dict[object, Value] = {}
    for value in wanted:
        seen.setdefault(key(value), value)
    wanted_values, current_values_ = tuple(seen.values()), tuple(current)
    if schema.is_single_valued(attribute):
        if {key(v) for v in wanted_values} == {key(v) for v in current_values_}:
            return []
        return [Modification(ModifyOp.REPLACE, attribute, wanted_values)]
    if not wanted_values:
        return [Modification(ModifyOp.REPLACE, attribute, ())] if current_values_ else []
    wanted_keys = {key(v) for v in wanted_values}
    current_keys = {key(v) for v in current_values_}
    delete = tuple(v for v in current_values_ if key(v) not in wanted_keys)
    add = tuple(v for v in wanted_values if key(v) not in current_keys)
    changes = []
    if delete:
        changes.append(Modification(ModifyOp.DELETE, attribute, delete))
    if add:
        changes.append(Modification(ModifyOp.ADD, attribute, add))
    return changes


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(ATTRIBUTES), VALUE_LISTS, VALUE_LISTS)
def test_attribute_changes_match_the_reference(
    attribute: str, wanted: list[Value], current: list[Value]
) -> None:
    assert attribute_changes(SCHEMA, attribute, wanted, current) == reference_changes(
        SCHEMA, attribute, wanted, current
    )


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ATTRIBUTES), VALUE_LISTS)
def test_identical_lists_need_no_change(attribute: str, held: list[Value]) -> None:
    assert attribute_changes(SCHEMA, attribute, list(held), tuple(held)) == []
    assert reference_changes(SCHEMA, attribute, held, held) == []


@settings(max_examples=400, deadline=None)
@given(values() | st.text(max_size=8))
def test_case_ignore_key_is_the_rfc4518_folding(value: str) -> None:
    # Insignificant spaces (RFC 4518 2.6.1): runs of Unicode whitespace to one space, the
    # ends stripped, then case folding; what the regex form computed.
    assert value_key(SCHEMA, "cn")(value) == _SPACES.sub(" ", value.strip()).casefold()
    assert value_key(SCHEMA, "uid")(value) == value_key(SCHEMA, "cn")(value)


def test_the_index_finds_what_the_scan_finds() -> None:
    # Two spellings of one attribute: the first one the entry holds wins in both.
    held = {"surname": ("Doe",), "SN": ("Other",), "CN": ("Jane",), "x-unknown": ("1",)}
    index = by_canonical_name(SCHEMA, held)
    for name in ("sn", "surname", "SN", "cn", "commonName", "x-unknown", "X-UNKNOWN", "mail"):
        canonical_name = SCHEMA.attribute(name)
        key = (canonical_name.name if canonical_name is not None else name).lower()
        assert index.get(key, ()) == current_values(held, SCHEMA, name)
    assert index["sn"] == ("Doe",)
