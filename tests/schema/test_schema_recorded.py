"""Real schemas parse with zero errors, and every warning they raise is justified here."""

from __future__ import annotations

import collections
import re
from pathlib import Path
from typing import Any

import pytest

from ldapconnector.schema import Schema, WarningKind

ELEMENTS = {
    "objectClasses": "object_classes",
    "attributeTypes": "attribute_types",
    "ldapSyntaxes": "ldap_syntaxes",
    "matchingRules": "matching_rules",
    "matchingRuleUse": "matching_rule_uses",
    "dITContentRules": "dit_content_rules",
}
DATA = Path(__file__).parent.parent / "data" / "schema"
NAMES = sorted(path.name.split("-subschema")[0] for path in DATA.glob("*-subschema.*"))
_OID = re.compile(r"\(\s*(\S+)")


def _name_of(value: str) -> str:
    match = re.search(r"NAME \(? ?'([^']+)'", value)
    if match is not None:
        return match.group(1)
    oid = _OID.match(value)
    assert oid is not None
    return oid.group(1)


def _oid_of(value: str) -> str:
    oid = _OID.match(value)
    assert oid is not None
    return oid.group(1)


def _warnings(recorded: Any, name: str, kind: WarningKind) -> set[tuple[str, str]]:
    return {(w.element, w.definition) for w in recorded.schema(name).warnings if w.kind is kind}


def _raw(recorded: Any, name: str, element: str) -> list[str]:
    return list(recorded.raw(name).get(element, []))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("element", sorted(ELEMENTS))
def test_every_value_becomes_one_definition(recorded: Any, name: str, element: str) -> None:
    """Each value of each definition attribute yields exactly one parsed definition."""
    schema = recorded.schema(name)
    assert len(getattr(schema, ELEMENTS[element])) == len(_raw(recorded, name, element))


@pytest.mark.parametrize("name", NAMES)
def test_no_definition_is_dropped_or_malformed(recorded: Any, name: str) -> None:
    """No recorded definition is malformed, and no token is stray or unknown."""
    kinds = {w.kind for w in recorded.schema(name).warnings}
    assert not kinds & {
        WarningKind.MALFORMED,
        WarningKind.BAD_STRUCTURE,
        WarningKind.UNKNOWN_KEYWORD,
        WarningKind.MISSING_SPACE,
        WarningKind.INHERITANCE_CYCLE,
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ad-2012r2", {WarningKind.QUOTED_OID: 1472, WarningKind.NON_NUMERIC_OID: 2}),
        ("389ds-1.3.3", {WarningKind.NON_NUMERIC_OID: 107, WarningKind.DUPLICATE_NAME: 6}),
        ("edirectory-8.8.8", {WarningKind.DUPLICATE_OID: 6, WarningKind.BAD_QUOTING: 3}),
        ("edirectory-9.1.4", {WarningKind.DUPLICATE_OID: 13, WarningKind.BAD_QUOTING: 3}),
        ("openldap-2.4", {WarningKind.UNKNOWN_REFERENCE: 4}),
        ("openldap-2.5", {WarningKind.UNKNOWN_REFERENCE: 4}),
    ],
)
def test_warning_counts_per_server(
    recorded: Any, name: str, expected: dict[WarningKind, int]
) -> None:
    """Each recorded schema raises exactly these kinds of warning, this many times."""
    counts = collections.Counter(w.kind for w in recorded.schema(name).warnings)
    assert dict(counts) == expected


def test_ad_quotes_every_syntax_oid(recorded: Any) -> None:
    """AD writes SYNTAX '1.3.6...' in quotes: one warning per attribute type, no more."""
    raw = _raw(recorded, "ad-2012r2", "attributeTypes")
    assert all("SYNTAX '" in value for value in raw)
    names = {_name_of(value) for value in raw}
    assert _warnings(recorded, "ad-2012r2", WarningKind.QUOTED_OID) == {
        ("attributeTypes", n) for n in names
    }


def test_ad_octetstring_syntax_name_is_read_as_octet_string(recorded: Any, ad: Schema) -> None:
    """AD's two ``SYNTAX 'OctetString'`` attributes are the two syntax-name warnings."""
    assert _warnings(recorded, "ad-2012r2", WarningKind.NON_NUMERIC_OID) == {
        ("attributeTypes", "repsTo"),
        ("attributeTypes", "repsFrom"),
    }
    info = ad.attribute("repsFrom")
    assert info is not None
    assert info.syntax == "1.3.6.1.4.1.1466.115.121.1.40"
    assert info.value_type.value == "binary"


def test_389_non_numeric_oids_are_exactly_the_descr_oids(recorded: Any) -> None:
    """389 DS's ``nsFoo-oid`` style OIDs are flagged, and nothing else is."""
    flagged = set()
    for element in ("objectClasses", "attributeTypes"):
        for value in _raw(recorded, "389ds-1.3.3", element):
            oid = _oid_of(value)
            if not re.fullmatch(r"\d+(\.\d+)+", oid):
                flagged.add((element, _name_of(value)))
    assert len(flagged) == 107
    assert _warnings(recorded, "389ds-1.3.3", WarningKind.NON_NUMERIC_OID) == flagged


def test_389_duplicate_matching_rule_names_are_real(recorded: Any) -> None:
    """The six duplicate names are Slovak/Slovenian/Albanian collation rules defined twice."""
    raw = _raw(recorded, "389ds-1.3.3", "matchingRules")
    counts = collections.Counter(_name_of(v) for v in raw)
    twice = {name for name, count in counts.items() if count > 1}
    assert _warnings(recorded, "389ds-1.3.3", WarningKind.DUPLICATE_NAME) == {
        ("matchingRules", name) for name in twice
    }
    assert twice == {
        f"caseIgnore{rule}Match-{lang}"
        for rule in ("Ordering", "Substring")
        for lang in ("sk", "sl", "sq")
    }


@pytest.mark.parametrize("name", ["edirectory-8.8.8", "edirectory-9.1.4"])
def test_edirectory_duplicate_oids_are_real(recorded: Any, name: str) -> None:
    """eDirectory really gives several attribute types the same OID; each later one is flagged."""
    seen: dict[str, str] = {}
    later = set()
    for value in _raw(recorded, name, "attributeTypes"):
        oid = _oid_of(value)
        attribute = _name_of(value)
        if oid in seen:
            later.add(("attributeTypes", attribute))
        seen.setdefault(oid, attribute)
    assert _warnings(recorded, name, WarningKind.DUPLICATE_OID) == later


@pytest.mark.parametrize("name", ["edirectory-8.8.8", "edirectory-9.1.4"])
def test_edirectory_apostrophes_in_quoted_names(recorded: Any, name: str) -> None:
    """``X-NDS_NAME 'New Object's DS Rights'`` keeps its apostrophe and is flagged."""
    schema = recorded.schema(name)
    assert _warnings(recorded, name, WarningKind.BAD_QUOTING) == {
        ("attributeTypes", "newObjectSDSRights"),
        ("attributeTypes", "newObjectSFSRights"),
        ("attributeTypes", "newObjectSSelfRights"),
    }
    attribute = schema.attribute_type("newObjectSDSRights")
    assert attribute is not None
    assert attribute.extension("X-NDS_NAME") == ("New Object's DS Rights",)
    assert attribute.extension("X-NDS_NOT_SCHED_SYNC_IMMEDIATE") == ("1",)


@pytest.mark.parametrize("name", ["openldap-2.4", "openldap-2.5"])
def test_openldap_does_not_publish_four_referenced_types(recorded: Any, name: str) -> None:
    """slapd's ``subentry``/``subschema`` classes name four types it never publishes."""
    assert {
        (w.definition, w.message)
        for w in recorded.schema(name).warnings
        if w.kind is WarningKind.UNKNOWN_REFERENCE
    } == {
        ("subentry", "MUST attribute 'subtreeSpecification' is not defined"),
        ("subschema", "MAY attribute 'dITStructureRules' is not defined"),
        ("subschema", "MAY attribute 'nameForms' is not defined"),
        ("subschema", "MAY attribute 'dITContentRules' is not defined"),
    }
    for attribute in ("subtreeSpecification", "dITStructureRules", "nameForms"):
        assert all(f"NAME '{attribute}'" not in v for v in _raw(recorded, name, "attributeTypes"))


@pytest.mark.parametrize("name", NAMES)
def test_warnings_are_attached_to_their_definitions(recorded: Any, name: str) -> None:
    """Schema.warnings is exactly the union of the definitions' own warnings."""
    schema = recorded.schema(name)
    attached = [
        warning
        for attribute in ELEMENTS.values()
        for definition in getattr(schema, attribute)
        for warning in definition.warnings
    ]
    assert collections.Counter(attached) == collections.Counter(schema.warnings)


@pytest.mark.parametrize("name", NAMES)
def test_every_syntax_in_use_has_a_value_type(recorded: Any, name: str) -> None:
    """No recorded attribute type uses a syntax unknown to both the server and the table."""
    assert not _warnings(recorded, name, WarningKind.UNKNOWN_SYNTAX)
