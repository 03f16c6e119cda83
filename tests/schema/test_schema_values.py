"""Value syntax checks: RFC 4517 INTEGER, Boolean, Generalized Time and RFC 4514 DNs."""

from __future__ import annotations

import datetime

import pytest

from ldapconnector.dn import parse_dn
from ldapconnector.schema import ValueType
from ldapconnector.schema._values import check_value


@pytest.mark.parametrize(
    ("value_type", "value"),
    [
        (ValueType.INTEGER, "0"),
        (ValueType.INTEGER, "-17"),
        (ValueType.INTEGER, "9223372036854775807"),
        (ValueType.INTEGER, 42),
        (ValueType.BOOLEAN, "TRUE"),
        (ValueType.BOOLEAN, "FALSE"),
        (ValueType.BOOLEAN, False),
        (ValueType.GENERALIZED_TIME, "20240131235959Z"),
        (ValueType.GENERALIZED_TIME, "2024013123Z"),
        (ValueType.GENERALIZED_TIME, "202401312359Z"),
        (ValueType.GENERALIZED_TIME, "20240131235959.123456Z"),
        (ValueType.GENERALIZED_TIME, "20240131235959,5+0130"),
        (ValueType.GENERALIZED_TIME, "20241231235960-05"),
        (ValueType.GENERALIZED_TIME, datetime.datetime(2024, 1, 31)),
        (ValueType.DN, "uid=bsimon,ou=people,dc=contoso,dc=lab"),
        (ValueType.DN, ""),
        (ValueType.STRING, "anything"),
        (ValueType.STRING, "caf\u00e9".encode()),
        (ValueType.BINARY, b"\xff\x00"),
    ],
)
def test_good_values(value_type: ValueType, value: object) -> None:
    """Values that fit their syntax pass."""
    assert check_value(value_type, value) is None


@pytest.mark.parametrize(
    ("value_type", "value"),
    [
        (ValueType.INTEGER, "-0"),
        (ValueType.INTEGER, "01"),
        (ValueType.INTEGER, "1e3"),
        (ValueType.INTEGER, " 1"),
        (ValueType.INTEGER, ""),
        (ValueType.INTEGER, False),
        (ValueType.BOOLEAN, "true"),
        (ValueType.BOOLEAN, "1"),
        (ValueType.GENERALIZED_TIME, "20240131235959"),
        (ValueType.GENERALIZED_TIME, "20241331235959Z"),
        (ValueType.GENERALIZED_TIME, "20240131245959Z"),
        (ValueType.GENERALIZED_TIME, "2024-01-31T23:59:59Z"),
        (ValueType.DN, "not a dn"),
        (ValueType.DN, "uid=a,,dc=b"),
        (ValueType.DN, "uid=a;dc=b"),
        (ValueType.DN, "=a"),
        (ValueType.DN, "uid=a\\"),
        (ValueType.STRING, b"\xff\xfe"),
    ],
)
def test_bad_values(value_type: ValueType, value: object) -> None:
    """Values that do not fit their syntax are refused with a reason citing the RFC."""
    reason = check_value(value_type, value)
    assert reason is not None
    assert "RFC 45" in reason


@pytest.mark.parametrize(
    ("dn", "rdns"),
    [
        ("", []),
        ("dc=lab", [[("dc", "lab")]]),
        ("cn=Simon\\, Britta,dc=lab", [[("cn", "Simon, Britta")], [("dc", "lab")]]),
        ("cn=a+uid=b,dc=lab", [[("cn", "a"), ("uid", "b")], [("dc", "lab")]]),
        ("cn=caf\\c3\\a9 , dc = lab", [[("cn", "caf\u00e9")], [("dc", "lab")]]),
        (
            "1.3.6.1.4.1.1466.0=#04024869,dc=lab",
            [[("1.3.6.1.4.1.1466.0", "#04024869")], [("dc", "lab")]],
        ),
        ("cn=a=b,dc=lab", [[("cn", "a=b")], [("dc", "lab")]]),
        ("cn=,dc=lab", [[("cn", "")], [("dc", "lab")]]),
    ],
)
def test_parse_dn(dn: str, rdns: list[list[tuple[str, str]]]) -> None:
    """The DN values the schema layer validates split into RDNs with escapes undone (RFC 4514)."""
    assert [list(rdn.pairs) for rdn in parse_dn(dn)] == rdns
