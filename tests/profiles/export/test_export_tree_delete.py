"""An export's delete of a user entry with children, on a real slapd (no Tree Delete control)."""

from __future__ import annotations

from typing import Any

import pytest

from ldapconnector.cli._demo_data import posix_example, users
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.profiles import ExportOutcome
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


def _config(server: OpenLDAPServer, **global_: Any) -> ConnectorConfig:
    data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
    data["global"] = global_
    return ConnectorConfig.from_dict(data, allow_literal_password=True)


@pytest.mark.parametrize("tree_delete", [False, True])
def test_non_leaf_user_fails_alone_and_leaves_go(
    fresh_openldap_server: OpenLDAPServer, tree_delete: bool
) -> None:
    """The user with a child fails naming its DN and child count; the other delete goes.

    slapd offers no Tree Delete control, so with or without ``tree_delete`` the entry and
    its child stay, and the error says why instead of the bare notAllowedOnNonLeaf.
    """
    server = fresh_openldap_server
    records = users(3)
    config = _config(server, tree_delete=tree_delete)
    with SqliteLinkStore.in_memory() as store, Connector(config, store=store) as connector:
        created = connector.export(records)
        assert created.summary["created"] == 3, created.failed
        parent = created.results[0].dn
        assert parent is not None
        server.add_ldif(f"dn: cn=phone,{parent}\nobjectClass: organizationalRole\ncn: phone\n")
        for record in records[:2]:
            record["@deleted"] = True
        report = connector.export(records)
        outcomes = [result.outcome for result in report.results]
        assert outcomes == [ExportOutcome.FAILED, ExportOutcome.DELETED, ExportOutcome.UNCHANGED]
        error = report.results[0].error
        assert error is not None
        # The DN is spelled as the server returns it (slapd lower-cases the CN= of the add).
        assert (
            error.lower()
            == (
                f"delete failed for {parent!r} with result 66 (notAllowedOnNonLeaf): "
                "the entry has 1 child; the server offers no Tree Delete control"
            ).lower()
        )
        assert connector.connection.read_entry(f"cn=phone,{parent}", ("1.1",)) is not None
        gone = created.results[1].dn
        assert gone is not None
        assert connector.connection.read_entry(gone, ("1.1",)) is None
