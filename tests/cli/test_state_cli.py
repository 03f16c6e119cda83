"""The connector space persists by default: the CLI as a subprocess, against a real slapd.

No ``--state`` anywhere: ``connector.toml`` keeps its state in ``connector.state.sqlite``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

_ROOT = Path(__file__).parents[2]


def _config_file(tmp_path: Path, server: OpenLDAPServer, space: str = "") -> Path:
    section = server.connectivity(security="ldaps")
    path = tmp_path / "connector.toml"
    path.write_text(
        "[connectivity]\n"
        f'host = "{section["host"]}"\nport = {section["port"]}\nsecurity = "ldaps"\n'
        f'binding = "simple"\nuser = "{section["user"]}"\npassword_env = "TEST_LDAP_PASSWORD"\n'
        f'ca_file = "{section["ca_file"]}"\n\n'
        '[object_type]\ntarget = "inetOrgPerson"\n'
        f'containers = ["{server.people_dn}"]\n\n'
        "[run_profiles]\nexport = false\ndelta_import = true\n" + space,
        encoding="utf-8",
    )
    return path


def _cli(server: OpenLDAPServer, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(_ROOT), "TEST_LDAP_PASSWORD": server.service_password}
    return subprocess.run(
        [sys.executable, "-m", "ldapconnector", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def _ldapmodify(server: OpenLDAPServer, tmp_path: Path, ldif: str) -> None:
    """An outside change, made with OpenLDAP's own client as the admin."""
    password = tmp_path / "admin.pw"
    password.write_text(server.admin_password, encoding="utf-8")
    subprocess.run(
        ["ldapmodify", "-x", "-H", server.ldapi_uri, "-D", server.admin_dn, "-y", str(password)],
        input=ldif,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )


def test_delta_after_full_import_reports_exactly_the_outside_change(
    fresh_openldap_server: OpenLDAPServer, tmp_path: Path
) -> None:
    """import, then ldapmodify, then import --delta: one change, and no --state given."""
    server = fresh_openldap_server
    dn = f"uid=kim,{server.people_dn}"
    _ldapmodify(server, tmp_path, f"dn: {dn}\nchangetype: add\nobjectClass: inetOrgPerson\n"
                f"uid: kim\ncn: Kim\nsn: K\n")  # fmt: skip
    config = str(_config_file(tmp_path, server))
    full = _cli(server, "import", "--config", config)
    assert full.returncode == 0, full.stderr
    assert "delta watermark established before the full import (accesslog)" in full.stdout
    assert (tmp_path / "connector.state.sqlite").exists()
    _ldapmodify(server, tmp_path, f"dn: {dn}\nchangetype: modify\nreplace: sn\nsn: Kay\n")
    output = tmp_path / "changes.jsonl"
    delta = _cli(server, "import", "--config", config, "--delta", "--output", str(output))
    assert delta.returncode == 0, delta.stderr
    assert "delta import: 1 changes" in delta.stdout
    (line,) = [json.loads(text) for text in output.read_text(encoding="utf-8").splitlines()]
    assert (line["type"], line["dn"], line["attributes"]) == ("modify", dn, {"sn": ["Kay"]})


def test_delta_without_a_watermark_says_what_to_run(
    fresh_openldap_server: OpenLDAPServer, tmp_path: Path
) -> None:
    """A first delta import says there was no watermark and names the full import to run."""
    server = fresh_openldap_server
    config = str(_config_file(tmp_path, server))
    first = _cli(server, "import", "--config", config, "--delta")
    assert first.returncode == 0, first.stderr
    assert "no delta watermark yet" in first.stdout
    assert f"run `ldapconnector import --config {config}`" in first.stdout
    again = _cli(server, "import", "--config", config, "--delta")
    assert again.returncode == 0, again.stderr
    assert "no delta watermark yet" not in again.stdout  # said once, then remembered


def test_space_path_and_in_memory_are_honoured(
    fresh_openldap_server: OpenLDAPServer, tmp_path: Path
) -> None:
    """``[space] path`` names the file; ``--state :memory:`` writes no file at all."""
    server = fresh_openldap_server
    config = str(_config_file(tmp_path, server, '\n[space]\npath = "run/links.sqlite"\n'))
    (tmp_path / "run").mkdir()
    assert _cli(server, "import", "--config", config).returncode == 0
    assert (tmp_path / "run" / "links.sqlite").exists()
    memory = _cli(server, "import", "--config", config, "--delta", "--state", ":memory:")
    assert "no delta watermark yet" in memory.stdout
    assert not (tmp_path / "connector.state.sqlite").exists()


def test_state_path_order_of_precedence(tmp_path: Path) -> None:
    """``--state`` beats ``[space]``, which beats the file named after the config."""
    from ldapconnector.cli._state import state_path
    from ldapconnector.config import ConnectorConfig

    data = {"connectivity": {"host": "ldap.example.org", "binding": "anonymous"}}
    plain = ConnectorConfig.from_dict(data)
    named = ConnectorConfig.from_dict({**data, "space": {"path": "s.db"}}, base_dir=tmp_path)
    memory = ConnectorConfig.from_dict({**data, "space": {"in_memory": True}})
    assert state_path(plain, "/etc/lc/connector.toml", None) == "/etc/lc/connector.state.sqlite"
    assert state_path(named, "/etc/lc/connector.toml", None) == str(tmp_path / "s.db")
    assert state_path(named, "/etc/lc/connector.toml", "x.sqlite") == "x.sqlite"
    assert state_path(named, "/etc/lc/connector.toml", ":memory:") is None
    assert state_path(memory, "/etc/lc/connector.toml", None) is None


def test_change_made_during_the_full_import_is_not_missed(tmp_path: Path) -> None:
    """A change made while the full import is still writing its output is the next delta.

    The output is a FIFO that the test stops reading after one line: the import blocks
    with more than a pipe buffer left to write, and the change is made then. Had the
    watermark been taken after the read, it would lie past the change.
    """
    filler = "x" * 1000  # 300 lines of ~1.1 KiB: well over a 64 KiB pipe buffer
    seed = "".join(
        f"dn: uid=u{i},ou=people,dc=contoso,dc=lab\nobjectClass: inetOrgPerson\nuid: u{i}\n"
        f"cn: U {i}\nsn: U\ndescription: {filler}\n\n"
        for i in range(300)
    )
    with OpenLDAPServer(seed_ldif=seed) as server:
        config = str(_config_file(tmp_path, server))
        fifo = tmp_path / "objects.jsonl"
        os.mkfifo(fifo)
        env = {**os.environ, "PYTHONPATH": str(_ROOT)}
        env["TEST_LDAP_PASSWORD"] = server.service_password
        argv = [sys.executable, "-m", "ldapconnector", "import", "--config", config]
        with subprocess.Popen(
            [*argv, "--output", str(fifo)], stdout=subprocess.PIPE, text=True, env=env
        ) as full:
            with fifo.open(encoding="utf-8") as objects:
                assert objects.readline()  # the import is reading; the rest is held up
                dn = f"uid=u7,{server.people_dn}"
                _ldapmodify(server, tmp_path, f"dn: {dn}\nchangetype: modify\nreplace: sn\nsn: V\n")
                assert len(objects.readlines()) == 299
            assert full.wait(timeout=120) == 0
        delta = _cli(server, "import", "--config", config, "--delta", "--json")
        assert delta.returncode == 0, delta.stderr
        assert json.loads(delta.stdout)["summary"]["changes"] == 1


def test_second_run_on_one_state_file_is_refused(tmp_path: Path) -> None:
    """While one process holds the state file, ``ldapconnector import`` exits 1 naming it."""
    config = tmp_path / "connector.toml"
    config.write_text(
        '[connectivity]\nhost = "127.0.0.1"\nport = 1\nbinding = "anonymous"\n', encoding="utf-8"
    )
    state = tmp_path / "connector.state.sqlite"
    holder = "import sys\nfrom ldapconnector.space import SqliteLinkStore\n"
    holder += "with SqliteLinkStore.open(sys.argv[1]):\n    print('open', flush=True)\n"
    holder += "    sys.stdin.read()\n"
    env = {**os.environ, "PYTHONPATH": str(_ROOT)}
    with subprocess.Popen(
        [sys.executable, "-c", holder, str(state)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as held:
        assert held.stdout is not None
        assert held.stdout.readline() == "open\n"
        second = subprocess.run(
            [sys.executable, "-m", "ldapconnector", "import", "--config", str(config)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert held.stdin is not None
        held.stdin.close()
        assert held.wait(timeout=60) == 0
    assert second.returncode == 1
    assert f"{state}: the link store is in use: another ldapconnector run holds it" in second.stderr
