"""Change readers are pluggable: the contract suite runs against the shipped accesslog
reader and a plug-in reader for a source the table lacks, which a Connector then uses."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import Any

import attrs
import pytest

from ldapconnector.anchors import AnchorStrategy, anchor_of_entry
from ldapconnector.cli._demo_data import posix_example
from ldapconnector.config import ConnectorConfig
from ldapconnector.connection import LdapConnection, open_connection
from ldapconnector.connector import Connector
from ldapconnector.detect import DeltaSource
from ldapconnector.errors import ConfigurationError, FullImportRequiredError
from ldapconnector.escaping import escape_filter_value
from ldapconnector.profiles.delta import (
    AccesslogReader,
    ChangeRecord,
    ChangeType,
    DeleteCoverage,
    LogItem,
    ReaderOptions,
    ReaderSpec,
    RenameEvidence,
    choose_delta_source,
    default_readers,
)
from ldapconnector.testing import OpenLDAPServer
from ldapconnector.testing.change_reader_contract import ChangeReaderContract, MakeChanges

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

_NUMBERS = itertools.count(1)


@attrs.frozen(kw_only=True)
class EntryCsnReader:
    """A plug-in reader: OpenLDAP entries whose ``entryCSN`` is after the state's CSN.

    Polls the data (no log): adds and modifies, no deletes. Gap detection: a CSN later
    than every entry's was not issued by this database.
    """

    bases: tuple[str, ...]
    anchor: AnchorStrategy

    @property
    def source(self) -> DeltaSource:
        return DeltaSource.SYNCREPL  # a source the shipped table has no reader for

    @property
    def deletes_covered(self) -> bool:
        return False

    def _context_csn(self, connection: LdapConnection) -> str:
        """The latest entryCSN under the bases (the position of the newest change)."""
        csns = (
            str(entry.first("entryCSN"))
            for base in self.bases
            for entry in connection.search(base, attributes=("entryCSN",))
        )
        return max(csns, default="")

    def baseline(self, connection: LdapConnection) -> Mapping[str, Any]:
        return {"csn": self._context_csn(connection)}

    def check(self, connection: LdapConnection, state: Mapping[str, Any]) -> None:
        csn = state.get("csn")
        if not isinstance(csn, str) or csn > self._context_csn(connection):
            raise FullImportRequiredError(f"entryCSN watermark {csn!r} is not from this server")

    def read(self, connection: LdapConnection, state: Mapping[str, Any]) -> Iterator[LogItem]:
        after = str(state["csn"])
        query = f"(&(objectClass=inetOrgPerson)(entryCSN>={escape_filter_value(after)}))"
        wanted = ("*", "entryCSN", *self.anchor.search_attributes)
        found = [
            e for base in self.bases for e in connection.search(base, query, attributes=wanted)
        ]
        for entry in sorted(found, key=lambda e: str(e.first("entryCSN"))):
            csn = str(entry.first("entryCSN"))
            if csn == after:
                continue
            record = ChangeRecord(
                type=ChangeType.MODIFY, dn=entry.dn, anchor=anchor_of_entry(entry, self.anchor),
                position=csn, source=DeltaSource.SYNCREPL,
            )  # fmt: skip
            yield LogItem(record=record, state={"csn": csn})


def _entry_csn_reader(options: ReaderOptions) -> EntryCsnReader:
    return EntryCsnReader(bases=options.bases, anchor=options.anchor_strategy)


ENTRY_CSN_SPEC = ReaderSpec(
    source=DeltaSource.SYNCREPL, label="entryCSN polling", factory=_entry_csn_reader,
    default_log_dn=None, deletes=DeleteCoverage.NONE, renames=RenameEvidence.KNOWN_DN,
    actors=False,
)  # fmt: skip


@pytest.fixture(name="connection")
def fixture_connection(openldap_server: OpenLDAPServer) -> Iterator[LdapConnection]:
    """The admin's connection (it may read cn=accesslog)."""
    config = openldap_server.connectivity_config(security="ldaps", as_service=False)
    with open_connection(config) as connection:
        yield connection


@pytest.fixture(name="make_changes")
def fixture_make_changes(
    connection: LdapConnection, openldap_server: OpenLDAPServer
) -> MakeChanges:
    """Adds n new people, one after the other."""

    def make(count: int) -> None:
        for _ in range(count):
            uid = f"reader-contract-{next(_NUMBERS)}"
            connection.add(
                f"uid={uid},{openldap_server.people_dn}",
                {"objectClass": ["inetOrgPerson"], "uid": uid, "cn": uid, "sn": "Contract"},
            )

    return make


def _strategy() -> AnchorStrategy:
    from ldapconnector.anchors import strategy_for

    return strategy_for("entryUUID")


class TestAccesslogReaderContract(ChangeReaderContract):
    """The shipped accesslog reader passes the contract."""

    @pytest.fixture(name="reader")
    def fixture_reader(self) -> AccesslogReader:
        return AccesslogReader(log_dn="cn=accesslog", anchor_kind=_strategy().kind)

    @pytest.fixture(name="unresumable_state")
    def fixture_unresumable_state(self) -> Mapping[str, Any]:
        return {"csn": "20000101000000.000000Z#000000#000#000000", "anchored": True}


class TestPluginReaderContract(ChangeReaderContract):
    """The plug-in reader passes the same contract."""

    @pytest.fixture(name="reader")
    def fixture_reader(self, openldap_server: OpenLDAPServer) -> EntryCsnReader:
        spec = default_readers().with_reader(ENTRY_CSN_SPEC).get(DeltaSource.SYNCREPL)
        assert spec is not None
        options = ReaderOptions(anchor_strategy=_strategy(), bases=(openldap_server.people_dn,))
        reader = spec.factory(options)
        assert isinstance(reader, EntryCsnReader)
        return reader

    @pytest.fixture(name="unresumable_state")
    def fixture_unresumable_state(self) -> Mapping[str, Any]:
        return {"csn": "29991231235959.999999Z#ffffff#fff#ffffff"}


def test_the_shipped_registry_has_no_syncrepl_reader_and_refuses_a_clash() -> None:
    """A plug-in is what makes syncrepl readable; a second reader of a source is refused."""
    assert DeltaSource.SYNCREPL not in default_readers().sources
    plugged = default_readers().with_reader(ENTRY_CSN_SPEC)
    assert DeltaSource.SYNCREPL in plugged.sources
    with pytest.raises(ValueError, match="registered already"):
        plugged.with_reader(ENTRY_CSN_SPEC)


def test_a_configured_source_needs_a_reader(openldap_server: OpenLDAPServer) -> None:
    """Naming a source without a reader is a configuration error listing the readers."""
    config = ConnectorConfig.from_dict(
        posix_example(
            openldap_server.connectivity(security="ldaps"), people_dn=openldap_server.people_dn
        ),
        allow_literal_password=True,
    )
    with Connector(config) as connector:
        info = connector.server_info
    with pytest.raises(ConfigurationError, match="no reader for 'syncrepl'"):
        choose_delta_source(
            info, stored=None, dirsync_permitted=False, configured=DeltaSource.SYNCREPL
        )
    choice = choose_delta_source(
        info, stored=None, dirsync_permitted=False, configured=DeltaSource.SYNCREPL,
        readers=default_readers().with_reader(ENTRY_CSN_SPEC),
    )  # fmt: skip
    assert choice.source is DeltaSource.SYNCREPL


def test_a_connector_runs_its_delta_import_with_the_plugged_reader(
    fresh_openldap_server: OpenLDAPServer,
) -> None:
    """Connector(readers=..., delta_source=...) reads changes through the plug-in."""
    server = fresh_openldap_server
    data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
    data["run_profiles"] = {**data.get("run_profiles", {}), "delta_import": True}
    config = ConnectorConfig.from_dict(data, allow_literal_password=True)
    readers = default_readers().with_reader(ENTRY_CSN_SPEC)
    connector = Connector(config, readers=readers, delta_source=DeltaSource.SYNCREPL)
    with connector:
        assert connector.delta_import().baseline
        admin = server.connectivity_config(security="ldaps", as_service=False)
        with open_connection(admin) as writer:
            writer.add(
                f"uid=plugged,{server.people_dn}",
                {"objectClass": ["inetOrgPerson"], "uid": "plugged", "cn": "P", "sn": "P"},
            )
        result = connector.delta_import()
        dns = [record.dn for record in result.records()]
    assert result.source is DeltaSource.SYNCREPL
    assert dns == [f"uid=plugged,{server.people_dn}"]
