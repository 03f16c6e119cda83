"""``ldapconnector export`` against a real slapd, with a TOML config and a JSON Lines source."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ldapconnector.cli import main
from ldapconnector.cli._demo_data import posix_example, to_toml, users
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


@pytest.fixture(name="server", scope="module")
def fixture_server() -> Iterator[OpenLDAPServer]:
    """A slapd of its own for the CLI runs."""
    with OpenLDAPServer() as server:
        yield server


def _files(tmp_path: Path, server: OpenLDAPServer, count: int) -> tuple[Path, Path]:
    connectivity = dict(server.connectivity(security="ldaps"))
    connectivity.pop("password")
    connectivity["password_env"] = "TEST_LDAP_PASSWORD"
    config = tmp_path / "connector.toml"
    config.write_text(to_toml(posix_example(connectivity, people_dn=server.people_dn)))
    source = tmp_path / "users.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in users(count)), encoding="utf-8")
    return config, source


def test_plan_then_export_then_state(
    server: OpenLDAPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--plan --json shows LDIF; export creates; a rerun with --state is all unchanged."""
    monkeypatch.setenv("TEST_LDAP_PASSWORD", server.service_password)
    config, source = _files(tmp_path, server, 5)
    state = tmp_path / "state.sqlite"
    base = ["export", "--config", str(config), "--source", str(source), "--state", str(state)]
    assert main([*base, "--plan"]) == 0
    shown = capsys.readouterr()
    assert shown.out.startswith("version: 1\n")  # clean LDIF, ready for a pipe
    assert "planned 5 records: 5 created" in shown.err
    assert "planned" not in shown.out
    assert main([*base, "--plan", "--json"]) == 0
    planned = json.loads(capsys.readouterr().out)
    assert planned["summary"]["created"] == 5
    assert planned["ldif"].startswith("version: 1\n")
    assert set(planned["results"][0]) == {"id", "action", "dn", "anchor", "error"}
    assert main([*base, "--json"]) == 0
    done = json.loads(capsys.readouterr().out)
    assert done["summary"]["created"] == 5
    assert "ldif" not in done
    assert done["results"][0]["anchor"]
    assert main(base) == 0
    assert "5 unchanged" in capsys.readouterr().out


def test_failures_exit_1_and_bad_usage_exit_2(
    server: OpenLDAPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A record the directory refuses fails the run (exit 1); a bad source file is bad input (2)."""
    monkeypatch.setenv("TEST_LDAP_PASSWORD", server.service_password)
    config, source = _files(tmp_path, server, 1)
    source.write_text('{"id": "x", "userPrincipalName": "no-surname@contoso.lab"}\n')
    assert main(["export", "--config", str(config), "--source", str(source), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["results"][0]["error"]
    source.write_text("not json\n", encoding="utf-8")
    assert main(["export", "--config", str(config), "--source", str(source)]) == 2
    err = capsys.readouterr().err
    assert f"{source}:1:1: not JSON" in err
    assert "invalid configuration" not in err


def test_plan_and_export_use_the_default_state_file(
    server: OpenLDAPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Without --state: a plan writes no link, the export links, a rerun finds its links."""
    from ldapconnector.space import SqliteLinkStore

    monkeypatch.setenv("TEST_LDAP_PASSWORD", server.service_password)
    config, source = _files(tmp_path, server, 3)
    state = tmp_path / "connector.state.sqlite"
    base = ["export", "--config", str(config), "--source", str(source)]
    assert main([*base, "--plan"]) == 0
    with SqliteLinkStore.open(state) as store:
        assert store.count() == 0
    assert main(base) == 0
    with SqliteLinkStore.open(state) as store:
        assert store.count() == 3
    capsys.readouterr()
    assert main(base) == 0
    assert "3 unchanged" in capsys.readouterr().out


def test_progress_is_logged_when_asked_for(
    server: OpenLDAPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Off a terminal, --progress writes plain progress lines to stderr (none without it)."""
    monkeypatch.setenv("TEST_LDAP_PASSWORD", server.service_password)
    config, source = _files(tmp_path, server, 3)
    base = ["export", "--config", str(config), "--source", str(source), "--state", ":memory:"]
    assert main(base) == 0
    assert "progress:" not in capsys.readouterr().err
    assert main([*base, "--progress"]) == 0
    err = capsys.readouterr().err
    assert "progress: 3/3 records (100%)" in err
    assert "\r" not in err
