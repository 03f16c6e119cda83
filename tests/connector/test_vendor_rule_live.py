"""A product detection does not know, recognised live through a contributed vendor rule.

slapd presents the Root DSE of "Contoso Directory Works" (its own marks hidden); the rule
comes from an entry point, and the Connector uses it without being told: its delta source
(timestamps, although the server advertises cn=accesslog) and its disable method
(``description: disabled``) drive the delta import and the export.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import EntryPoint

import pytest

from ldapconnector.cli._demo_data import posix_example, user_record
from ldapconnector.config import ConnectorConfig
from ldapconnector.connection import open_connection
from ldapconnector.connector import Connector
from ldapconnector.detect import (
    VENDOR_RULES_ENTRY_POINT_GROUP,
    AnchorCandidate,
    DeltaSource,
    DisableMethod,
    Signal,
    SignalKind,
    Vendor,
    VendorRule,
    Weight,
    installed_vendor_rules,
)
from ldapconnector.profiles import ExportOutcome
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer, present_root_dse

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

CONTOSO = Vendor("contoso-dw")
CONTOSO_RULE = VendorRule(
    vendor=CONTOSO,
    product="Contoso Directory Works",
    signals=(
        Signal(
            kind=SignalKind.VENDOR_NAME, value="Contoso Directory Works", weight=Weight.DECISIVE
        ),
    ),
    anchors=(AnchorCandidate(attribute="entryUUID"), AnchorCandidate(attribute="dn")),
    delta=(DeltaSource.TIMESTAMPS,),
    delta_note="the build's accesslog is for auditors only",
    disable=DisableMethod(attribute="description", value="disabled"),
)
POINT = EntryPoint(
    name="contoso", value=f"{__name__}:CONTOSO_RULE", group=VENDOR_RULES_ENTRY_POINT_GROUP
)


@pytest.fixture(name="contoso_server", scope="module")
def fixture_contoso_server() -> Iterator[OpenLDAPServer]:
    """A fresh slapd presenting Contoso's Root DSE (a server presents one for its life)."""
    with OpenLDAPServer() as server:
        present_root_dse(
            server,
            {"vendorName": ["Contoso Directory Works"], "vendorVersion": ["Contoso DW 4.2"]},
        )
        yield server


def _config(server: OpenLDAPServer) -> ConnectorConfig:
    data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
    data["run_profiles"] = {"delta_import": True}
    return ConnectorConfig.from_dict(data, allow_literal_password=True)


def test_without_the_rule_the_product_is_not_recognised(contoso_server: OpenLDAPServer) -> None:
    """The built-in table alone does not name Contoso (the test below needs the rule)."""
    with Connector(_config(contoso_server), vendor_rules=None) as connector:
        info = connector.server_info
    assert info.vendor != CONTOSO
    assert info.disable_method != CONTOSO_RULE.disable


def test_the_connector_detects_with_the_installed_rules_by_default() -> None:
    """Without ``vendor_rules`` the Connector takes the environment's entry points too."""
    config = ConnectorConfig.from_dict(
        {"connectivity": {"host": "127.0.0.1", "binding": "anonymous", "security": "none",
                          "allow_cleartext_bind": True}},
    )  # fmt: skip
    assert Connector(config).vendor_rules == installed_vendor_rules()


def test_the_contributed_rule_drives_detection_delta_and_disable(
    contoso_server: OpenLDAPServer,
) -> None:
    """Vendor, delta source and disable method of the entry point's rule reach the runs."""
    rules = installed_vendor_rules([POINT])
    record = user_record(731)
    with (
        SqliteLinkStore.in_memory() as store,
        Connector(_config(contoso_server), store=store, vendor_rules=rules) as connector,
    ):
        info = connector.server_info
        assert (info.vendor, info.product) == (CONTOSO, "Contoso Directory Works")
        assert info.delta_source is DeltaSource.TIMESTAMPS
        assert any("advertised but not used (accesslog" in e for e in info.evidence)
        assert connector.delta_import().source is DeltaSource.TIMESTAMPS
        created = connector.export([record]).results[0]
        assert created.outcome is ExportOutcome.CREATED
        disabled = connector.export([record | {"isSoftDeleted": True}]).results[0]
        assert disabled.outcome is ExportOutcome.DISABLED, disabled.error
    assert created.dn is not None
    with open_connection(contoso_server.connectivity_config(security="ldaps")) as conn:
        entry = conn.read_entry(created.dn, ("description",))
    assert entry is not None
    assert entry.texts("description") == ("disabled",)
