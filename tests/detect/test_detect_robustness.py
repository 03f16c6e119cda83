"""Detection never crashes and never trusts one signal: empty, odd and conflicting input."""

from __future__ import annotations

from pathlib import Path

import pytest

import ldapconnector.testing
from ldapconnector._ldif_io import read_ldif_file
from ldapconnector.detect import Confidence, DeltaSource, RootDSE, Vendor, fingerprint

# The recorded Root DSEs ship with the package (ldapconnector.testing.recorded_servers()).
DATA = Path(ldapconnector.testing.__file__).resolve().parent / "data" / "recorded"


def load_entry(name: str) -> dict[str, tuple[str | bytes, ...]]:
    """Return the attributes of the first record of a recorded data file."""
    return read_ldif_file(DATA / name)[0].attributes


@pytest.mark.parametrize("root_dse", [None, {}, {"namingContexts": []}])
def test_empty_root_dse_is_unknown_with_evidence(root_dse: object) -> None:
    """An empty Root DSE is an answer: unknown, no confidence, no delta source, evidence."""
    info = fingerprint(root_dse)  # type: ignore[arg-type]
    assert info.vendor is Vendor.UNKNOWN
    assert info.confidence is Confidence.NONE
    assert info.delta_source is None
    assert info.anchor == "dn"
    assert any("empty" in e for e in info.evidence)


def test_unknown_server_gets_only_what_its_root_dse_proves() -> None:
    """A server with standard attributes only is unknown, read by timestamps, anchored on dn."""
    info = fingerprint(
        {
            "namingContexts": ["o=acme"],
            "supportedControl": ["1.2.840.113556.1.4.319", "1.3.6.1.4.1.4203.1.9.1.1"],
            "vendorName": ["Acme Directory Inc."],
        }
    )
    assert info.vendor is Vendor.UNKNOWN
    assert info.product is None
    assert info.delta_source is DeltaSource.TIMESTAMPS
    assert info.anchor == "dn"
    assert any("advertised but not used (syncrepl)" in e for e in info.evidence)


def test_a_single_hint_does_not_name_a_vendor() -> None:
    """One weak signal (an eDirectory OID) is reported as a hint, not as a vendor."""
    info = fingerprint({"supportedExtension": ["2.16.840.1.113719.1.27.100.1"]})
    assert info.vendor is Vendor.UNKNOWN
    assert any("hint for edirectory" in e for e in info.evidence)


def test_conflicting_evidence_lowers_confidence_and_is_reported() -> None:
    """An OpenLDAP Root DSE claiming to be 389 DS keeps one answer but says it is unsure."""
    root = dict(load_entry("openldap-2.5.ldif"))
    root["vendorName"] = ("389 Project",)
    info = fingerprint(root)
    assert info.vendor is Vendor.OPENLDAP
    assert info.confidence is Confidence.MEDIUM
    assert any("389ds" in c for c in info.conflicts)


def test_both_ad_capabilities_are_a_conflict_not_a_crash() -> None:
    """A Root DSE listing both the AD DS and the AD LDS capability is reported as a tie."""
    root = dict(load_entry("ad-lds-2019.ldif"))
    root["supportedCapabilities"] = (*root["supportedCapabilities"], "1.2.840.113556.1.4.800")
    info = fingerprint(root)
    assert info.vendor in (Vendor.AD_LDS, Vendor.AD_DS)
    assert info.conflicts
    assert info.confidence is not Confidence.HIGH


def test_duplicated_controls_are_folded_and_reported() -> None:
    """Samba lists some controls more than once: each appears once, the quirk is evidence."""
    info = fingerprint(load_entry("samba-4.17.ldif"))  # a real capture: 21 values, 16 OIDs
    oids = [c.oid for c in info.supported_controls]
    assert len(oids) == len(set(oids)) == 16
    assert any("supportedControl: 5 duplicate values ignored" in e for e in info.evidence)


def test_apacheds_dirsync_and_syncrepl_are_not_trusted() -> None:
    """ApacheDS advertises DirSync and syncrepl; detection ignores both and says why."""
    info = fingerprint(load_entry("apacheds-2.0.0-M26.ldif"))
    assert info.vendor is Vendor.APACHEDS
    assert info.delta_source is DeltaSource.TIMESTAMPS
    assert DeltaSource.DIRSYNC not in info.delta_sources
    assert any("dirsync" in e and "implements neither" in e for e in info.evidence)


def test_hidden_vendor_name_still_identifies_389() -> None:
    """Without vendorName, 389 DS is still recognised from vendorVersion and its hints."""
    root = {k: v for k, v in load_entry("389ds-1.3.3.ldif").items() if k != "vendorName"}
    info = fingerprint(root)
    assert info.vendor is Vendor.DS389
    assert "the Root DSE publishes no vendorName" in info.evidence


def test_hidden_vendor_strings_with_schema_identify_edirectory() -> None:
    """eDirectory without vendorName/vendorVersion is found from its tree name and schema,
    one confidence level below what the same evidence gives with the vendor strings."""
    hidden = {"vendorname", "vendorversion"}
    root = {k: v for k, v in load_entry("edirectory-9.1.4.ldif").items() if k.lower() not in hidden}
    alone = fingerprint(root)
    probed = fingerprint(root, load_entry("edirectory-9.1.4.schema.ldif"))
    assert alone.vendor is probed.vendor is Vendor.EDIRECTORY
    assert alone.confidence is Confidence.LOW
    assert probed.confidence is Confidence.MEDIUM
    assert any("what a rebrand keeps" in e for e in probed.evidence)


def test_netscape_hints_alone_are_a_tie_with_low_confidence() -> None:
    """Shared Netscape-heritage hints cannot tell 389 DS from ODSEE: low confidence, a tie."""
    root = {
        "netscapemdsuffix": ["cn=ldap://dc=x:389"],
        "dataversion": ["020240101000000"],
        "supportedExtension": ["2.16.840.1.113730.3.5.7"],
    }
    info = fingerprint(root)
    assert info.vendor in (Vendor.DS389, Vendor.ORACLE_DSEE)
    assert info.confidence is Confidence.LOW
    assert any("equally consistent" in c for c in info.conflicts)


def test_attribute_names_are_case_insensitive_and_values_may_be_bytes() -> None:
    """Lower-case names, bytes values and bare strings are all accepted."""
    info = fingerprint(
        {
            "objectclass": b"OpenLDAProotDSE",
            "NAMINGCONTEXTS": [b"dc=example,dc=org"],
            "configcontext": "cn=config",
        }
    )
    assert info.vendor is Vendor.OPENLDAP
    assert info.naming_contexts == ("dc=example,dc=org",)


def test_undecodable_bytes_and_odd_values_do_not_crash() -> None:
    """Invalid UTF-8 and non-string values are turned into text, never an exception."""
    info = fingerprint({"vendorName": [b"\xff\xfe"], "supportedLDAPVersion": [3], "x": None})
    assert info.vendor is Vendor.UNKNOWN
    assert info.ldap_versions == ("3",)


@pytest.mark.parametrize(
    ("vendor_name", "vendor_version", "product"),
    [
        ("Wren Security", "Wren:DS 4.0.0", "Wren:DS"),
        ("ForgeRock AS.", "PingDS 8.0.0", "PingDS"),
        ("Open Identity Platform Community", "OpenDJ 4.6.2", "OpenDJ (Open Identity Platform)"),
        ("Red Hat, Inc.", "Red Hat-Directory/11.7", "Red Hat Directory Server"),
        (
            "Novell, Inc.",
            "LDAP Agent for Novell eDirectory 8.8 SP5 (20219.15)",
            "Novell eDirectory",
        ),
        ("Oracle Corporation", "Oracle Unified Directory 11.1.2.3.0", "Oracle Unified Directory"),
        (
            "Sun Microsystems, Inc.",
            "Sun-Java(tm)-System-Directory/6.3",
            "Sun Java System Directory Server",
        ),
    ],
)
def test_forks_and_rebrands_are_reported_by_product(
    vendor_name: str, vendor_version: str, product: str
) -> None:
    """Forks keep their family's vendor value and name themselves in ``product``."""
    info = fingerprint({"vendorName": [vendor_name], "vendorVersion": [vendor_version]})
    assert info.product == product
    assert info.vendor is not Vendor.UNKNOWN


def test_fingerprint_accepts_a_root_dse_model() -> None:
    """A prepared RootDSE is used as is."""
    root = RootDSE.from_mapping(load_entry("opendj-2.6.ldif"))
    assert fingerprint(root).vendor is Vendor.OPENDJ


def test_empty_schema_is_reported_and_ignored() -> None:
    """A schema mapping without definitions adds a note and changes nothing else."""
    info = fingerprint(load_entry("openldap-2.5.ldif"), {"cn": ["Subschema"]})
    assert info.vendor is Vendor.OPENLDAP
    assert any("defines no object class" in e for e in info.evidence)
