"""Live detection against the real throwaway slapd."""

from __future__ import annotations

import pytest

from ldapconnector.connection import open_connection
from ldapconnector.connector import detect
from ldapconnector.detect import DeltaSource, Vendor
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


def test_openldap_is_identified_with_accesslog_and_entryuuid(
    openldap_server: OpenLDAPServer,
) -> None:
    """slapd is OpenLDAP, offers accesslog at cn=accesslog, and recommends entryUUID."""
    info = detect(openldap_server.connectivity_config(security="ldaps"))
    assert info.vendor is Vendor.OPENLDAP
    assert info.anchor == "entryUUID"
    assert info.delta_source is DeltaSource.ACCESSLOG
    assert info.change_log_dn == "cn=accesslog"
    assert openldap_server.base_dn in info.default_partitions
    assert "cn=accesslog" not in info.default_partitions
    assert info.certificate is not None


def test_detection_costs_at_most_three_round_trips(openldap_server: OpenLDAPServer) -> None:
    """Detecting over an open connection sends no more than three requests."""
    with open_connection(openldap_server.connectivity_config(security="ldaps")) as conn:
        before = conn.requests_sent
        info = detect(conn)
        assert conn.requests_sent - before <= 3
    assert info.vendor is Vendor.OPENLDAP
