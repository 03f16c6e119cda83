"""The throwaway Samba AD DC: loopback only, objectGUID, fixed ports, clean stop."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable

import pytest

from ldapconnector.connection import open_connection
from ldapconnector.model import SearchScope
from ldapconnector.testing import SAMBA_PORTS, SambaADServer, TestServerError
from ldapconnector.testing._server_base import processes_using
from ldapconnector.testing.pytest_plugin import require_samba

pytestmark = [pytest.mark.integration, pytest.mark.samba]

LOOPBACK_HEX = "0100007F"


def test_listens_on_loopback_only(
    samba_ad_server: SambaADServer, listening_on: Callable[[int], set[str]]
) -> None:
    """Samba listens on its fixed LDAP ports only, all on 127.0.0.1."""
    addresses = listening_on(samba_ad_server.pid)
    assert {int(address.split(":")[1], 16) for address in addresses} == set(SAMBA_PORTS)
    assert all(address.startswith(LOOPBACK_HEX + ":") for address in addresses)


def test_every_path_is_inside_the_temp_dir(samba_ad_server: SambaADServer) -> None:
    """smb.conf points every directory and file of the instance into its temp dir."""
    conf = (samba_ad_server.directory / "dc" / "etc" / "smb.conf").read_text()
    paths = re.findall(r"=\s*(/\S*)", conf)
    assert len(paths) >= 10
    assert all(path.startswith(str(samba_ad_server.directory)) for path in paths)


def test_object_guid_survives_rename_and_move(samba_ad_server: SambaADServer) -> None:
    """objectGUID is 16 bytes, unchanged by a rename plus move, and <GUID=...> finds it."""
    name = f"g-{uuid.uuid4().hex[:10]}"
    dn = f"CN={name},{samba_ad_server.people_dn}"
    target_ou = f"OU=guid-{name},{samba_ad_server.people_dn}"
    with open_connection(samba_ad_server.connectivity_config("ldaps")) as conn:
        conn.add(dn, {"objectClass": "inetOrgPerson", "uid": name, "cn": name, "sn": "G"})
        conn.add(target_ou, {"objectClass": "organizationalUnit", "ou": f"guid-{name}"})
        before = conn.read_entry(dn, ["objectGUID"])
        assert before is not None
        guid = before.first("objectGUID")
        assert isinstance(guid, bytes)
        assert len(guid) == 16
        moved = conn.modify_dn(dn, f"CN={name}-moved", new_superior=target_ou)
        after = conn.read_entry(moved, ["objectGUID"])
        assert after is not None
        assert after.first("objectGUID") == guid
        found = list(
            conn.search(f"<GUID={uuid.UUID(bytes_le=guid)}>", scope=SearchScope.BASE, page_size=0)
        )
        conn.delete(moved)
        conn.delete(target_ou)
    assert [entry.dn.lower() for entry in found] == [moved.lower()]


def test_second_instance_fails_naming_the_busy_ports(samba_ad_server: SambaADServer) -> None:
    """While one Samba runs, starting another fails with a message naming the ports."""
    assert samba_ad_server.pid
    with pytest.raises(TestServerError, match=r"389, 636, 3268, 3269 are in use"):
        SambaADServer().start()


def test_stop_leaves_no_process_and_start_again(samba_ad_server: SambaADServer) -> None:
    """Stopping ends samba and removes its dir; a restart from the template is fast."""
    directory, pid = samba_ad_server.directory, samba_ad_server.pid
    assert processes_using(str(directory)) == (pid,)
    samba_ad_server.stop()
    try:
        assert processes_using(str(directory)) == ()
        assert not directory.exists()
        assert not os.path.exists(f"/proc/{pid}")
    finally:
        samba_ad_server.start()  # the session fixture goes on with a fresh copy
    assert samba_ad_server.setup_seconds is not None
    assert samba_ad_server.setup_seconds < 10


def test_missing_programs_skip_outside_ci() -> None:
    """Without the Samba AD packages and outside CI the test is skipped with the apt-get line."""
    with pytest.raises(pytest.skip.Exception, match="apt-get install samba samba-ad-dc"):
        require_samba(missing=("samba",), environ={})


def test_missing_programs_fail_in_ci() -> None:
    """Without the Samba AD packages and with CI=true the test fails instead of skipping."""
    with pytest.raises(pytest.fail.Exception, match="apt-get install samba samba-ad-dc"):
        require_samba(missing=("samba",), environ={"CI": "true"})
