"""Values no directory can hold as sent: lone surrogates, NUL, characters outside a syntax."""

from __future__ import annotations

from typing import Any

import pytest

from ldapconnector.model import shown_value
from ldapconnector.schema import ProblemKind, Schema, ValueType
from ldapconnector.schema._values import check_value

_RFC4517 = "1.3.6.1.4.1.1466.115.121.1."
IA5 = _RFC4517 + "26"
DIRECTORY_STRING = _RFC4517 + "15"


@pytest.mark.parametrize(
    ("value_type", "value", "syntax", "reason"),
    [
        (ValueType.STRING, "bad \udcff", DIRECTORY_STRING, "lone surrogate (U+DCFF) at char"),
        (ValueType.BINARY, "\ud800", None, "lone surrogate (U+D800)"),
        (ValueType.INTEGER, "1\udcff", None, "lone surrogate"),
        (ValueType.STRING, "victim@h.lab\x00x", IA5, "NUL character (U+0000) at character 12"),
        (ValueType.STRING, b"a\x00", DIRECTORY_STRING, "NUL character"),
        (ValueType.DN, "uid=a\x00,dc=lab", None, "NUL character"),
        (ValueType.STRING, "caf\u00e9@h.lab", IA5, "IA5 String syntax: character 3 ('é')"),
        (ValueType.STRING, "12a", _RFC4517 + "36", "Numeric String syntax: character 2"),
        (ValueType.STRING, "a\tb", _RFC4517 + "44", "Printable String syntax: character 1"),
        (ValueType.STRING, "D\u00c9", _RFC4517 + "11", "Country String syntax"),
    ],
)
def test_unsendable_values_are_refused(
    value_type: ValueType, value: object, syntax: str | None, reason: str
) -> None:
    """Text that is not UTF-8, a NUL outside binary values and foreign characters are refused."""
    found = check_value(value_type, value, syntax)
    assert found is not None
    assert reason in found
    assert "RFC 4517" in found


@pytest.mark.parametrize(
    ("value_type", "value", "syntax"),
    [
        (ValueType.STRING, "Britta Simon \u00e9\u4e2d\t", DIRECTORY_STRING),
        (ValueType.STRING, "bsimon@contoso.lab", IA5),
        (ValueType.BINARY, b"\x00\xff", None),
        (ValueType.STRING, "0 12", _RFC4517 + "36"),
        (ValueType.STRING, "Simon (B.), 2+2=4?", _RFC4517 + "44"),
    ],
)
def test_values_that_fit_pass(value_type: ValueType, value: object, syntax: str | None) -> None:
    """Ordinary text, ASCII mail and binary NULs still pass."""
    assert check_value(value_type, value, syntax) is None


@pytest.fixture(name="entry")
def _entry() -> dict[str, Any]:
    return {"objectClass": ["inetOrgPerson"], "cn": "B", "sn": "S"}


@pytest.mark.parametrize(
    ("attribute", "value", "reason"),
    [
        ("mail", "victim@h.lab\x00x", "NUL character"),
        ("mail", "b\u00e9@h.lab", "IA5 String"),
        ("description", "bad \udcff", "lone surrogate"),
    ],
)
def test_schema_validation_refuses_unsendable_values(
    openldap: Schema, entry: dict[str, Any], attribute: str, value: str, reason: str
) -> None:
    """Schema validation reports each such value as an invalid-value problem, escaped."""
    entry[attribute] = value
    (problem,) = openldap.validate(entry)
    assert problem.kind is ProblemKind.INVALID_VALUE
    assert reason in problem.message
    assert shown_value(value) in problem.message
    problem.message.encode("utf-8")  # the message itself can always be printed


def test_a_long_value_is_cut_in_the_message(openldap: Schema, entry: dict[str, Any]) -> None:
    """A 100 KB bad value shows its first 80 characters and its length, not 100 KB."""
    value = "x" * 102_400 + "\x00"
    entry["description"] = value
    (problem,) = openldap.validate(entry)
    assert len(problem.message) < 300
    assert "… (102401 characters)" in problem.message
    assert problem.value == "x" * 80


def test_shown_value_marks_the_cut() -> None:
    """shown_value quotes short values whole and long ones cut, with their length."""
    assert shown_value("abc") == "'abc'"
    assert shown_value("a" * 81) == f"'{'a' * 80}'… (81 characters)"
    assert shown_value(b"\x00" * 100, limit=2) == "b'\\x00\\x00'… (100 bytes)"
    assert shown_value(list(range(100)), limit=10) == "[0, 1, 2, … (390 characters)"
