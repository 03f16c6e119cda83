"""``ldapconnector fingerprint``: offline detection from LDIF files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ldapconnector.testing
from ldapconnector.cli import main

# The recorded Root DSEs ship with the package (ldapconnector.testing.recorded_servers()).
DATA = Path(ldapconnector.testing.__file__).resolve().parent / "data" / "recorded"
SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "schema"


def test_json_output_is_one_document(capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints one JSON document with the contract keys."""
    code = main(["fingerprint", "--root-dse", str(DATA / "openldap-2.5.ldif"), "--json"])
    document = json.loads(capsys.readouterr().out)
    assert code == 0
    assert document["vendor"] == "openldap"
    assert document["anchor"] == "entryUUID"
    assert document["delta_source"] == "accesslog"
    assert document["naming_contexts"] == ["dc=contoso,dc=lab", "cn=accesslog"]
    assert {"product", "version", "confidence", "evidence"} <= document.keys()


def test_schema_option_adds_probes(capsys: pytest.CaptureFixture[str]) -> None:
    """--schema feeds the subschema entry to the schema probes."""
    code = main(
        [
            "fingerprint",
            "--root-dse",
            str(DATA / "edirectory-9.1.4.ldif"),
            "--schema",
            str(DATA / "edirectory-9.1.4.schema.ldif"),
            "--json",
        ]
    )
    document = json.loads(capsys.readouterr().out)
    assert code == 0
    assert any("ndsLoginProperties" in e for e in document["evidence"])


def test_human_output_reads_like_the_global_page(capsys: pytest.CaptureFixture[str]) -> None:
    """The default output lists the server, features, controls, change log and partitions."""
    code = main(["fingerprint", "--root-dse", str(DATA / "ad-ds-2012r2.ldif")])
    out = capsys.readouterr().out
    assert code == 0
    assert "Vendor:              ad-ds (confidence high)" in out
    assert "1.2.840.113556.1.4.319       Paged results" in out
    assert "Mandatory features not found\n  Absolute True/False filters" in out
    assert "[x] DC=AD2012,DC=LAB" in out
    assert "[ ] CN=Configuration,DC=AD2012,DC=LAB" in out


def test_garbage_ldif_exits_2_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Malformed LDIF is refused with exit code 2 and the file and line in the message."""
    bad = tmp_path / "bad.ldif"
    bad.write_text("dn:\nvendorName: x\n\nthis is not ldif\n", encoding="utf-8")
    code = main(["fingerprint", "--root-dse", str(bad)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{bad}:4:" in err
    assert "as `ldapsearch` writes it" in err


@pytest.mark.parametrize("content", [None, ""])
def test_missing_or_empty_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None
) -> None:
    """A file that cannot be read, or holds no record, exits with 2 and says so."""
    path = tmp_path / "rootdse.ldif"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code = main(["fingerprint", "--root-dse", str(path)])
    assert code == 2
    assert str(path) in capsys.readouterr().err


def test_bad_schema_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A schema file with several records and no subschema entry is refused with 2."""
    schema = tmp_path / "schema.ldif"
    schema.write_text("dn: cn=a\ncn: a\n\ndn: cn=b\ncn: b\n", encoding="utf-8")
    root = str(DATA / "openldap-2.5.ldif")
    code = main(["fingerprint", "--root-dse", root, "--schema", str(schema)])
    assert code == 2
    assert "expected entry" in capsys.readouterr().err


@pytest.mark.parametrize(
    "name", ["openldap-2.5-ldapsearch-default.ldif", "openldap-2.5-ldapsearch-L.ldif"]
)
def test_reads_ldapsearch_output_as_written(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Real ldapsearch output (comments, version:, search:/result: trailer) is read as is."""
    code = main(["fingerprint", "--root-dse", str(DATA / name), "--json"])
    captured = capsys.readouterr()
    assert (code, captured.err) == (0, "")
    document = json.loads(captured.out)
    assert document["vendor"] == "openldap"
    assert document["naming_contexts"] == ["dc=contoso,dc=lab", "cn=accesslog"]


def test_reads_base64_and_folded_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Base64 values (attr::) and lines folded by ldapsearch are decoded before detection."""
    path = tmp_path / "rootdse.ldif"
    path.write_text(
        "# extended LDIF\nversion: 1\n\n#\ndn:\nobjectClass: OpenLDAProotDSE\n"
        "namingContexts:: ZGM9Y29udG9zbyxkYz1sYWI=\nnamingContexts: cn=access\n log\n\n"
        "# search result\nsearch: 2\nresult: 0 Success\n\n# numResponses: 2\n",
        encoding="utf-8",
    )
    assert main(["fingerprint", "--root-dse", str(path), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["naming_contexts"] == ["dc=contoso,dc=lab", "cn=accesslog"]


def test_two_entries_where_one_is_expected_says_which_it_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Root DSE dump that also holds the subschema entry uses the Root DSE and says so."""
    path = tmp_path / "both.ldif"
    schema = SCHEMAS / "openldap-2.5-subschema-ldapsearch-default.ldif"
    path.write_bytes(
        schema.read_bytes() + (DATA / "openldap-2.5-ldapsearch-default.ldif").read_bytes()
    )
    code = main(["fingerprint", "--root-dse", str(path), "--json"])
    captured = capsys.readouterr()
    assert code == 0
    assert json.loads(captured.out)["vendor"] == "openldap"
    assert captured.err == (
        f"ldapconnector: warning: {path}: used the entry with DN '' (the Root DSE); "
        "ignored 1 other entry\n"
    )
