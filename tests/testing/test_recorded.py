"""The recorded vendor data ldapconnector.testing ships: listing, provenance, loading."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest

import ldapconnector
from ldapconnector.detect import Vendor, fingerprint
from ldapconnector.schema import Schema
from ldapconnector.testing import (
    Provenance,
    RecordedCapture,
    TestServerError,
    read_ldif,
    read_recorded_file,
    recorded,
    recorded_servers,
)

CAPTURES = recorded_servers()
DATA = resources.files("ldapconnector.testing").joinpath("data", "recorded")
# What each provenance's file header must say, in capitals where it is not a plain capture.
HEADER_WORDS = {
    Provenance.REAL_CAPTURE: "a real capture",
    Provenance.ALTERED_CAPTURE: "ALTERED real capture",
    Provenance.RECONSTRUCTED: "RECONSTRUCTED, not a capture",
}


def _ids(capture: RecordedCapture) -> str:
    return capture.name


def test_every_data_file_is_listed_once() -> None:
    """Each Root DSE and schema file of the package data belongs to one listed server."""
    files = sorted(p.name for p in DATA.iterdir() if p.name.endswith(".ldif"))
    listed = sorted(
        name for c in CAPTURES for name in (c.root_dse_file, c.schema_file) if name is not None
    )
    assert listed == files
    assert [c.name for c in CAPTURES] == sorted(c.name for c in CAPTURES)


def test_every_vendor_of_the_server_table_is_recorded() -> None:
    """The listing covers every built-in vendor except ``unknown``, with a provenance."""
    covered = {c.vendor for c in CAPTURES}
    assert covered == set(Vendor.builtins()) - {Vendor.UNKNOWN}
    assert {c.provenance for c in CAPTURES} == set(Provenance)


@pytest.mark.parametrize("capture", CAPTURES, ids=_ids)
def test_each_recorded_server_fingerprints_to_its_listed_vendor(capture: RecordedCapture) -> None:
    """recorded(name) gives the Root DSE and a ServerInfo naming the listed vendor and product."""
    server = recorded(capture.name)
    assert server.name == capture.name
    assert server.server_info.vendor is capture.vendor
    assert server.server_info.product == capture.product
    assert fingerprint(server.root_dse).vendor is capture.vendor


@pytest.mark.parametrize("capture", CAPTURES, ids=_ids)
def test_the_provenance_is_the_one_the_file_header_states(capture: RecordedCapture) -> None:
    """Reconstructed and altered data say so in capitals in their header; captures say whose."""
    assert HEADER_WORDS[capture.provenance] in capture.description
    others = set(HEADER_WORDS.values()) - {HEADER_WORDS[capture.provenance]}
    assert not any(words in capture.description for words in others - {"a real capture"})
    assert len(capture.description) > 60


@pytest.mark.parametrize("capture", [c for c in CAPTURES if c.schema_file], ids=_ids)
def test_a_recorded_schema_is_parsed_and_used_by_detection(capture: RecordedCapture) -> None:
    """Where a schema was recorded, it comes parsed, and its probes are in the evidence."""
    server = recorded(capture.name)
    assert isinstance(server.schema, Schema)
    assert server.subschema is not None
    assert server.schema.object_class("top") is not None
    assert any(e.startswith("schema probes:") for e in server.server_info.evidence)


def test_a_root_dse_only_capture_has_no_schema() -> None:
    """Without a recorded schema, schema and subschema are None."""
    server = recorded("isode-m-vault-19")
    assert server.schema is None
    assert server.subschema is None


def test_an_unknown_name_lists_the_recorded_ones() -> None:
    """A typo is a TestServerError naming the servers that exist."""
    with pytest.raises(TestServerError, match=r"no recorded server 'openldap-9'.*openldap-2\.5"):
        recorded("openldap-9")
    with pytest.raises(TestServerError, match="no recorded data file"):
        read_recorded_file("../openldap-config.ldif.in")  # a file, but not recorded data


def test_the_public_ldif_loader_reads_recorded_files() -> None:
    """read_ldif reads ldapsearch's default output (comments, version, result trailer) too."""
    raw = read_recorded_file("openldap-2.5-ldapsearch-default.ldif")
    assert b"# search result" in raw
    (entry,) = read_ldif(raw)
    assert entry.dn == ""
    assert "OpenLDAProotDSE" in entry.attributes["objectClass"]


def test_every_recorded_file_is_shipped_in_the_wheel() -> None:
    """A pattern of [tool.setuptools.package-data] matches each file, so pip install ships it."""
    package = Path(ldapconnector.__file__).parent
    # The project file sits beside tests/, wherever the package was installed from.
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["ldapconnector"]
    shipped = {path.resolve() for pattern in patterns for path in package.glob(pattern)}
    recorded_dir = package / "testing" / "data" / "recorded"
    files = {path.resolve() for path in recorded_dir.iterdir()}
    assert files
    assert files <= shipped
