"""Full import on a slapd of its own: streaming, progress and the size-limit error.

Renames, moves and anchors on all three servers are in ``test_full_import_matrix.py``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any, cast

import pytest

from ldapconnector.anchors import Anchor
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.errors import ConfigurationError
from ldapconnector.space import Link, LinkStore, SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

BASE = "dc=contoso,dc=lab"
PEOPLE = f"ou=people,{BASE}"
USERS = 2000
IN_SUB_OU = 40
LIMITED_PASSWORD = "Limited-Pa55"


def _seed() -> str:
    parts = [
        f"dn: ou=sub,{PEOPLE}\nobjectClass: organizationalUnit\nou: sub\n\n",
        f"dn: ou=moved,{PEOPLE}\nobjectClass: organizationalUnit\nou: moved\n\n",
        f"dn: cn=staff,ou=groups,{BASE}\nobjectClass: groupOfNames\ncn: staff\n"
        f"member: uid=user00000,{PEOPLE}\n\n",
        f"dn: cn=printer,{PEOPLE}\nobjectClass: device\ncn: printer\n\n",
        f"dn: uid=limited,ou=groups,{BASE}\nobjectClass: account\n"
        f"objectClass: simpleSecurityObject\nuid: limited\nuserPassword: {LIMITED_PASSWORD}\n\n",
    ]
    for i in range(USERS):
        parent = f"ou=sub,{PEOPLE}" if i < IN_SUB_OU else PEOPLE
        parts.append(
            f"dn: uid=user{i:05d},{parent}\nobjectClass: inetOrgPerson\nuid: user{i:05d}\n"
            f"cn: User {i}\nsn: User\nmail: user{i:05d}@contoso.lab\n\n"
        )
    return "".join(parts)


@pytest.fixture(name="server", scope="module")
def fixture_server() -> Iterator[OpenLDAPServer]:
    """A slapd of its own with 2,000 users, a sub-OU, a group and a device."""
    with OpenLDAPServer(seed_ldif=_seed()) as server:
        yield server


def _config(server: OpenLDAPServer, **connectivity: Any) -> ConnectorConfig:
    section = {**server.connectivity(security="ldaps"), **connectivity}
    return ConnectorConfig.from_dict(
        {
            "connectivity": section,
            "object_type": {"target": "inetOrgPerson", "containers": [PEOPLE]},
            "mappings": [
                {"type": "direct", "source": "mail", "target": "mail", "matching_precedence": 1},
                {"type": "direct", "source": "uid", "target": "-dn-"},
            ],
            "run_profiles": {"export": False},
        },
        allow_literal_password=True,
    )


@pytest.mark.parametrize("enabled", [True, False], ids=["gc-on", "gc-off"])
def test_collector_left_as_it_was_for_the_caller(server: OpenLDAPServer, enabled: bool) -> None:
    """The garbage collector, paused while a page is read, is as the caller had it between
    pages and after the import (on stays on, off stays off)."""
    states: set[bool] = set()
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with Connector(_config(server)) as connector:
            for _ in connector.full_import():
                states.add(gc.isenabled())
        after = gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
    assert states == {enabled}
    assert after is enabled


def test_progress_and_streaming(server: OpenLDAPServer) -> None:
    """The progress callback sees every page, and objects stream in page-sized steps."""
    seen: list[int] = []
    with Connector(_config(server)) as connector:
        result = connector.full_import(progress=lambda p: seen.append(p.objects))
        first = next(iter(result))
        assert result.objects == 1000  # one page recorded before the first object is yielded
        result.drain()
    assert first.object_classes == ("inetOrgPerson",)
    assert seen == [1000, 2000]


def test_size_limited_account_gets_a_configuration_error(server: OpenLDAPServer) -> None:
    """An account held to slapd's default 500-entry limit gets a clear configuration error."""
    config = _config(
        server,
        user=f"uid=limited,ou=groups,{BASE}",
        password=LIMITED_PASSWORD,
    )
    with Connector(config) as connector, pytest.raises(ConfigurationError) as caught:
        connector.full_import().drain()
    assert "size limit" in str(caught.value)
    assert "uid=limited" in str(caught.value)
    assert LIMITED_PASSWORD not in str(caught.value)


class _PlainStore:
    """A link store with the protocol's methods only, none of SqliteLinkStore's import
    paths (``import_batch``, ``record_import_page``): each call goes to a SqliteLinkStore."""

    _SQLITE_ONLY = frozenset({"import_batch", "record_import_page"})

    def __init__(self, inner: SqliteLinkStore) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        if name in self._SQLITE_ONLY:
            raise AttributeError(name)
        return getattr(self._inner, name)


def _space(
    store: SqliteLinkStore,
) -> set[tuple[Anchor, str, tuple[tuple[str, tuple[str, ...]], ...]]]:
    return {
        (obj.anchor, obj.dn, tuple(sorted(obj.matching_values.items())))
        for obj in store.iter_imported()
    }


def test_any_link_store_gets_the_same_connector_space(server: OpenLDAPServer) -> None:
    """A store without SqliteLinkStore's page path records the same entries and follows
    the same rename as one with it."""
    spaces = []
    for plain in (False, True):
        with SqliteLinkStore.in_memory() as inner:
            store = cast(LinkStore, _PlainStore(inner) if plain else inner)
            with Connector(_config(server), store=store) as connector:
                first = next(iter(connector.full_import()))
                inner.put(Link(source_id="s1", anchor=first.anchor, dn="uid=old,dc=x"))
                result = connector.full_import().drain()
            link = inner.get_by_source("s1")
            assert (result.objects, result.renamed) == (USERS, 1)
            assert link is not None
            assert link.dn == first.dn
            spaces.append(_space(inner))
    assert len(spaces[0]) == USERS
    assert spaces[0] == spaces[1]
    assert ("mail", ("user00000@contoso.lab",)) in {m for _, _, ms in spaces[0] for m in ms}
