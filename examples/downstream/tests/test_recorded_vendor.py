"""A vendor nobody can run here: recorded data, and a slapd presenting its Root DSE."""

from __future__ import annotations

import pytest

import ldapconnector as lc
from ldapconnector.testing import (
    OpenLDAPServer,
    present_recorded_root_dse,
    recorded,
    recorded_servers,
)


def test_every_recorded_server_says_where_it_came_from():
    names = {capture.name for capture in recorded_servers()}
    assert {"edirectory-9.1.4", "oracle-dsee-11.1.1.7", "ad-ds-2012r2"} <= names
    assert all(capture.provenance for capture in recorded_servers())


def test_our_code_treats_edirectory_as_edirectory():
    server = recorded("edirectory-9.1.4")
    assert server.server_info.vendor is lc.Vendor.EDIRECTORY
    assert server.server_info.version == "9.1.4"


@pytest.mark.integration
@pytest.mark.openldap
def test_live_detection_against_an_edirectory_shaped_server():
    with OpenLDAPServer() as server:
        present_recorded_root_dse(server, "edirectory-9.1.4")
        info = lc.detect(server.connectivity_config(security="ldaps"))
    assert info.vendor is lc.Vendor.EDIRECTORY
