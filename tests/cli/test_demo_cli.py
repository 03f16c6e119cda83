"""``ldapconnector demo`` end to end: a real throwaway slapd, connection, detection."""

from __future__ import annotations

import json

import pytest

from ldapconnector.cli import main

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


def test_demo_json_reports_a_healthy_openldap(capsys: pytest.CaptureFixture[str]) -> None:
    """The demo starts its own slapd, passes every stage and identifies OpenLDAP."""
    assert main(["demo", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report["stages"].values()) == {"ok"}
    assert report["vendor"] == "openldap"
    assert report["version"].startswith("2.5.")
    assert report["recommended_anchor"] == "entryUUID"
    assert report["delta_source"] == "accesslog"
    assert "dc=contoso,dc=lab" in report["naming_contexts"]
    assert len(report["certificate"]["sha256"]) == 64


def test_demo_human_output(capsys: pytest.CaptureFixture[str]) -> None:
    """The human report names the server, the anchor and says the server was stopped."""
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "OpenLDAP 2.5." in out
    assert "(openldap)" in out
    assert "anchor:           entryUUID" in out
    assert "stopped and its files removed" in out


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Running with no sub-command prints help to stderr and exits with 2."""
    assert main([]) == 2
    assert "usage:" in capsys.readouterr().err


def test_demo_json_reports_the_export_cycle(capsys: pytest.CaptureFixture[str]) -> None:
    """The demo plans and exports its users, applies every kind of change, and has no failure."""
    assert main(["demo", "--json"]) == 0
    cycle = json.loads(capsys.readouterr().out)["export"]
    assert cycle["plan"]["summary"] == {"created": cycle["users"]}
    assert cycle["first_export"]["summary"] == {"created": cycle["users"]}
    second = cycle["second_export"]["summary"]
    assert {k: second[k] for k in ("updated", "renamed", "disabled", "deleted")} == {
        "updated": 5, "renamed": 5, "disabled": 5, "deleted": 5,
    }  # fmt: skip
    assert {"uidNumber", "homeDirectory", "sn"} <= set(cycle["required_attributes"])
