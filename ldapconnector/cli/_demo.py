"""``ldapconnector demo``: a throwaway slapd, detection, and a full export cycle.

It starts the test server, walks the connection stages, prints what the Root DSE and the
certificate say, then runs the POSIX example of Microsoft's OpenLDAP walkthrough: the
required attributes of
``inetOrgPerson`` + ``posixAccount`` + ``shadowAccount``, a plan and an export of a few
hundred generated users, some changes (display names, renames, soft-deletes, deletes),
a second export, and a summary of each run.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from ldapconnector.cli._demo_export import export_cycle
from ldapconnector.connection import ConnectionTestReport, open_connection, test_connection
from ldapconnector.connector import detect
from ldapconnector.model import ServerCertificate


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``demo`` sub-command."""
    parser = subparsers.add_parser(
        "demo", help="start a throwaway OpenLDAP server and show what the connector sees"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(handler=run)


def _certificate_lines(report: ConnectionTestReport) -> list[str]:
    cert = report.certificate
    if cert is None:
        return ["  (no certificate)"]
    return [
        f"  subject:     {cert.subject}",
        f"  issuer:      {cert.issuer}",
        f"  valid:       {cert.not_before:%Y-%m-%d %H:%M} .. {cert.not_after:%Y-%m-%d %H:%M} UTC",
        f"  SHA-1:       {cert.sha1_thumbprint}",
        f"  SHA-256:     {cert.sha256_thumbprint}",
    ]


def _summary(server: Any) -> dict[str, Any]:
    settings = server.connectivity_config(security="ldaps", binding="simple")
    report = test_connection(settings)
    with open_connection(settings) as conn:
        root = conn.read_root_dse()
        identity = conn.who_am_i()
        detected = detect(conn)
    return {
        "vendor": detected.vendor.value,
        "product": detected.product,
        "version": detected.version,
        "recommended_anchor": detected.anchor,
        "delta_source": detected.delta_source.value if detected.delta_source else None,
        "change_log_dn": detected.change_log_dn,
        "server": settings.host + ":" + str(settings.effective_port),
        "security": settings.security.value,
        "bound_as": identity,
        "stages": {s.stage.value: "ok" if s.ok else s.detail for s in report.stages},
        "naming_contexts": list(root.texts("namingContexts")),
        "subschema": root.first("subschemaSubentry"),
        "supported_ldap_version": list(root.texts("supportedLDAPVersion")),
        "supported_sasl_mechanisms": list(root.texts("supportedSASLMechanisms")),
        "supported_controls": len(root.get("supportedControl")),
        "supported_extensions": len(root.get("supportedExtension")),
        "certificate": report.certificate,
        "report": report,
    }


def run(args: argparse.Namespace) -> int:
    """Start the server, connect over LDAPS with the throwaway CA, and print a summary."""
    from ldapconnector.testing import OpenLDAPServer

    started = time.perf_counter()
    with OpenLDAPServer() as server:
        ready = time.perf_counter() - started
        info = _summary(server)
        info["export"] = export_cycle(server)
    info["total_seconds"] = round(time.perf_counter() - started, 3)
    report: ConnectionTestReport = info.pop("report")
    cert = info.pop("certificate")
    if args.json:
        info["certificate"] = None if cert is None else _certificate_json(cert)
        info["server_start_seconds"] = round(ready, 3)
        print(json.dumps(info, indent=2))
    else:
        _print_report(info, report, ready)
    return 0 if report.ok and info["export"]["ok"] else 1


def _certificate_json(cert: ServerCertificate) -> dict[str, str]:
    return {
        "subject": cert.subject,
        "issuer": cert.issuer,
        "sha1": cert.sha1_thumbprint,
        "sha256": cert.sha256_thumbprint,
        "not_before": cert.not_before.isoformat(),
        "not_after": cert.not_after.isoformat(),
    }


def _print_report(info: dict[str, Any], report: ConnectionTestReport, ready: float) -> None:
    print(f"Started a throwaway OpenLDAP server in {ready:.2f} s; connected to {info['server']}")
    print(f"over {info['security']} as {info['bound_as']}\n")
    print("Connection stages:")
    print("\n".join("  " + line for line in report.summary().splitlines()))
    print("\nDetected:")
    version = f" {info['version']}" if info["version"] else ""
    print(f"  server:           {info['product']}{version} ({info['vendor']})")
    print(f"  anchor:           {info['recommended_anchor']}")
    print(f"  delta import:     {info['delta_source']} at {info['change_log_dn']}")
    print("\nRoot DSE:")
    print(f"  naming contexts:  {', '.join(info['naming_contexts'])}")
    print(f"  subschema:        {info['subschema']}")
    print(f"  LDAP versions:    {', '.join(info['supported_ldap_version'])}")
    print(f"  SASL mechanisms:  {', '.join(info['supported_sasl_mechanisms']) or '(none)'}")
    print(f"  controls:         {info['supported_controls']} supported")
    print(f"  extensions:       {info['supported_extensions']} supported")
    print("\nServer certificate:")
    print("\n".join(_certificate_lines(report)))
    _export_lines(info["export"])
    print(f"\nThe server has been stopped and its files removed ({info['total_seconds']:.1f} s).")


def _counts(run: dict[str, Any]) -> str:
    listed = ", ".join(f"{count} {name}" for name, count in run["summary"].items())
    return f"{listed or 'nothing'} in {run['seconds']:.2f} s"


def _export_lines(cycle: dict[str, Any]) -> None:
    classes = " + ".join(cycle["object_classes"])
    print(f"\nExport (the OpenLDAP POSIX example, {cycle['users']} generated users):")
    print(f"  required by {classes}:")
    print(f"    {', '.join(cycle['required_attributes'])}")
    print(f"  plan:            {_counts(cycle['plan'])} (nothing written)")
    print(f"  first export:    {_counts(cycle['first_export'])}")
    changed = ", ".join(f"{len(ids)} {kind}" for kind, ids in cycle["changed"].items())
    print(f"  source changes:  {changed}")
    print(f"  second export:   {_counts(cycle['second_export'])}")
    print(f"  link store:      {cycle['links']} links")
    print("\n  one planned add:")
    print("\n".join("    " + line for line in cycle["example_add"].splitlines()))
    print("  one rename (with the modify that follows it):")
    print("\n".join("    " + line for line in cycle["example_rename"].splitlines()))
