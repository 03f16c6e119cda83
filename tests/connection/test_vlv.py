"""Virtual List View with server-side sort, against slapd with the sssvlv overlay."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from ldapconnector.connection import open_connection
from ldapconnector.connection._vlv import (
    decode_vlv_response,
    encode_sort_request,
    encode_vlv_request,
)
from ldapconnector.testing import OpenLDAPServer

BASE = "dc=contoso,dc=lab"

# Loads the sort/VLV overlay into the running server through cn=config (ldapi, peer root).
SSSVLV = """dn: cn=module{0},cn=config
changetype: modify
add: olcModuleLoad
olcModuleLoad: sssvlv

dn: olcOverlay=sssvlv,olcDatabase={1}mdb,cn=config
changetype: add
objectClass: olcOverlayConfig
objectClass: olcSssVlvConfig
olcOverlay: sssvlv
olcSssVlvMax: 10
olcSssVlvMaxKeys: 5
"""


@pytest.fixture(name="vlv_server", scope="module")
def fixture_vlv_server() -> Iterator[OpenLDAPServer]:
    """A slapd with 250 people and the sssvlv overlay loaded at run time."""
    seed = "".join(
        f"dn: uid=v{i:03d},ou=people,{BASE}\nobjectClass: inetOrgPerson\nuid: v{i:03d}\n"
        f"cn: V {i}\nsn: S{(i * 7919) % 250:03d}\n\n"
        for i in range(250)
    )
    with OpenLDAPServer(seed_ldif=seed) as server:
        subprocess.run(
            ["ldapmodify", "-Q", "-Y", "EXTERNAL", "-H", server.ldapi_uri],
            input=SSSVLV, text=True, check=True, capture_output=True, env=server.tool_env(),
        )  # fmt: skip
        yield server


@pytest.mark.integration
@pytest.mark.openldap
def test_vlv_reads_everything_in_sorted_windows(vlv_server: OpenLDAPServer) -> None:
    """Windows of 40 over 250 entries return each entry once, sorted by the sort key."""
    with open_connection(vlv_server.connectivity_config(security="ldaps")) as conn:
        before = conn.requests_sent
        found = [
            entry.first("entryUUID")
            for entry in conn.search_vlv(
                f"ou=people,{BASE}",
                "(uid=v*)",
                sort_key="entryUUID",  # has an ORDERING rule; sn and uid have none
                attributes=["entryUUID"],
                page_size=40,
            )
        ]
        requests = conn.requests_sent - before
    assert len(found) == 250
    assert found == sorted(found)
    assert len(set(found)) == 250
    assert requests == 7  # ceil(250 / 40)


def test_control_encodings_round_trip() -> None:
    """The sort and VLV request encodings are the BER the drafts define."""
    assert encode_sort_request("sn") == bytes.fromhex("300630040402736e")
    assert encode_vlv_request(1, 40, 0) == bytes.fromhex("300e020100020127a006020101020100")
    window = decode_vlv_response(bytes.fromhex("300a020129020200fa0a0100"))
    assert (window.target_position, window.content_count, window.result) == (41, 250, 0)


@pytest.mark.integration
@pytest.mark.openldap
@pytest.mark.parametrize("paging", ["vlv", "none", "paged-results"])
def test_full_import_with_each_paging(vlv_server: OpenLDAPServer, paging: str) -> None:
    """A full import reads the same 250 people whichever way the searches are split."""
    from ldapconnector.config import ConnectorConfig, Paging
    from ldapconnector.connector import Connector

    config = ConnectorConfig.from_dict(
        {
            "connectivity": vlv_server.connectivity(security="ldaps"),
            "global": {"paging": paging, "page_size": 60},
            "object_type": {"target": "inetOrgPerson", "containers": [f"ou=people,{BASE}"]},
        },
        allow_literal_password=True,
    )
    with Connector(config) as connector:
        plan = connector.import_plan()
        anchors = {obj.anchor for obj in connector.full_import()}
    assert plan.paging is Paging(paging)
    assert plan.sort_key == "entryUUID"
    assert len(anchors) == 250


def test_auto_paging_prefers_paged_results_then_vlv() -> None:
    """``auto`` picks paged results, else VLV with sort, else one search."""
    from ldapconnector.config import Paging
    from ldapconnector.profiles import choose_paging

    paged, vlv, sort = "1.2.840.113556.1.4.319", "2.16.840.1.113730.3.4.9", "1.2.840.113556.1.4.473"
    assert choose_paging(Paging.AUTO, frozenset({paged, vlv, sort})) is Paging.PAGED_RESULTS
    assert choose_paging(Paging.AUTO, frozenset({vlv, sort})) is Paging.VLV
    assert choose_paging(Paging.AUTO, frozenset({vlv})) is Paging.NONE
    assert choose_paging(Paging.VLV, frozenset()) is Paging.VLV
