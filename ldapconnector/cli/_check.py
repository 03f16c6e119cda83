"""``ldapconnector check --config FILE``: is the running bridge's connector space ready?

What the seed's connection-test script does for the ECMA host: for each connector, ask the
running bridge (over HTTPS, with the connector's token) whether its cache is populated,
how many objects it holds and when the last import finished; also show the certificate's
fingerprint and expiry (renew it before it runs out). Exit 0 when every connector is
ready, 1 otherwise.
"""

from __future__ import annotations

import argparse
import datetime
import json
from typing import Any

from ldapconnector.cli._serve import scim_package

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``check`` sub-command."""
    parser = subparsers.add_parser(
        "check",
        help="ask the running SCIM bridge whether each connector space is ready",
        description="Report each connector space of a running `ldapconnector serve`.",
    )
    parser.add_argument("--config", required=True, metavar="FILE", help="bridge file (TOML)")
    parser.add_argument("--port", type=int, help="the bridge's port (default: the file's)")
    parser.add_argument("--plain-http", action="store_true", help="the bridge serves plain HTTP")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(handler=run)


def _line(status: Any) -> str:
    if not status.reachable or (status.error and not status.ready):
        return f"{status.name}: {status.url}: {'importing' if status.reachable else 'down'}" + (
            f" ({status.error})" if status.error else ""
        )
    state = "ready" if status.ready else "importing (the first import has not finished)"
    last = f", last import {status.last_import:%Y-%m-%d %H:%M:%S}Z" if status.last_import else ""
    return f"{status.name}: {status.url}: {state}, {status.objects} objects{last}"


def _certificate_line(scim: Any, settings: Any) -> tuple[str, Any]:
    path = scim.bridge_certificate_path(settings)
    if not path.exists():
        return f"certificate: {path} does not exist (has the bridge been started?)", None
    described = scim.describe_certificate(path)
    days = (described.not_after - datetime.datetime.now(datetime.UTC)).days
    warning = " -- renew it soon" if days < 30 else ""
    return f"certificate: {path} SHA-256 {described.fingerprint}, {days} days left{warning}", path


def run(args: argparse.Namespace) -> int:
    """Ask the bridge about each connector; print the report."""
    scim = scim_package()
    settings = scim.load_settings(args.config)
    port = args.port if args.port is not None else settings.port
    cafile, lines = None, []
    if not args.plain_http:
        line, cafile = _certificate_line(scim, settings)
        lines.append(line)
    host = scim.local_host(settings.host)
    statuses = [
        scim.fetch_status(e, scim.load_token(e), host=host, port=port, cafile=cafile)
        for e in settings.connectors
    ] if args.plain_http or cafile is not None else []  # fmt: skip
    if args.json:
        print(json.dumps({"connectors": [s.to_json_dict() for s in statuses]}, indent=2))
    else:
        print("\n".join([*lines, *(_line(s) for s in statuses)]))
    ok = bool(statuses) and all(s.ready for s in statuses)
    return 0 if ok else 1
