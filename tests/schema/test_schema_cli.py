"""``ldapconnector schema``: required and optional attributes from a subschema dump."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ldapconnector.testing
from ldapconnector.cli import main

DATA = Path(__file__).parent.parent / "data" / "schema"
RECORDED = Path(ldapconnector.testing.__file__).resolve().parent / "data" / "recorded"
OPENLDAP = str(DATA / "openldap-2.5-subschema.ldif")
POSIX_ARGS = ["--class", "inetOrgPerson", "--aux", "posixAccount", "--aux", "shadowAccount"]


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints one document listing required attributes with type and origin."""
    assert main(["schema", "--schema", OPENLDAP, *POSIX_ARGS, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    required = {row["name"]: row for row in report["required"]}
    assert set(required) == {
        "objectClass", "cn", "sn", "uid", "uidNumber", "gidNumber", "homeDirectory"
    }  # fmt: skip
    assert required["uidNumber"]["type"] == "integer"
    assert required["uidNumber"]["single_value"] is True
    assert required["uid"]["from"] == ["posixAccount", "shadowAccount"]
    assert report["superclasses"] == ["organizationalPerson", "person", "top"]
    assert report["auxiliary"] == ["posixAccount", "shadowAccount"]
    assert report["extensible"] is False
    assert report["warnings"] == 4
    optional = {row["name"]: row for row in report["optional"]}
    assert optional["jpegPhoto"]["type"] == "binary"
    assert optional["loginShell"]["from"] == ["posixAccount"]


def test_human_output(capsys: pytest.CaptureFixture[str]) -> None:
    """The default output is a readable table of required then optional attributes."""
    assert main(["schema", "--schema", OPENLDAP, *POSIX_ARGS]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "Structural class: inetOrgPerson > organizationalPerson > person > top (structural)\n"
        "Auxiliary classes: posixAccount, shadowAccount\n\nRequired attributes (7):\n"
    )
    assert "  gidNumber      integer, single           from posixAccount\n" in out
    assert "Optional attributes (56):" in out
    assert "The schema has 4 warnings (--warnings lists them)." in out


def test_warnings_and_options(capsys: pytest.CaptureFixture[str]) -> None:
    """--warnings lists the schema's warnings; --operational and --binary-alias apply."""
    args = ["--class", "person", "--warnings", "--operational", "--binary-alias", "sn;binary"]
    assert main(["schema", "--schema", OPENLDAP, *args, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (
        "objectClasses 'subentry': MUST attribute 'subtreeSpecification' is not defined"
        in (report["warnings"])
    )
    optional = {row["name"]: row for row in report["optional"]}
    assert optional["createTimestamp"]["from"] == ["operational"]
    assert {row["name"]: row["type"] for row in report["required"]}["sn"] == "binary"


def test_recorded_json_and_server_supplied(capsys: pytest.CaptureFixture[str]) -> None:
    """A JSON dump (the recorded AD schema) works; server-supplied attributes are apart."""
    ad = str(DATA / "ad-2012r2-subschema.json")
    assert main(["schema", "--schema", ad, "--class", "user", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {row["name"] for row in report["server_supplied"]} == {"instanceType", "objectSid"}
    assert main(["schema", "--schema", ad, "--class", "user"]) == 0
    assert "Required, but supplied by the server (2):" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--schema", OPENLDAP, "--class", "noSuchClass"], "'noSuchClass' is not defined"),
        (["--schema", "/nonexistent.ldif", "--class", "person"], "cannot read the file"),
        (["--schema", "/nonexistent.json", "--class", "person"], "cannot read the file"),
    ],
)
def test_bad_usage_exits_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    """An unknown class or an unreadable file is bad usage: exit code 2 and a message."""
    assert main(["schema", *args]) == 2
    assert message in capsys.readouterr().err


def test_ldif_without_subschema_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An LDIF file with no subschema entry is refused with a clear message."""
    path = tmp_path / "people.ldif"
    path.write_text("dn: dc=lab\ndc: lab\nobjectClass: domain\n")
    assert main(["schema", "--schema", str(path), "--class", "person"]) == 2
    assert "no entry with objectClasses or attributeTypes" in capsys.readouterr().err


def test_malformed_ldif_names_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Malformed LDIF is reported with its line number."""
    path = tmp_path / "bad.ldif"
    path.write_text("dn: cn=Subschema\nobjectClasses ( 1.2 )\n")
    assert main(["schema", "--schema", str(path), "--class", "person"]) == 2
    assert f"{path}:" in capsys.readouterr().err


@pytest.mark.parametrize(
    "name",
    ["openldap-2.5-subschema-ldapsearch-default.ldif", "openldap-2.5-subschema-ldapsearch-L.ldif"],
)
def test_reads_ldapsearch_output_as_written(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """ldapsearch's default output (comments, trailer, lines folded at 76) reads like -LLL."""
    assert main(["schema", "--schema", OPENLDAP, *POSIX_ARGS, "--json"]) == 0
    expected = json.loads(capsys.readouterr().out)
    assert main(["schema", "--schema", str(DATA / name), *POSIX_ARGS, "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    report = json.loads(captured.out)
    assert report["required"] == expected["required"]
    assert report["optional"] == expected["optional"]
    assert report["warnings"] == expected["warnings"]


def test_two_entries_where_one_is_expected_says_which_it_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A dump holding the Root DSE before the subschema entry uses the latter and says so."""
    rootdse = RECORDED / "openldap-2.5-ldapsearch-default.ldif"
    schema = DATA / "openldap-2.5-subschema-ldapsearch-default.ldif"
    path = tmp_path / "both.ldif"
    path.write_bytes(rootdse.read_bytes() + schema.read_bytes())
    assert main(["schema", "--schema", str(path), *POSIX_ARGS]) == 0
    captured = capsys.readouterr()
    assert "Required attributes (7):" in captured.out
    assert captured.err == (
        f"ldapconnector schema: warning: {path}: used the entry with DN 'cn=Subschema' "
        "(the subschema entry); ignored 1 other entry\n"
    )
