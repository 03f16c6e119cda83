"""Live detection against the real throwaway slapd."""

from __future__ import annotations

import attrs
import pytest

from ldapconnector.config import ConnectorConfig
from ldapconnector.connection import open_connection
from ldapconnector.connector import Connector, detect
from ldapconnector.detect import (
    Confidence,
    DeltaSource,
    DisableMethod,
    Signal,
    SignalKind,
    Vendor,
    VendorRules,
    Weight,
    default_rules,
)
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


def _in_house_rules(server: OpenLDAPServer) -> VendorRules:
    # A fork's rule: OpenLDAP's evidence plus what only the in-house build shows (its suffix).
    openldap = default_rules().rule_for(Vendor.OPENLDAP)
    marker = Signal(kind=SignalKind.NAMING_CONTEXT, value=server.base_dn, weight=Weight.STRONG)
    rule = attrs.evolve(
        openldap,
        vendor=Vendor("in-house"),
        product="Contoso in-house LDAP",
        signals=(*openldap.signals, marker),
        disable=DisableMethod(attribute="description", value="disabled"),
    )
    return default_rules().with_rule(rule)


def test_a_custom_vendor_rule_recognises_the_live_server(
    openldap_server: OpenLDAPServer,
) -> None:
    """detect(rules=...) and Connector(vendor_rules=...) name the in-house vendor live."""
    rules = _in_house_rules(openldap_server)
    info = detect(openldap_server.connectivity_config(security="ldaps"), rules=rules)
    assert info.vendor == Vendor("in-house")
    assert info.product == "Contoso in-house LDAP"
    assert info.confidence is Confidence.HIGH
    assert info.conflicts == ()
    assert info.delta_source is DeltaSource.ACCESSLOG
    assert info.disable_method == DisableMethod(attribute="description", value="disabled")
    assert any(e.endswith("-> in-house (strong)") for e in info.evidence)
    config = ConnectorConfig.from_dict(
        {"connectivity": openldap_server.connectivity(), "object_type": {"target": "person"}},
        allow_literal_password=True,
    )
    with Connector(config, vendor_rules=rules) as connector:
        assert connector.server_info.vendor == Vendor("in-house")
    with Connector(config) as connector:
        assert connector.server_info.vendor is Vendor.OPENLDAP
