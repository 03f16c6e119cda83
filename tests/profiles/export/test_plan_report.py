"""Operations as LDIF, and the export report as JSON and LDIF, with no secret in any of them."""

from __future__ import annotations

import io
import json

import ldif

from ldapconnector.anchors import Anchor, AnchorKind
from ldapconnector.model import Modification, ModifyOp
from ldapconnector.profiles import (
    AddOperation,
    DeleteOperation,
    ExportOutcome,
    ExportReport,
    ModifyDnOperation,
    ModifyOperation,
    ObjectResult,
    PasswordSetOperation,
)

DN = "CN=bsimon,DC=Contoso,DC=lab"
SECRET = "hunter2-Secret"
UUID = "2f1c7c1e-6f5e-4b7a-9b1e-0c4a3f1d2e5b"


def parse(text: str) -> list[tuple[str | None, dict[str, list[object]]]]:
    """Parse change records with the ldif library's LDIFParser.

    LDIFParser reads every record as ``attribute: values`` and does not know the ``-`` line
    that ends each part of a modify record (RFC 2849), so those lines are turned into
    comments first; everything else (base64, folding, DNs) is parsed as written.
    """
    lines = ["# -" if line == "-" else line for line in text.split("\n")]
    parser = ldif.LDIFParser(io.BytesIO("\n".join(lines).encode("utf-8")))
    return [(dn, dict(record)) for dn, record in parser.parse()]


def test_add_record_round_trips_through_the_parser() -> None:
    """An add with non-ASCII, binary, leading-colon and trailing-space values parses back."""
    add = AddOperation(
        dn="CN=Zoë,DC=Contoso,DC=lab",
        attributes={
            "objectClass": ("inetOrgPerson",),
            "cn": ("Zoë", "bsimon "),
            "description": (":starts with a colon",),
            "jpegPhoto": (b"\xff\xd8\xff",),
        },
    )
    ((dn, record),) = parse(add.to_ldif())
    assert dn == "CN=Zoë,DC=Contoso,DC=lab"
    assert record["changetype"] == ["add"]
    assert record["cn"] == ["Zoë", "bsimon "]
    assert record["description"] == [":starts with a colon"]
    assert record["jpegPhoto"] == [b"\xff\xd8\xff"]


def test_modify_record_has_one_part_per_change() -> None:
    """A modify renders replace/add/delete parts, each ended by a dash line."""
    modify = ModifyOperation(
        dn=DN,
        changes=(
            Modification(ModifyOp.REPLACE, "displayName", ("Britta",)),
            Modification(ModifyOp.DELETE, "cn", ("Old",)),
            Modification(ModifyOp.ADD, "cn", ("New",)),
        ),
    )
    text = modify.to_ldif()
    assert text.count("\n-\n") == 3
    ((dn, record),) = parse(text)
    assert dn == DN
    assert record["changetype"] == ["modify"]
    assert record["replace"] == ["displayName"]
    assert record["cn"] == ["Old", "New"]


def test_modrdn_and_delete_records_parse() -> None:
    """modrdn (with newsuperior) and delete records are valid LDIF."""
    rename = ModifyDnOperation(
        dn=DN, new_rdn="CN=britta", delete_old_rdn=True, new_superior="OU=Staff,DC=Contoso,DC=lab"
    )
    records = parse(rename.to_ldif() + DeleteOperation(dn=DN).to_ldif())
    assert records == [
        (
            DN,
            {
                "changetype": ["modrdn"],
                "newrdn": ["CN=britta"],
                "deleteoldrdn": ["1"],
                "newsuperior": ["OU=Staff,DC=Contoso,DC=lab"],
            },
        ),
        (DN, {"changetype": ["delete"]}),
    ]


def test_long_values_are_folded() -> None:
    """Lines longer than 76 columns are folded and unfold to the same value."""
    long_value = "x" * 200
    add = AddOperation(dn=DN, attributes={"description": (long_value,)})
    assert max(len(line) for line in add.to_ldif().splitlines()) <= 76
    ((_, record),) = parse(add.to_ldif())
    assert record["description"] == [long_value]


def test_redacted_values_are_placeholders_everywhere() -> None:
    """A redacted attribute's value shows as [Redact] in LDIF and repr, with a warning comment."""
    add = AddOperation(
        dn=DN, attributes={"description": (SECRET,)}, redacted=frozenset({"description"})
    )
    modify = ModifyOperation(
        dn=DN,
        changes=(Modification(ModifyOp.REPLACE, "description", (SECRET,)),),
        redacted=frozenset({"description"}),
    )
    for operation in (add, modify):
        text = operation.to_ldif() + repr(operation)
        assert SECRET not in text
        assert "[Redact]" in text
        assert "# values of description are redacted" in text
        ((_, record),) = parse(operation.to_ldif())
        assert record["description"] == ["[Redact]"]


def test_password_operation_holds_no_value_and_renders_as_a_comment() -> None:
    """The password operation is a comment block: parsers see no record at all."""
    operation = PasswordSetOperation(dn=DN)
    assert parse(operation.to_ldif()) == []
    assert "userPassword" in operation.to_ldif()


def report() -> ExportReport:
    """A report with a created, an unchanged and a failed record."""
    anchor = Anchor.parse(AnchorKind("entryUUID"), UUID)
    add = AddOperation(dn=DN, attributes={"objectClass": ("inetOrgPerson",), "cn": ("bsimon",)})
    return ExportReport(
        results=(
            ObjectResult(
                id="u-1",
                outcome=ExportOutcome.CREATED,
                dn=DN,
                anchor=anchor,
                operations=(add, PasswordSetOperation(dn=DN)),
            ),
            ObjectResult(id="u-2", outcome=ExportOutcome.UNCHANGED, dn="cn=x,dc=contoso,dc=lab"),
            ObjectResult(id="u-3", outcome=ExportOutcome.FAILED, error="the DN is empty"),
        ),
        planned=True,
    )


def test_report_json_has_the_cli_shape() -> None:
    """to_json_dict gives summary counts for every outcome and one row per record."""
    document = report().to_json_dict()
    json.dumps(document)
    summary = document["summary"]
    assert isinstance(summary, dict)
    assert summary["created"] == 1
    assert summary["unchanged"] == 1
    assert summary["failed"] == 1
    assert set(summary) == {outcome.value for outcome in ExportOutcome}
    assert document["results"] == [
        {"id": "u-1", "action": "created", "dn": DN, "anchor": UUID, "error": None},
        {
            "id": "u-2",
            "action": "unchanged",
            "dn": "cn=x,dc=contoso,dc=lab",
            "anchor": None,
            "error": None,
        },
        {"id": "u-3", "action": "failed", "dn": None, "anchor": None, "error": "the DN is empty"},
    ]
    assert "ldif" in document


def test_report_ldif_parses_and_only_plans_carry_it() -> None:
    """The report's LDIF parses to the add; an executed run's JSON omits it by default."""
    text = report().ldif()
    assert text.startswith("version: 1\n")
    assert [dn for dn, _ in parse(text)] == [DN]
    executed = ExportReport(results=report().results)
    assert "ldif" not in executed.to_json_dict()
    assert not executed.ok
