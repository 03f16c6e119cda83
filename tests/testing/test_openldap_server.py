"""The throwaway OpenLDAP server, checked from the outside with ldap-utils."""

from __future__ import annotations

import os
import socket
import subprocess
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from ldapconnector.config import Binding, ConnectivityConfig, Secret, Security
from ldapconnector.testing import (
    OpenLDAPServer,
    PortPicker,
    TestServerError,
    find_program,
    free_ports,
)
from ldapconnector.testing.pytest_plugin import require_openldap

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

SEEDED_PEOPLE = 5000
PAGED_RESULTS_OID = "1.2.840.113556.1.4.319"
PPOLICY_OID = "1.3.6.1.4.1.42.2.27.8.5.1"
SYNCREPL_OID = "1.3.6.1.4.1.4203.1.9.1.1"


def ldap(
    tool: str, *args: str, env: Mapping[str, str] | None = None, input_text: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run an ldap-utils program (without the caller's ldap.conf unless ``env`` is given)."""
    program = find_program(tool)
    assert program is not None
    return subprocess.run(
        [program, *args],
        input=input_text,
        stdin=None if input_text is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=dict(env) if env is not None else {**os.environ, "LDAPNOINIT": "1"},
        timeout=60,
        check=False,
    )


def as_service(server: OpenLDAPServer) -> tuple[str, ...]:
    """Simple-bind arguments for the service account."""
    return ("-x", "-D", server.service_dn, "-w", server.service_password)


def as_admin(server: OpenLDAPServer) -> tuple[str, ...]:
    """Simple-bind arguments for the admin (rootdn)."""
    return ("-x", "-D", server.admin_dn, "-w", server.admin_password)


def search(server: OpenLDAPServer, *args: str) -> subprocess.CompletedProcess[str]:
    """An ``ldapsearch -LLL`` over plain LDAP with unwrapped output."""
    return ldap("ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-H", server.ldap_uri, *args)


def person(dn_uid: str, *, password: str | None = None) -> str:
    """LDIF for an inetOrgPerson under ou=people."""
    lines = [
        f"dn: uid={dn_uid},{OpenLDAPServer.people_dn}",
        "objectClass: inetOrgPerson",
        f"uid: {dn_uid}",
        f"cn: {dn_uid}",
        "sn: Test",
    ]
    if password is not None:
        lines.append(f"userPassword: {password}")
    return "\n".join(lines) + "\n"


def unique_uid() -> str:
    """A uid no other test uses (the session server is shared)."""
    return f"t-{uuid.uuid4().hex[:12]}"


@pytest.fixture(name="seeded_server", scope="module")
def fixture_seeded_server() -> Iterator[OpenLDAPServer]:
    """A server seeded with 5,000 people through slapadd, one of them with a password."""
    require_openldap()
    seed = "\n".join(
        person(f"p{i:05d}", password="pw-p00001" if i == 1 else None) for i in range(SEEDED_PEOPLE)
    )
    with OpenLDAPServer(seed_ldif=seed) as server:
        yield server


def test_root_dse_is_anonymous_and_names_the_suffix_first(openldap_server: OpenLDAPServer) -> None:
    """Anonymous reads the Root DSE; the suffix is the first naming context, then the log."""
    result = search(openldap_server, "-x", "-b", "", "-s", "base", "+")
    assert result.returncode == 0, result.stderr
    contexts = [
        line.split(": ", 1)[1] for line in result.stdout.splitlines() if "Contexts:" in line
    ]
    assert contexts == ["dc=contoso,dc=lab", "cn=accesslog"]
    for oid in (PAGED_RESULTS_OID, PPOLICY_OID, SYNCREPL_OID):
        assert f"supportedControl: {oid}" in result.stdout


def test_anonymous_reads_the_subschema(openldap_server: OpenLDAPServer) -> None:
    """Anonymous reads the subschema entry, which holds the inetorgperson and nis classes."""
    result = search(openldap_server, "-x", "-b", "cn=Subschema", "-s", "base", "objectClasses")
    assert result.returncode == 0, result.stderr
    assert "NAME 'inetOrgPerson'" in result.stdout
    assert "NAME 'posixAccount'" in result.stdout


@pytest.mark.parametrize("base", ["dc=contoso,dc=lab", "cn=accesslog"])
def test_anonymous_sees_nothing_below_the_root_dse(
    openldap_server: OpenLDAPServer, base: str
) -> None:
    """Anonymous searches of the suffix and of the access log find nothing (result 32)."""
    result = search(openldap_server, "-x", "-b", base, "(objectClass=*)", "1.1")
    assert result.returncode == 32
    assert "dn:" not in result.stdout


def test_starttls_on_the_plain_port(openldap_server: OpenLDAPServer) -> None:
    """StartTLS (-ZZ) on ldap_uri succeeds when the throwaway CA is trusted."""
    result = ldap(
        "ldapwhoami",
        "-ZZ",
        "-H",
        openldap_server.ldap_uri,
        *as_service(openldap_server),
        env=openldap_server.tool_env(),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"dn:{openldap_server.service_dn}"


def test_ldaps_with_the_throwaway_ca(openldap_server: OpenLDAPServer) -> None:
    """A simple bind over ldaps_uri succeeds with LDAPTLS_CACERT set to ca_file."""
    assert openldap_server.ldaps_uri.startswith("ldaps://localhost:")
    env = {**os.environ, "LDAPTLS_CACERT": openldap_server.ca_file, "LDAPTLS_REQCERT": "demand"}
    result = ldap(
        "ldapwhoami", "-H", openldap_server.ldaps_uri, *as_service(openldap_server), env=env
    )
    assert result.returncode == 0, result.stderr


def test_ldaps_fails_with_an_untrusted_ca(openldap_server: OpenLDAPServer) -> None:
    """Trusting only the unrelated CA makes the LDAPS certificate check fail."""
    env = {
        **os.environ,
        "LDAPTLS_CACERT": openldap_server.untrusted_ca_file,
        "LDAPTLS_REQCERT": "demand",
    }
    result = ldap(
        "ldapwhoami", "-H", openldap_server.ldaps_uri, *as_service(openldap_server), env=env
    )
    assert result.returncode != 0
    assert "dn:" not in result.stdout


@pytest.mark.parametrize("tls", ["ldaps", "starttls"])
def test_sasl_external_maps_the_client_certificate(
    openldap_server: OpenLDAPServer, tls: str
) -> None:
    """SASL EXTERNAL with the client certificate authenticates as the service account."""
    if tls == "ldaps":
        target = ["-H", openldap_server.ldaps_uri]
    else:
        target = ["-ZZ", "-H", f"ldap://localhost:{openldap_server.ldap_port}"]
    env = openldap_server.tool_env(client_certificate=True)
    result = ldap("ldapwhoami", *target, "-Y", "EXTERNAL", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"dn:{openldap_server.service_dn}"


def test_service_writes_people_but_not_groups(openldap_server: OpenLDAPServer) -> None:
    """The service account may add under ou=people but gets result 50 under ou=groups."""
    uid = unique_uid()
    added = ldap(
        "ldapadd",
        "-H",
        openldap_server.ldap_uri,
        *as_service(openldap_server),
        input_text=person(uid),
    )
    assert added.returncode == 0, added.stderr
    group = f"dn: cn={uid},{OpenLDAPServer.groups_dn}\nobjectClass: groupOfNames\ncn: {uid}\n"
    group += f"member: uid={uid},{OpenLDAPServer.people_dn}\n"
    refused = ldap(
        "ldapadd", "-H", openldap_server.ldap_uri, *as_service(openldap_server), input_text=group
    )
    assert refused.returncode == 50


def test_a_write_appears_in_the_access_log(openldap_server: OpenLDAPServer) -> None:
    """An add and a modify land in cn=accesslog with the old value, for the service to read."""
    uid = unique_uid()
    dn = f"uid={uid},{OpenLDAPServer.people_dn}"
    openldap_server.add_ldif(person(uid))
    openldap_server.add_ldif(f"dn: {dn}\nchangetype: modify\nreplace: sn\nsn: Changed\n")
    result = search(
        openldap_server,
        *as_service(openldap_server),
        "-b",
        "cn=accesslog",
        f"(reqDN={dn})",
        "reqType",
        "reqMod",
        "reqOld",
    )
    assert result.returncode == 0, result.stderr
    assert "reqType: add" in result.stdout
    assert "reqType: modify" in result.stdout
    assert "reqMod: sn:= Changed" in result.stdout
    assert "reqOld: sn: Test" in result.stdout


def test_admin_reads_the_access_log_and_the_configuration(openldap_server: OpenLDAPServer) -> None:
    """The admin reads cn=accesslog and cn=config, which shows the overlays and a 1 GiB map."""
    log = search(openldap_server, *as_admin(openldap_server), "-b", "cn=accesslog", "-s", "base")
    assert log.returncode == 0, log.stderr
    config = search(
        openldap_server,
        *as_admin(openldap_server),
        "-b",
        "cn=config",
        "(|(olcOverlay=*)(olcDbMaxSize=*))",
        "olcOverlay",
        "olcDbMaxSize",
        "olcSuffix",
    )
    assert config.returncode == 0, config.stderr
    overlays = {
        line.split("}", 1)[1] for line in config.stdout.splitlines() if "olcOverlay:" in line
    }
    assert overlays == {"syncprov", "accesslog", "ppolicy"}
    assert config.stdout.count("olcDbMaxSize: 1073741824") == 2


def test_add_ldif_applies_content_and_change_records(openldap_server: OpenLDAPServer) -> None:
    """add_ldif adds entries and applies change records as the admin."""
    uid = unique_uid()
    dn = f"uid={uid},{OpenLDAPServer.people_dn}"
    openldap_server.add_ldif(person(uid))
    openldap_server.add_ldif(f"dn: {dn}\nchangetype: modify\nadd: mail\nmail: {uid}@contoso.lab\n")
    result = search(openldap_server, *as_service(openldap_server), "-b", dn, "-s", "base", "mail")
    assert result.returncode == 0, result.stderr
    assert f"mail: {uid}@contoso.lab" in result.stdout


def test_add_ldif_failure_raises_with_the_tool_output(openldap_server: OpenLDAPServer) -> None:
    """A failing add_ldif raises TestServerError carrying ldapadd's message."""
    orphan = person("x").replace(OpenLDAPServer.people_dn, "ou=nowhere,dc=contoso,dc=lab")
    with pytest.raises(TestServerError, match="No such object"):
        openldap_server.add_ldif(orphan)


def test_service_pages_through_5000_seeded_entries(seeded_server: OpenLDAPServer) -> None:
    """The service account reads all 5,000 seeded people in pages of 1,000 (no 500 cap)."""
    result = search(
        seeded_server,
        *as_service(seeded_server),
        "-b",
        OpenLDAPServer.people_dn,
        "-E",
        "pr=1000/noprompt",
        "(objectClass=inetOrgPerson)",
        "1.1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("dn: uid=") == SEEDED_PEOPLE


def test_an_ordinary_user_is_capped_at_500(seeded_server: OpenLDAPServer) -> None:
    """A seeded ordinary user hits the size limit (result 4) after 500 entries."""
    user = f"uid=p00001,{OpenLDAPServer.people_dn}"
    result = search(
        seeded_server,
        "-x",
        "-D",
        user,
        "-w",
        "pw-p00001",
        "-b",
        OpenLDAPServer.people_dn,
        "-E",
        "pr=1000/noprompt",
        "(objectClass=inetOrgPerson)",
        "1.1",
    )
    assert result.returncode == 4
    assert result.stdout.count("dn: uid=") == 500


def test_an_ordinary_user_cannot_read_the_access_log(seeded_server: OpenLDAPServer) -> None:
    """The access log (which holds password hashes) is hidden from ordinary users."""
    user = f"uid=p00001,{OpenLDAPServer.people_dn}"
    args = ("-x", "-D", user, "-w", "pw-p00001", "-b", "cn=accesslog", "(objectClass=*)", "1.1")
    result = search(seeded_server, *args)
    assert result.returncode == 32


def test_seeded_entries_leave_no_access_log_records(seeded_server: OpenLDAPServer) -> None:
    """slapadd bypasses the overlays, so the access log holds no record of the seed."""
    result = search(
        seeded_server, *as_admin(seeded_server), "-b", "cn=accesslog", "(reqType=add)", "1.1"
    )
    assert result.returncode == 0, result.stderr
    assert "dn:" not in result.stdout


@pytest.mark.parametrize(
    ("security", "binding", "host", "keys"),
    [
        ("ldaps", "simple", "localhost", {"user", "password", "ca_file"}),
        ("starttls", "simple", "localhost", {"user", "password", "ca_file"}),
        ("none", "simple", "127.0.0.1", {"user", "password"}),
        ("none", "anonymous", "127.0.0.1", set()),
        ("ldaps", "sasl-external", "localhost", {"ca_file", "client_cert", "client_key"}),
    ],
)
def test_connectivity_section(
    openldap_server: OpenLDAPServer, security: str, binding: str, host: str, keys: set[str]
) -> None:
    """connectivity() gives the [connectivity] keys that apply to the chosen mode."""
    section = openldap_server.connectivity(security, binding)  # type: ignore[arg-type]
    common = {"host", "port", "security", "binding", "timeout", "allow_cleartext_bind"}
    assert set(section) == common | keys
    assert section["host"] == host
    assert section["security"] == security
    assert section["binding"] == binding
    assert section["allow_cleartext_bind"] is False
    ldaps = security == "ldaps"
    assert section["port"] == (openldap_server.ldaps_port if ldaps else openldap_server.ldap_port)
    if binding == "simple":
        assert section["user"] == openldap_server.service_dn
        assert section["password"] == openldap_server.service_password


def test_connectivity_config_is_the_frozen_object(openldap_server: OpenLDAPServer) -> None:
    """connectivity_config() builds a validated ConnectivityConfig with a Secret password."""
    config = openldap_server.connectivity_config(Security.STARTTLS, as_service=False)
    assert isinstance(config, ConnectivityConfig)
    assert config.binding is Binding.SIMPLE
    assert config.user == openldap_server.admin_dn
    assert config.password == Secret(openldap_server.admin_password)
    assert config.ca_file == openldap_server.ca_file


def test_connectivity_dict_loads_as_the_same_config(openldap_server: OpenLDAPServer) -> None:
    """ConnectivityConfig.from_dict turns the dict into what connectivity_config returns."""
    section = openldap_server.connectivity("ldaps", "sasl-external")
    loaded = ConnectivityConfig.from_dict(section, allow_literal_password=True)
    assert loaded == openldap_server.connectivity_config("ldaps", "sasl-external")


@pytest.mark.parametrize(
    ("security", "binding", "as_service"),
    [
        ("none", "sasl-external", True),
        ("ldaps", "sasl-external", False),
        ("ldaps", "kerberos", True),
    ],
)
def test_connectivity_refuses_what_the_server_cannot_do(
    openldap_server: OpenLDAPServer, security: str, binding: str, as_service: bool
) -> None:
    """SASL EXTERNAL without TLS or as the admin, and Kerberos, are refused with ValueError."""
    with pytest.raises(ValueError, match=r"sasl-external|Kerberos"):
        openldap_server.connectivity(security, binding, as_service=as_service)  # type: ignore[arg-type]


def test_fresh_fixture_is_a_second_server(
    openldap_server: OpenLDAPServer, fresh_openldap_server: OpenLDAPServer
) -> None:
    """fresh_openldap_server is a running server of its own, separate from the session one."""
    assert fresh_openldap_server.ldap_port != openldap_server.ldap_port
    assert fresh_openldap_server.directory != openldap_server.directory
    result = search(
        fresh_openldap_server, *as_service(fresh_openldap_server), "-b", "", "-s", "base"
    )
    assert result.returncode == 0, result.stderr


def _processes_mentioning(text: str) -> list[int]:
    """Pids of processes whose command line contains ``text``."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if text in cmdline:
            found.append(int(proc.name))
    return found


def test_teardown_leaves_no_process_and_no_directory() -> None:
    """Leaving the with block stops slapd and removes the temp dir."""
    require_openldap()
    with OpenLDAPServer() as server:
        directory, pid = server.directory, server.pid
        assert _processes_mentioning(str(directory)) == [pid]
    assert not directory.exists()
    assert _processes_mentioning(str(directory)) == []
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def _raise_inside_a_server(seen: list[Path]) -> None:
    """Start a server, note its directory, and raise inside the with block."""
    with OpenLDAPServer() as server:
        seen.append(server.directory)
        raise RuntimeError("boom")


def test_teardown_after_an_exception_in_the_body() -> None:
    """An exception inside the with block still stops slapd and removes the temp dir."""
    require_openldap()
    seen: list[Path] = []
    with pytest.raises(RuntimeError, match="boom"):
        _raise_inside_a_server(seen)
    assert len(seen) == 1
    assert not seen[0].exists()
    assert _processes_mentioning(str(seen[0])) == []


def test_a_failed_start_raises_with_the_log_and_cleans_up(tmp_path: Path) -> None:
    """slapd exiting at start raises TestServerError with its log tail and leaves nothing."""
    require_openldap()
    with pytest.raises(TestServerError, match='unrecognized log level "bogus"'):
        OpenLDAPServer(debug_level="bogus", work_root=tmp_path).start()
    assert list(tmp_path.iterdir()) == []


def test_a_bad_seed_raises_with_the_slapadd_output(tmp_path: Path) -> None:
    """A seed slapadd rejects raises TestServerError with slapadd's message and leaves nothing."""
    require_openldap()
    seed = "dn: uid=x,ou=people,dc=contoso,dc=lab\nobjectClass: noSuchClass\nuid: x\n"
    with pytest.raises(TestServerError, match="slapadd failed"):
        OpenLDAPServer(seed_ldif=seed, work_root=tmp_path).start()
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_start_stops_slapd(tmp_path: Path) -> None:
    """KeyboardInterrupt while waiting for readiness still stops slapd and removes the dir."""
    require_openldap()
    spawned: list[int] = []

    def interrupted(pid: int) -> None:
        spawned.append(pid)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        OpenLDAPServer(work_root=tmp_path, after_spawn=interrupted).start()
    assert len(spawned) == 1
    assert not os.path.exists(f"/proc/{spawned[0]}")
    assert list(tmp_path.iterdir()) == []
    assert _processes_mentioning(str(tmp_path)) == []


def test_a_taken_port_is_picked_again() -> None:
    """When a picked port is taken before slapd binds it, the start retries with new ports."""
    require_openldap()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        picks = iter([(taken, free_ports(1)[0])])
        # The check says "free" for the taken port: the race where another program binds
        # it between the check and slapd's bind.
        racing = PortPicker(pick=lambda n: next(picks, free_ports(n)), is_free=lambda _p: True)
        with OpenLDAPServer(ports=racing) as server:
            assert server.ldap_port != taken
            assert "Address already in use" in server.log_file.read_text()


def test_a_server_without_tls_refuses_starttls(
    listening_on: Callable[[int], set[str]],
) -> None:
    """``OpenLDAPServer(tls=False)`` listens on one port, has no LDAPS and refuses -ZZ."""
    with OpenLDAPServer(tls=False) as server:
        assert server.ldaps_port is None
        assert server.ldaps_uri is None
        ports = {int(address.split(":")[1], 16) for address in listening_on(server.pid)}
        assert ports == {server.ldap_port}
        plain = ldap("ldapwhoami", "-H", server.ldap_uri, *as_service(server))
        assert plain.returncode == 0, plain.stderr
        refused = ldap(
            "ldapwhoami", "-ZZ", "-H", server.ldap_uri, *as_service(server), env=server.tool_env()
        )
        assert refused.returncode != 0
        assert "unsupported extended operation" in refused.stderr.lower()


def test_killed_server_restarts_with_its_data_on_the_same_ports() -> None:
    """kill() ends slapd abruptly; restart() brings it back with the same entries and ports."""
    with OpenLDAPServer() as server:
        server.add_ldif(f"dn: uid=kept,{server.people_dn}\nobjectClass: account\nuid: kept\n")
        pid, port = server.pid, server.ldap_port
        server.kill()
        probe = subprocess.run(
            ["ldapwhoami", "-x", "-H", server.ldap_uri], capture_output=True, check=False
        )
        assert probe.returncode != 0
        server.restart()
        assert server.pid != pid
        assert server.ldap_port == port
        found = subprocess.run(
            ["ldapsearch", "-LLL", "-x", "-H", server.ldapi_uri, "-D", server.admin_dn,
             "-w", server.admin_password, "-b", server.people_dn, "(uid=kept)", "1.1"],
            capture_output=True, text=True, check=True, env=server.tool_env(),
        )  # fmt: skip
        assert f"uid=kept,{server.people_dn}" in found.stdout
