"""A plugged anchor strategy on a real slapd: export, full import, modify, rename, delete.

The plug-in (``ldapconnector.testing.anchor_plugin.ENTRY_UUID_HEX``) keeps slapd's
``entryUUID`` as 32 upper-case hex digits: the link store holds that form, while every
search the connector sends carries the server's RFC 4530 form. A user renamed behind the
connector's back is found again by the plugged anchor alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from ldapconnector.anchors import AnchorKind, AnchorRegistry, default_anchors
from ldapconnector.cli._demo_data import posix_example, users
from ldapconnector.config import ConnectorConfig
from ldapconnector.connection import open_connection
from ldapconnector.connector import Connector
from ldapconnector.errors import ConfigurationError, NoSuchObjectError
from ldapconnector.model import SearchScope
from ldapconnector.profiles import ExportOutcome
from ldapconnector.space import LinkState, LinkStoreError, SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer
from ldapconnector.testing.anchor_plugin import ENTRY_UUID_HEX

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

HEX_KIND = AnchorKind("entryUUIDHex")
USERS = 6


def make_config(server: OpenLDAPServer) -> ConnectorConfig:
    """The POSIX example, anchored on the plug-in's kind, every run profile on."""
    data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
    data["object_type"]["anchor"] = "entryUUIDHex"
    data["run_profiles"] = {"full_import": True, "delta_import": True, "export": True}
    return ConnectorConfig.from_dict(data, allow_literal_password=True)


@attrs.define
class Scenario:
    """One slapd, one link-store file, the plug-in's registry and the source records."""

    server: OpenLDAPServer
    path: Path
    anchors: AnchorRegistry
    records: list[dict[str, Any]]

    def connector(self, store: SqliteLinkStore) -> Connector:
        """A connector with the plug-in registered explicitly."""
        return Connector(make_config(self.server), store=store, anchors=self.anchors)

    def store(self) -> SqliteLinkStore:
        """The link-store file, read with the plug-in's registry."""
        return SqliteLinkStore.open(self.path, anchors=self.anchors)

    def entry_uuid(self, dn: str) -> str | None:
        """The entry's entryUUID as the server returns it, read independently of the store."""
        config = self.server.connectivity_config(security="ldaps", as_service=False)
        with open_connection(config) as connection:
            try:
                found = list(
                    connection.search(dn, "(objectClass=*)", scope=SearchScope.BASE,
                                      attributes=["entryUUID"], page_size=0)
                )  # fmt: skip
            except NoSuchObjectError:
                return None
        return found[0].texts("entryUUID")[0] if found else None


@pytest.fixture(name="scenario", scope="module")
def fixture_scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    """A slapd of its own and the first export of the users under the plugged anchor."""
    path = tmp_path_factory.mktemp("plugged") / "space.db"
    anchors = default_anchors().with_strategy(ENTRY_UUID_HEX)
    with OpenLDAPServer() as server:
        scenario = Scenario(server=server, path=path, anchors=anchors, records=users(USERS))
        with scenario.store() as store, scenario.connector(store) as connector:
            first = connector.export(scenario.records)
        assert first.summary["created"] == USERS, first.failed[:3]
        yield scenario


def test_the_store_holds_the_plugged_form_of_the_servers_value(scenario: Scenario) -> None:
    """Each link's anchor is the plug-in's kind, its value the entryUUID in hex, read back."""
    with scenario.store() as store:
        links = list(store.iter_links())
    assert len(links) == USERS
    for link in links:
        assert link.anchor.kind == HEX_KIND
        assert link.anchor.strategy is ENTRY_UUID_HEX
        server_value = scenario.entry_uuid(link.dn)
        assert server_value is not None
        assert link.anchor.value == uuid.UUID(server_value).hex.upper()
        assert link.anchor.search_filter() == f"(entryUUID={server_value})"


def test_a_full_import_reads_the_plugged_anchor(scenario: Scenario) -> None:
    """The full import gives every user with the plugged anchor its link holds."""
    with scenario.store() as store, scenario.connector(store) as connector:
        imported = {obj.anchor: obj.dn for obj in connector.full_import()}
        linked = {link.anchor: link.dn for link in store.iter_links()}
    assert len(imported) == USERS
    assert {a.kind for a in imported} == {HEX_KIND}
    assert imported == linked


def test_modify_rename_and_delete_go_through_the_plugged_anchor(scenario: Scenario) -> None:
    """A user renamed behind our back is found by anchor; modify and delete find theirs."""
    renamed, modified, deleted = scenario.records[0], scenario.records[1], scenario.records[2]
    with scenario.store() as store:
        old_dn = store.get_by_source(renamed["id"]).dn  # type: ignore[union-attr]
        gone_dn = store.get_by_source(deleted["id"]).dn  # type: ignore[union-attr]
    # Someone moves the user aside: the link's DN is stale, only the anchor still holds.
    config = scenario.server.connectivity_config(security="ldaps", as_service=False)
    with open_connection(config) as connection:
        aside = connection.modify_dn(old_dn, "cn=moved-aside", delete_old_rdn=False)
    modified["surname"] = "Plugged"
    deleted["@deleted"] = True
    with scenario.store() as store, scenario.connector(store) as connector:
        report = connector.export(scenario.records)
        by_id = {result.id: result for result in report.results}
        assert by_id[renamed["id"]].outcome is ExportOutcome.RENAMED, by_id[renamed["id"]]
        assert by_id[modified["id"]].outcome is ExportOutcome.UPDATED, by_id[modified["id"]]
        assert by_id[deleted["id"]].outcome is ExportOutcome.DELETED, by_id[deleted["id"]]
        assert store.get_by_source(renamed["id"]).dn.lower() == old_dn.lower()  # type: ignore[union-attr]
        assert store.get_by_source(deleted["id"]).state is LinkState.DELETED  # type: ignore[union-attr]
    assert scenario.entry_uuid(aside) is None
    assert scenario.entry_uuid(old_dn) is not None
    assert scenario.entry_uuid(gone_dn) is None
    with scenario.store() as store, scenario.connector(store) as connector:
        again = connector.export(scenario.records)
    assert again.summary["unchanged"] == USERS, again.results


def test_a_store_without_the_plugin_names_the_missing_kind(scenario: Scenario) -> None:
    """Reading the links without the plug-in fails clearly, naming the stored kind."""
    with (
        SqliteLinkStore.open(scenario.path) as store,
        pytest.raises(LinkStoreError, match=r"'entryUUIDHex'.*install its plug-in"),
    ):
        list(store.iter_links())


def test_a_connector_without_the_plugin_refuses_the_configured_kind(scenario: Scenario) -> None:
    """Without the strategy, [object_type] anchor is refused with the registered names."""
    with (
        SqliteLinkStore.in_memory() as store,
        Connector(make_config(scenario.server), store=store, anchors=default_anchors()) as c,
        pytest.raises(ConfigurationError, match='"entryUUIDHex" is not an anchor kind'),
    ):
        c.anchor_strategy()


def test_the_accesslog_refuses_the_plugged_kind(scenario: Scenario) -> None:
    """A change log that names entries by entryUUID cannot carry the plug-in's kind."""
    with (
        scenario.store() as store,
        scenario.connector(store) as connector,
        pytest.raises(ConfigurationError, match="not entryUUIDHex"),
    ):
        connector.delta_import(reset=True)
