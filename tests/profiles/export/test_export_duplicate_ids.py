"""A source id twice in one run: every record of it is refused, in the plan and the export."""

from __future__ import annotations

import pytest

from ldapconnector.cli._demo_data import posix_example, user_record
from ldapconnector.config import ConnectorConfig
from ldapconnector.connection import open_connection
from ldapconnector.connector import Connector
from ldapconnector.profiles import ExportOutcome, ExportReport
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


def _records() -> list[dict[str, object]]:
    """Two people sharing ``src-000001`` (three records), and one person alone."""
    first, second, third = user_record(1), user_record(2), user_record(3)
    second["id"] = first["id"]
    third["id"] = first["id"]
    return [first, user_record(0), second, third]


def _summary(report: ExportReport) -> list[tuple[str | None, ExportOutcome, str | None]]:
    return [(result.id, result.outcome, result.error) for result in report.results]


def test_every_record_of_a_duplicated_id_is_refused(
    fresh_openldap_server: OpenLDAPServer,
) -> None:
    """The plan and the export both fail all three records of the id, naming it and the count."""
    server = fresh_openldap_server
    data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
    config = ConnectorConfig.from_dict(data, allow_literal_password=True)
    with SqliteLinkStore.in_memory() as store, Connector(config, store=store) as connector:
        plan = connector.plan(_records())
        report = connector.export(_records())
        linked = [link.source_id for link in store.iter_links()]

    reason = "source id 'src-000001' appears 3 times in this run's input"
    for result in (plan, report):
        outcomes = [r.outcome for r in result.results]
        assert outcomes == [
            ExportOutcome.FAILED, ExportOutcome.CREATED, ExportOutcome.FAILED, ExportOutcome.FAILED,
        ]  # fmt: skip
        assert all(reason in (r.error or "") for r in result.failed)
    assert [(i, o) for i, o, _ in _summary(plan)] == [(i, o) for i, o, _ in _summary(report)]
    assert linked == ["src-000000"]
    with open_connection(server.connectivity_config(security="ldaps")) as conn:
        uids = [
            e.texts("uid")[0]
            for e in conn.search(server.people_dn, "(objectClass=posixAccount)", attributes=["uid"])
        ]
    assert uids == [user_record(0)["userPrincipalName"].split("@")[0]]  # type: ignore[union-attr]
