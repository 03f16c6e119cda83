"""Hypothesis mutates real schema lines: the parser warns, and never raises but SchemaError."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ldapconnector.cli._schema import load_subschema_file
from ldapconnector.errors import SchemaError
from ldapconnector.schema import Schema, SchemaWarning

ELEMENTS = (
    "objectClasses",
    "attributeTypes",
    "ldapSyntaxes",
    "matchingRules",
    "matchingRuleUse",
    "dITContentRules",
)

# Every fifth real definition of every recorded server, with the attribute it came from.
REAL_LINES = sorted(
    {
        (element, value)
        for path in (Path(__file__).parent.parent / "data" / "schema").glob("*-subschema.*")
        for element in ELEMENTS
        for value in list(load_subschema_file(path).get(element, []))[::5]
    }
)
NOISE = st.text(alphabet="()'$ {}\\\"#=,;-.0123456789abcXYZ\t\n\u00e9", min_size=1, max_size=6)


@st.composite
def mutated_line(draw: st.DrawFn) -> tuple[str, str]:
    """A real definition with a few random edits: deletions, insertions, swaps, truncation."""
    element, text = draw(st.sampled_from(REAL_LINES))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        edit = draw(st.sampled_from(["delete", "insert", "swap", "truncate", "double"]))
        if edit == "delete":
            text = text[:at] + text[at + draw(st.integers(min_value=1, max_value=8)) :]
        elif edit == "insert":
            text = text[:at] + draw(NOISE) + text[at:]
        elif edit == "swap":
            words = text.split(" ")
            i = draw(st.integers(min_value=0, max_value=max(len(words) - 2, 0)))
            words[i : i + 2] = words[i : i + 2][::-1]
            text = " ".join(words)
        elif edit == "truncate":
            text = text[:at]
        else:
            text = text[:at] + text[at:] + text[at:]
    return element, text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(mutated_line(), min_size=1, max_size=6))
def test_mutated_real_lines_only_warn(lines: list[tuple[str, str]]) -> None:
    """Mutated definitions give a schema with warnings; the questions asked of it still work."""
    subschema_attributes: dict[str, list[str]] = {"objectClasses": [], "attributeTypes": []}
    for element, text in lines:
        subschema_attributes.setdefault(element, []).append(text)
    try:
        schema = Schema.from_subschema(subschema_attributes)
    except SchemaError:
        return  # only possible when no objectClasses/attributeTypes value survived
    assert all(isinstance(w, SchemaWarning) and w.message for w in schema.warnings)
    for cls in schema.object_classes:
        assert "objectClass" in schema.required_attributes(cls.oid)
        schema.allowed_attributes(cls.oid)
        schema.validate({"objectClass": [cls.oid], "cn": "x"}, dn="cn=x,dc=lab")
    for attribute in schema.attribute_types:
        schema.attribute(attribute.oid)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20) | st.binary(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    data=st.one_of(
        JSONISH,
        st.dictionaries(
            st.sampled_from([*ELEMENTS, "OBJECTCLASSES", "cn", "attributeTypes;binary"]),
            JSONISH,
            max_size=4,
        ),
    )
)
def test_arbitrary_input_raises_nothing_but_schema_error(data: Any) -> None:
    """Whatever the input, from_subschema returns a Schema or raises SchemaError."""
    try:
        schema = Schema.from_subschema(data)
    except SchemaError:
        return
    assert isinstance(schema, Schema)
