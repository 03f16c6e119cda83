"""Microsoft's LDAP walkthrough configurations, verbatim, end to end through the CLI.

Each scenario runs ``ldapconnector export --config FILE --source FILE.jsonl --json`` as a
separate process, with a config from ``tests/e2e/data/`` (as published, plus a
``[connectivity]`` section for the test server), and checks every step with the real
``ldapsearch``: 200 users created, a rerun that writes nothing, 5 display names changed,
3 users deleted, and a rerun of that input that writes nothing either.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest

import ldapconnector
from ldapconnector.cli._demo_data import to_toml
from ldapconnector.testing import DS389Server, OpenLDAPServer, SambaADServer
from ldapconnector.testing.pytest_plugin import require_ds389

pytestmark = pytest.mark.integration

DATA = Path(__file__).parent / "data"
USERS = 200
CHANGED = (3, 50, 99, 150, 199)
DELETED = (10, 20, 30)
# What an unchanged entry must keep: the values, and whatever each server bumps on a write.
STAMPS = ("*", "entryCSN", "modifyTimestamp", "uSNChanged")


@attrs.frozen(kw_only=True)
class Walk:
    """One walkthrough configuration against one server, and how to look at the result.

    Attributes:
        server: the test server.
        config: the config file the CLI reads.
        base: where the users are searched with ldapsearch.
        user_filter: matches this scenario's users.
        prefix: the users' login prefix (``jdoe`` gives ``jdoe007@contoso.lab``).
        mapped_cn: the walkthrough maps displayName to cn (not so on AD).
        posix: the users are POSIX accounts.
    """

    server: Any
    config: Path
    base: str
    user_filter: str
    prefix: str
    mapped_cn: bool = True
    posix: bool = False


def user(index: int, prefix: str) -> dict[str, Any]:
    """Source user ``index``: a login unlike the display name, so cn holds two values."""
    login = f"{prefix}{index:03d}"
    return {
        "id": f"hr-{prefix}-{index:04d}",
        "userPrincipalName": f"{login}@contoso.lab",
        "displayName": f"Jane Doe {index}",
        "surname": "Doe",
        "mail": f"{login}@contoso.lab",
        "extension_uidNumber": 20000 + index,
    }


def write_config(
    directory: Path, server: Any, name: str, replace: Mapping[str, str] | None = None
) -> Path:
    """The published config ``name`` with a [connectivity] section for ``server`` (admin bind)."""
    connectivity = dict(server.connectivity(security="ldaps", as_service=False))
    secret = directory / "bind.pw"
    secret.write_text(str(connectivity.pop("password")), encoding="utf-8")
    secret.chmod(0o600)
    connectivity["password_file"] = str(secret)
    text = (DATA / name).read_text(encoding="utf-8")
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    config = directory / "connector.toml"
    config.write_text(to_toml({"connectivity": connectivity}) + "\n" + text, encoding="utf-8")
    return config


def cli(*argv: str) -> subprocess.CompletedProcess[str]:
    """``python -m ldapconnector ARGV`` in a fresh process, this tree's package first."""
    env = dict(os.environ)
    root = str(Path(ldapconnector.__file__).parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return subprocess.run(
        [sys.executable, "-m", "ldapconnector", *argv],
        capture_output=True, text=True, env=env, check=False, timeout=600,
    )  # fmt: skip


def export(walk: Walk, records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """One ``ldapconnector export --json`` run; its JSON report."""
    source = walk.config.with_name("users.jsonl")
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    done = cli("export", "--config", str(walk.config), "--source", str(source), "--json")
    assert done.returncode == 0, (done.stderr, done.stdout[-3000:])
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def ldapsearch(walk: Walk, search_filter: str, *names: str) -> dict[str, dict[str, list[str]]]:
    """The entries ``ldapsearch`` (ldap-utils, as the admin) finds, by lower-cased DN."""
    server = walk.server
    secret = walk.config.with_name("bind.pw")
    argv = [
        "ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-x", "-H", server.ldaps_uri,
        "-D", server.admin_dn, "-y", str(secret), "-b", walk.base, search_filter, *names,
    ]  # fmt: skip
    done = subprocess.run(argv, env=server.tool_env(), capture_output=True, text=True, check=False)
    assert done.returncode in (0, 32), done.stderr
    entries: dict[str, dict[str, list[str]]] = {}
    for block in done.stdout.strip().split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#")]
        if not lines or not lines[0].startswith("dn: "):
            continue  # a search continuation reference (Samba), or nothing
        entry: dict[str, list[str]] = {}
        for line in lines[1:]:
            name, _, value = line.partition(": ")
            entry.setdefault(name.rstrip(":").lower(), []).append(value)
        entries[lines[0][4:].lower()] = entry
    return entries


def users_now(walk: Walk) -> dict[str, dict[str, list[str]]]:
    """This scenario's users as the directory holds them, write stamps included."""
    return ldapsearch(walk, walk.user_filter, *STAMPS)


def folded(values: Sequence[str]) -> set[str]:
    """Values compared as cn's caseIgnoreMatch compares them."""
    return {value.casefold() for value in values}


def check_created(walk: Walk, found: Mapping[str, Mapping[str, list[str]]]) -> None:
    """Every user holds the published mappings' values; cn the RDN value and displayName."""
    assert len(found) == USERS
    for index in range(USERS):
        login = f"{walk.prefix}{index:03d}"
        (entry,) = [e for dn, e in found.items() if dn.startswith(f"cn={login},")]
        if walk.mapped_cn:
            assert folded(entry["cn"]) == folded([login, f"Jane Doe {index}"])
            assert entry["sn"] == ["Doe"]
            assert entry["mail"] == [f"{login}@contoso.lab"]
        else:
            assert folded(entry["cn"]) == {login}
            assert entry["displayname"] == [f"Jane Doe {index}"]
        if walk.posix:
            assert entry["uid"] == [login]
            assert entry["uidnumber"] == [str(20000 + index)]
            assert entry["gidnumber"] == ["10000"]
            assert entry["homedirectory"] == [f"/home/{login}"]
            assert folded(entry["objectclass"]) >= {"posixaccount", "shadowaccount"}


def check_import(walk: Walk) -> None:
    """``ldapconnector import`` presents cn single-valued: the display name, not the login.

    On AD the walkthrough maps displayName to displayName (cn only holds the RDN value).
    """
    output = walk.config.with_name("imported.jsonl")
    done = cli("import", "--config", str(walk.config), "--output", str(output))
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    ours = [
        obj
        for obj in lines
        if obj["dn"].lower().startswith(f"cn={walk.prefix}")
        and obj["dn"].lower().endswith(walk.base.lower())
    ]
    assert len(ours) == USERS
    wanted = "cn" if walk.mapped_cn else "displayname"
    for obj in ours:
        index = int(obj["dn"].split(",", 1)[0][len("cn=") + len(walk.prefix) :])
        shown = {name.lower(): values for name, values in obj["attributes"].items()}
        assert shown[wanted] == [f"Jane Doe {index}"], obj


def run_walkthrough(walk: Walk) -> None:
    """Create 200, rerun, change 5 display names, delete 3, rerun: each step seen in LDAP."""
    records = [user(index, walk.prefix) for index in range(USERS)]
    created = export(walk, records)
    assert created["summary"]["created"] == USERS, created["results"][:2]
    first = users_now(walk)
    check_created(walk, first)
    check_import(walk)

    rerun = export(walk, records)
    assert rerun["summary"]["unchanged"] == USERS, rerun["summary"]
    assert users_now(walk) == first, "an unchanged rerun wrote to the directory"

    for index in CHANGED:
        records[index]["displayName"] = f"Jane Smith {index}"
    changed = export(walk, records)
    assert changed["summary"]["updated"] == len(CHANGED), changed["summary"]
    assert changed["summary"]["unchanged"] == USERS - len(CHANGED)
    after = users_now(walk)
    attribute = "cn" if walk.mapped_cn else "displayname"
    for index in range(USERS):
        login = f"{walk.prefix}{index:03d}"
        (dn,) = [dn for dn in after if dn.startswith(f"cn={login},")]
        if index not in CHANGED:
            assert after[dn] == first[dn], f"{dn} was written"
            continue
        wanted = [f"Jane Smith {index}"] + ([login] if walk.mapped_cn else [])
        assert folded(after[dn][attribute]) == folded(wanted)

    for index in DELETED:
        records[index]["@deleted"] = True
    deleted = export(walk, records)
    assert deleted["summary"]["deleted"] == len(DELETED), deleted["summary"]
    left = users_now(walk)
    assert len(left) == USERS - len(DELETED)
    assert set(left) == {
        dn for dn in after if not any(f"{walk.prefix}{i:03d}," in dn for i in DELETED)
    }
    assert all(left[dn] == after[dn] for dn in left), "a delete run touched another user"

    again = export(walk, records)
    assert "created" not in again["summary"] or again["summary"]["created"] == 0, again["summary"]
    assert again["summary"].get("updated", 0) == 0
    assert again["summary"].get("deleted", 0) == 0
    assert users_now(walk) == left, "the rerun after the deletes wrote to the directory"


@pytest.fixture(name="openldap")
def fixture_openldap() -> Iterator[OpenLDAPServer]:
    """A slapd of the test's own: the walkthrough's users live right under the suffix."""
    with OpenLDAPServer() as server:
        yield server


@pytest.mark.openldap
@pytest.mark.parametrize(
    ("name", "posix"), [("openldap-inetorgperson.toml", False), ("openldap-posix.toml", True)]
)
def test_walkthrough_on_openldap(
    openldap: OpenLDAPServer, tmp_path: Path, name: str, posix: bool
) -> None:
    """The published OpenLDAP configuration works verbatim: cn single-valued, displayName to cn."""
    walk = Walk(
        server=openldap,
        config=write_config(tmp_path, openldap, name),
        base=openldap.base_dn,
        user_filter="(&(objectClass=inetOrgPerson)(cn=jdoe*))",
        prefix="jdoe",
        posix=posix,
    )
    run_walkthrough(walk)


@pytest.fixture(name="ds389", scope="module")
def fixture_ds389() -> Iterator[DS389Server]:
    """A 389 DS of the module's own: the walkthrough's users live right under the suffix."""
    require_ds389()
    with DS389Server() as server:
        yield server


@pytest.mark.ds389
@pytest.mark.parametrize(
    ("name", "prefix", "posix"),
    [("openldap-inetorgperson.toml", "jdoe", False), ("openldap-posix.toml", "psmith", True)],
)
def test_walkthrough_on_389ds(
    ds389: DS389Server, tmp_path: Path, name: str, prefix: str, posix: bool
) -> None:
    """The same configurations, unchanged, on 389 DS (cn is multi-valued there too)."""
    walk = Walk(
        server=ds389,
        config=write_config(tmp_path, ds389, name),
        base=ds389.base_dn,
        user_filter=f"(&(objectClass=inetOrgPerson)(cn={prefix}*))",
        prefix=prefix,
        posix=posix,
    )
    run_walkthrough(walk)


# Samba is AD DS, which Microsoft does not support provisioning into with this connector
# (the walkthrough's AD flavour is for AD LDS): the tests opt in by name.
AD_DS_OPT_IN = "[global]\nallow_ad_ds_export = true\n\n[run_profiles]"


def samba_container(server: SambaADServer) -> str:
    """A fresh OU of the test's own on the shared Samba DC."""
    name = f"walk{uuid.uuid4().hex[:8]}"
    dn = f"OU={name},{server.people_dn}"
    server.add_ldif(f"dn: {dn}\nobjectClass: organizationalUnit\nou: {name}\n")
    return dn


@pytest.mark.samba
def test_walkthrough_on_samba_ad(samba_ad_server: SambaADServer, tmp_path: Path) -> None:
    """The AD flavour of the walkthrough on Samba AD: class user, objectGUID, displayName."""
    container = samba_container(samba_ad_server)
    config = write_config(
        tmp_path,
        samba_ad_server,
        "ad-lds-user.toml",
        {
            ",CN=CloudUsers,CN=App,DC=Contoso,DC=lab": f",{container}",
            "[run_profiles]": AD_DS_OPT_IN,
        },
    )
    walk = Walk(
        server=samba_ad_server,
        config=config,
        base=container,
        user_filter="(&(objectClass=user)(cn=jdoe*))",
        prefix="jdoe",
        mapped_cn=False,
    )
    run_walkthrough(walk)


def export_failing(walk: Walk, records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """One ``ldapconnector export --json`` run that must report failed records (exit 1)."""
    source = walk.config.with_name("users.jsonl")
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    done = cli("export", "--config", str(walk.config), "--source", str(source), "--json")
    assert done.returncode == 1, (done.stderr, done.stdout[-3000:])
    report: dict[str, Any] = json.loads(done.stdout)
    return report


MAPPED_CN = """
[[mappings]]
type = "direct"
source = "{source}"
target = "cn"
"""


def samba_walk(server: SambaADServer, directory: Path, cn_source: str, prefix: str) -> Walk:
    """The AD flavour on Samba with one more mapping to AD's SINGLE-VALUE cn."""
    container = samba_container(server)
    config = write_config(
        directory,
        server,
        "ad-lds-user.toml",
        {
            ",CN=CloudUsers,CN=App,DC=Contoso,DC=lab": f",{container}",
            "[run_profiles]": AD_DS_OPT_IN,
        },
    )
    with config.open("a", encoding="utf-8") as text:
        text.write(MAPPED_CN.format(source=cn_source))
    return Walk(
        server=server,
        config=config,
        base=container,
        user_filter="(objectClass=user)",
        prefix=prefix,
        mapped_cn=False,
    )


@pytest.mark.samba
def test_display_name_to_cn_on_ad_fails_each_record_clearly(
    samba_ad_server: SambaADServer, tmp_path: Path
) -> None:
    """AD's cn is SINGLE-VALUE: the OpenLDAP walkthrough's displayName -> cn is refused per record.

    Each record fails before anything is sent, naming cn, both values and the DN; nothing
    is half-created.
    """
    walk = samba_walk(samba_ad_server, tmp_path, "displayName", "adcn")
    records = [user(index, walk.prefix) for index in range(5)]
    report = export_failing(walk, records)
    assert report["summary"]["failed"] == len(records)
    for index, result in enumerate(report["results"]):
        error = result["error"]
        assert "attribute 'cn' is SINGLE-VALUE in the schema" in error, error
        assert f"'Jane Doe {index}'" in error
        assert f"'adcn{index:03d}'" in error
        assert f"CN=adcn{index:03d},{walk.base}" in error
    assert ldapsearch(walk, walk.user_filter, "cn") == {}


@pytest.mark.samba
def test_a_new_cn_on_ad_is_a_modrdn(samba_ad_server: SambaADServer, tmp_path: Path) -> None:
    """AD refuses to modify an RDN attribute: a new login mapped to cn renames the entry.

    The entry keeps its objectGUID, and cn holds the new value only.
    """
    walk = samba_walk(samba_ad_server, tmp_path, "login", "adrn")
    records = [{**user(index, walk.prefix), "login": f"adrn{index:03d}"} for index in range(3)]
    assert export(walk, records)["summary"]["created"] == len(records)
    before = ldapsearch(walk, walk.user_filter, "cn", "objectGUID")
    records[1]["login"] = "jsmith001"
    report = export(walk, records)
    assert report["summary"]["renamed"] == 1, report["summary"]
    after = ldapsearch(walk, walk.user_filter, "cn", "objectGUID")
    old, new = f"cn=adrn001,{walk.base.lower()}", f"cn=jsmith001,{walk.base.lower()}"
    assert set(after) == (set(before) - {old}) | {new}
    assert after[new]["cn"] == ["jsmith001"]
    assert after[new]["objectguid"] == before[old]["objectguid"]
