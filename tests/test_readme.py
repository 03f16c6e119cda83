"""The README's Python example runs as written against a real throwaway slapd."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ldapconnector.cli._demo_data import posix_example, to_toml, users
from ldapconnector.testing import OpenLDAPServer

README = Path(__file__).resolve().parent.parent / "README.md"


def _first_python_block() -> str:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    return str(blocks[0])


@pytest.mark.integration
@pytest.mark.openldap
def test_readme_example_runs(
    fresh_openldap_server: OpenLDAPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With a config file and 20 users, the example imports, plans, exports and reads deltas."""
    server = fresh_openldap_server
    section = dict(server.connectivity(security="ldaps"))
    monkeypatch.setenv("README_LDAP_PASSWORD", str(section.pop("password")))
    section["password_env"] = "README_LDAP_PASSWORD"
    config = posix_example(section, people_dn=server.people_dn)
    config["run_profiles"] = {"delta_import": True}
    (tmp_path / "connector.toml").write_text(to_toml(config), encoding="utf-8")
    lines = [json.dumps(user) for user in users(20)]
    (tmp_path / "users.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    exec(compile(_first_python_block(), str(README), "exec"), {})  # noqa: S102 - our own README
    out = capsys.readouterr().out
    assert "ok   bind" in out
    assert "OpenLDAP entryUUID" in out
    assert "changetype: add" in out
    assert "'created': 20" in out
