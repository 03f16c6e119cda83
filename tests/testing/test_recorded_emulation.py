"""OpenLDAP presenting a recorded vendor's Root DSE: live detection answers as that vendor."""

from __future__ import annotations

import pytest

from ldapconnector.connector import detect
from ldapconnector.detect import Vendor
from ldapconnector.testing import (
    OpenLDAPServer,
    TestServerError,
    present_recorded_root_dse,
    recorded,
)

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

VENDORS = ["edirectory-9.1.4", "ad-ds-2012r2", "oracle-dsee-11.1.1.7", "opendj-2.6", "ibm-sds-6.4"]


@pytest.mark.parametrize("name", VENDORS)
def test_live_detection_gets_the_recorded_vendors_answer(name: str) -> None:
    """Vendor, product, version, confidence and delta source are the vendor's; so is the
    anchor, unless it needs the vendor's schema (which slapd does not carry)."""
    expected = recorded(name).server_info
    with OpenLDAPServer() as server:
        present_recorded_root_dse(server, name)
        info = detect(server.connectivity_config(security="ldaps"))
    assert info.vendor is expected.vendor
    assert info.vendor is not Vendor.OPENLDAP
    assert (info.product, info.version) == (expected.product, expected.version)
    assert info.confidence is expected.confidence
    assert info.delta_source is expected.delta_source
    if info.anchor != expected.anchor:
        # The schema stays slapd's: an anchor the vendor's schema defines is not there.
        assert f"anchor {expected.anchor} not recommended: the schema does not define it" in (
            info.evidence
        )
    assert info.conflicts == ()
    assert not any("OpenLDAProotDSE" in e for e in info.evidence)


def test_what_slapd_cannot_carry_is_listed_and_the_rest_is_defined() -> None:
    """eDirectory's empty naming context is left out, with why; its own attributes get types."""
    with OpenLDAPServer() as server:
        emulation = present_recorded_root_dse(server, "edirectory-9.1.4")
        with pytest.raises(TestServerError, match="already presents"):
            present_recorded_root_dse(server, "ad-ds-2012r2")
    left_out = dict(emulation.left_out)
    assert "empty DN" in left_out["namingContexts"]
    assert "slapd computes it" in left_out["subschemaSubentry"]
    assert "directoryTreeName" in emulation.defined
    assert "vendorName" not in emulation.defined  # slapd defines it (RFC 3045)
    assert "vendorName" in emulation.presented
