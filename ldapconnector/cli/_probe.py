"""``ldapconnector probe``: connect to a live server, detect it, show what it offers.

The target is a config file (``--config FILE``, its ``[connectivity]`` section) or an LDAP
URL (``ldaps://host:636``, ``ldap://host`` with ``--starttls``). With a URL the bind is
anonymous unless ``--bind-dn`` and ``--password-env`` are given.
"""

from __future__ import annotations

import argparse
import json
import os
import urllib.parse
from typing import Any

from ldapconnector.config import ConnectivityConfig, ConnectorConfig
from ldapconnector.connector import detect
from ldapconnector.detect import format_server_info, installed_vendor_rules
from ldapconnector.errors import ConfigurationError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``probe`` sub-command."""
    parser = subparsers.add_parser(
        "probe",
        help="detect a live server: vendor, capabilities, change log, certificate",
        description="Connect to a live directory server and report what detection finds.",
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--config", metavar="FILE", help="a connector config file (TOML)")
    target.add_argument("url", nargs="?", help="ldap://host[:port] or ldaps://host[:port]")
    parser.add_argument("--starttls", action="store_true", help="StartTLS on an ldap:// URL")
    parser.add_argument("--ca-file", help="PEM file of the CAs that sign the server certificate")
    parser.add_argument("--bind-dn", help="simple bind as this DN (URL form)")
    parser.add_argument(
        "--password-env", metavar="VAR", help="environment variable holding the bind password"
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds (default 30)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(handler=run)


def settings_from_url(args: argparse.Namespace) -> ConnectivityConfig:
    """Build connectivity settings from the URL form of the command line."""
    parsed = urllib.parse.urlsplit(args.url)
    if parsed.scheme not in {"ldap", "ldaps"} or not parsed.hostname:
        raise ConfigurationError(
            [f"url: must be ldap://host[:port] or ldaps://..., got {args.url!r}"]
        )
    plain_security = "starttls" if args.starttls else "none"
    security = "ldaps" if parsed.scheme == "ldaps" else plain_security
    section: dict[str, Any] = {
        "host": parsed.hostname,
        "security": security,
        "binding": "simple" if args.bind_dn else "anonymous",
        "timeout": args.timeout,
    }
    if parsed.port is not None:
        section["port"] = parsed.port
    if args.ca_file:
        section["ca_file"] = args.ca_file
    if args.bind_dn:
        section["user"] = args.bind_dn
        section["password_env"] = args.password_env or ""
    return ConnectivityConfig.from_dict(section, base_dir=os.getcwd())


def run(args: argparse.Namespace) -> int:
    """Probe the server; print the report; return the exit code."""
    if args.config:
        settings = ConnectorConfig.from_file(args.config).connectivity
    else:
        settings = settings_from_url(args)
    info = detect(settings, rules=installed_vendor_rules())
    if args.json:
        print(json.dumps(info.to_json_dict(), indent=2))
    else:
        print(format_server_info(info), end="")
    return 0
