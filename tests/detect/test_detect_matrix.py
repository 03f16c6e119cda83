"""Live detection of each server of the real-server matrix."""

from __future__ import annotations

from typing import Any

import pytest

from ldapconnector.connection import open_connection
from ldapconnector.connector import detect
from ldapconnector.detect import Confidence, DeltaSource, Vendor

pytestmark = pytest.mark.integration

# What detection must say about each live server (slapd's version comes from cn=Monitor).
EXPECTED = {
    "openldap": (Vendor.OPENLDAP, "OpenLDAP", "2.5", "entryUUID", DeltaSource.ACCESSLOG),
    "ds389": (Vendor.DS389, "389 Directory Server", "2.3.1", "entryUUID", DeltaSource.CHANGELOG),
    "samba": (Vendor.AD_DS, "Samba", "4.17", "objectGUID", DeltaSource.DIRSYNC),
}


def test_server_is_identified(directory_server: Any) -> None:
    """Vendor, product, version, anchor and change source are right for each live server."""
    vendor, product, version, anchor, delta = EXPECTED[directory_server.kind]
    info = detect(directory_server.server.connectivity_config(security="ldaps"))
    assert info.vendor is vendor
    assert info.product == product
    assert info.version == version or (version is not None and info.version.startswith(version))
    assert info.anchor == anchor
    assert info.delta_source is delta
    assert info.confidence is Confidence.HIGH
    assert info.certificate is not None
    assert info.default_partitions == (directory_server.base_dn,)


@pytest.mark.samba
def test_samba_offers_usn_as_well(samba_ad_server: Any) -> None:
    """Samba offers uSNChanged polling besides DirSync, and no change-log DN."""
    info = detect(samba_ad_server.connectivity_config(security="ldaps"))
    assert DeltaSource.USN_CHANGED in info.delta_sources
    assert info.change_log_dn is None


@pytest.mark.ds389
def test_389_changelog_and_partitions(ds389_server: Any) -> None:
    """389 DS's retro changelog is found at cn=changelog and kept out of the partitions."""
    with open_connection(ds389_server.connectivity_config(security="ldaps")) as conn:
        before = conn.requests_sent
        info = detect(conn)
        assert conn.requests_sent - before <= 3
    assert info.change_log_dn == "cn=changelog"
    assert "cn=changelog" in info.naming_contexts
    assert "cn=changelog" not in info.default_partitions
