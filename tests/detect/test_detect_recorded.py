"""Detection over recorded Root DSE captures (real ones, and ones rebuilt from vendor docs)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import ldapconnector.testing
from ldapconnector._ldif_io import read_ldif_file
from ldapconnector.detect import Vendor, fingerprint

# The recorded Root DSEs ship with the package (ldapconnector.testing.recorded_servers()).
DATA = Path(ldapconnector.testing.__file__).resolve().parent / "data" / "recorded"
EXPECTED_FILE = Path(__file__).resolve().parents[1] / "data" / "rootdse" / "expected.json"


def load_entry(name: str) -> dict[str, tuple[str | bytes, ...]]:
    """Return the attributes of the first record of a recorded data file."""
    return read_ldif_file(DATA / name)[0].attributes


EXPECTED: dict[str, dict[str, Any]] = {
    key: value
    for key, value in json.loads(EXPECTED_FILE.read_text()).items()
    if not key.startswith("_")
}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_recorded_root_dse_is_identified(case: str) -> None:
    """Each recorded Root DSE (with its schema where listed) gives the expected answer."""
    name, _, with_schema = case.partition("+")
    schema = load_entry(name.replace(".ldif", ".schema.ldif")) if with_schema else None
    info = fingerprint(load_entry(name), schema)
    expected = EXPECTED[case]
    actual = {
        "vendor": info.vendor.value,
        "product": info.product,
        "version": info.version,
        "anchor": info.anchor,
        "delta_source": info.delta_source.value if info.delta_source else None,
        "confidence": info.confidence.value,
    }
    assert actual == expected
    assert info.conflicts == ()
    assert info.evidence


def test_every_vendor_has_a_recorded_root_dse() -> None:
    """The data set covers every vendor of the contract except ``unknown``."""
    covered = {entry["vendor"] for entry in EXPECTED.values()}
    assert covered == {v.value for v in Vendor.builtins()} - {"unknown"}


@pytest.mark.parametrize("path", sorted(DATA.glob("*.ldif")), ids=lambda p: p.name)
def test_every_data_file_says_where_it_came_from(path: Any) -> None:
    """Each data file opens with a comment saying whether it is a capture or reconstructed."""
    header = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert header.startswith("# ")
    assert "capture" in header.lower()


@pytest.mark.parametrize("name", ["389ds-1.3.3.ldif", "edirectory-9.1.4.ldif"])
def test_schema_probes_add_evidence(name: str) -> None:
    """Giving the recorded schema adds schema-probe evidence to the same answer."""
    without = fingerprint(load_entry(name))
    with_schema = fingerprint(load_entry(name), load_entry(name.replace(".ldif", ".schema.ldif")))
    assert with_schema.vendor is without.vendor
    assert any(e.startswith("schema defines") for e in with_schema.evidence)
    assert not any(e.startswith("schema defines") for e in without.evidence)


def test_openldap_capture_reports_accesslog_and_partitions() -> None:
    """The OpenLDAP 2.5 capture offers accesslog at cn=accesslog, which is no partition."""
    info = fingerprint(load_entry("openldap-2.5.ldif"))
    assert info.change_log_dn == "cn=accesslog"
    assert info.naming_contexts == ("dc=contoso,dc=lab", "cn=accesslog")
    assert info.default_partitions == ("dc=contoso,dc=lab",)
    assert info.features_missing == ()
    assert info.disable_method is not None
    assert info.disable_method.attribute == "pwdAccountLockedTime"


def test_ad_capture_leaves_out_config_schema_and_dns_partitions() -> None:
    """The AD 2012 R2 capture lists five naming contexts but only the domain is a default."""
    info = fingerprint(load_entry("ad-ds-2012r2.ldif"))
    assert len(info.naming_contexts) == 5
    assert info.default_partitions == ("DC=AD2012,DC=LAB",)
    names = {c.oid: c.name for c in info.supported_capabilities}
    assert names["1.2.840.113556.1.4.800"] == "Active Directory (AD DS)"


def test_389_anchor_falls_back_to_nsuniqueid_before_1_4_4() -> None:
    """389 DS 1.3.3 predates the entryUUID plugin, so nsUniqueId is recommended and why."""
    info = fingerprint(load_entry("389ds-1.3.3.ldif"))
    assert info.anchor == "nsUniqueId"
    assert any("entryUUID not recommended" in e for e in info.evidence)


def test_ibm_change_log_dn_comes_from_the_root_dse() -> None:
    """IBM's Root DSE names its change log, and that DN is reported and excluded."""
    info = fingerprint(load_entry("ibm-sds-6.4.ldif"))
    assert info.change_log_dn == "CN=CHANGELOG"
    assert info.default_partitions == ("O=SAMPLE",)
