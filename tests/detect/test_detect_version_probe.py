"""Version probes: OpenLDAP's version from cn=Monitor when the Root DSE has none."""

from __future__ import annotations

from ldapconnector.detect import (
    VERSION_PROBES,
    Vendor,
    apply_version_probe,
    fingerprint,
    version_probe_for,
)

OPENLDAP_ROOT = {
    "objectClass": ["top", "OpenLDAProotDSE"],
    "configContext": ["cn=config"],
    "monitorContext": ["cn=Monitor"],
    "supportedControl": ["1.2.840.113556.1.4.319"],
}


def test_probe_only_when_version_unknown_and_monitor_published() -> None:
    """OpenLDAP with a monitor context gets a probe; without one, or another vendor, none."""
    info = fingerprint(OPENLDAP_ROOT)
    assert info.vendor is Vendor.OPENLDAP
    assert version_probe_for(info, ["cn=Monitor"]) is VERSION_PROBES[Vendor.OPENLDAP]
    assert version_probe_for(info, []) is None
    other = fingerprint({"vendorName": ["389 Project"], "vendorVersion": ["389-Directory/2.3.1"]})
    assert version_probe_for(other, ["cn=Monitor"]) is None


def test_monitored_info_gives_the_version_with_evidence() -> None:
    """monitoredInfo's slapd version becomes the version, and the evidence says so."""
    info = fingerprint(OPENLDAP_ROOT)
    probe = VERSION_PROBES[Vendor.OPENLDAP]
    found = apply_version_probe(
        info, probe, ["OpenLDAP: slapd 2.5.13+dfsg-5 (Feb  8 2023 01:56:12)"]
    )
    assert found.version == "2.5.13"
    assert any("monitoredInfo" in e and "2.5.13" in e for e in found.evidence)
    unknown = apply_version_probe(info, probe, ["something else"])
    assert unknown.version is None
    assert any("did not tell a version" in e for e in unknown.evidence)
