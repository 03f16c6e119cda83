"""``ldapconnector fingerprint``: identify a server from a saved Root DSE (offline).

Reads LDIF as ``ldapsearch -x -H URL -b "" -s base '(objectClass=*)' '+' '*'`` writes it,
with or without ``-L``/``-LLL`` (and optionally the subschema entry), and prints
:func:`ldapconnector.detect.fingerprint`'s report, human-readable or as one JSON document.
A file holding other entries besides the expected one is used with a warning naming the
entry taken. Unreadable or malformed files exit with 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from ldapconnector._ldif_io import LdifEntry, pick_entry, read_ldif_file
from ldapconnector.detect import fingerprint, format_server_info, installed_vendor_rules
from ldapconnector.errors import LdifError

EXIT_OK = 0
EXIT_USAGE = 2

_HINT = "expected LDIF as `ldapsearch` writes it"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``fingerprint`` sub-command."""
    parser = subparsers.add_parser(
        "fingerprint",
        help="identify a directory server from a saved Root DSE (offline)",
        description="Identify a directory server from its Root DSE saved as LDIF.",
    )
    parser.add_argument("--root-dse", required=True, metavar="FILE.ldif", help="the Root DSE")
    parser.add_argument(
        "--schema", metavar="FILE.ldif", help="the subschema entry, for schema probes"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(handler=run)


def _pick(path: str, wanted: Callable[[LdifEntry], bool], what: str) -> LdifEntry:
    picked = pick_entry(read_ldif_file(path), wanted, source=path)
    note = picked.note(what)
    if note is not None:
        print(f"ldapconnector: warning: {path}: {note}", file=sys.stderr)
    return picked.entry


def _is_root_dse(entry: LdifEntry) -> bool:
    return entry.dn.strip() == ""


def _is_subschema(entry: LdifEntry) -> bool:
    names = {name.lower() for name in entry.attributes}
    return bool(names & {"objectclasses", "attributetypes"})


def run(args: argparse.Namespace) -> int:
    """Fingerprint the files named on the command line; return the exit code."""
    try:
        root = _pick(args.root_dse, _is_root_dse, "the Root DSE")
        schema = None
        if args.schema is not None:
            schema = _pick(args.schema, _is_subschema, "the subschema entry")
    except LdifError as exc:
        hint = f" ({_HINT})" if exc.line is not None else ""
        print(f"ldapconnector: error: {exc}{hint}", file=sys.stderr)
        return EXIT_USAGE
    # Installed packages' vendor rules count here as in the Connector.
    rules = installed_vendor_rules()
    info = fingerprint(root.attributes, schema.attributes if schema else None, rules=rules)
    if args.json:
        print(json.dumps(info.to_json_dict(), indent=2))
    else:
        print(format_server_info(info), end="")
    return EXIT_OK
