"""``ldapconnector schema``: what an object class combination requires and allows.

Reads a subschema dump (``--schema FILE``: the LDIF of ``ldapsearch -b cn=subschema -s base
'(objectClass=*)' '+' '*'``, or a JSON object of attribute -> values) and prints the
required and optional attributes of a structural class plus auxiliary classes, with each
attribute's value type and the classes it comes from.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ldapconnector._ldif_io import read_ldif_file
from ldapconnector.errors import ConfigurationError, LdifError, SchemaError
from ldapconnector.schema import AttributeRequirement, Schema, SchemaOptions

if TYPE_CHECKING:
    from ldapconnector.config import ConnectorConfig

__all__ = ["load_subschema_file", "register", "run"]

EXIT_OK = 0
EXIT_USAGE = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``schema`` sub-command."""
    parser = subparsers.add_parser(
        "schema",
        help="show the required and optional attributes of object classes",
        description="Show what a structural class plus auxiliary classes require and allow.",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--schema",
        metavar="FILE",
        help="subschema dump: LDIF (ldapsearch -b cn=subschema -s base '+' '*') or JSON",
    )
    source.add_argument(
        "--config", metavar="FILE", help="read the schema live from the configured server"
    )
    parser.add_argument(
        "--class",
        dest="structural",
        help="structural class (with --config: [object_type] target and auxiliary if omitted)",
    )
    parser.add_argument(
        "--aux", action="append", default=[], metavar="CLASS", help="auxiliary class (repeat)"
    )
    parser.add_argument("--operational", action="store_true", help="list operational attributes")
    parser.add_argument(
        "--extensible", action="store_true", help="treat extensibleObject as always present"
    )
    parser.add_argument(
        "--binary-alias",
        action="append",
        default=[],
        metavar="ATTR;binary",
        help="mark an attribute binary (RFC 4522), e.g. userCertificate;binary (repeat)",
    )
    parser.add_argument("--warnings", action="store_true", help="also list the schema's warnings")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(handler=run)


def load_subschema_file(
    path: str | os.PathLike[str], *, notes: list[str] | None = None
) -> Mapping[str, Sequence[str]]:
    """Read a subschema dump: LDIF (the entry holding ``objectClasses``) or JSON.

    JSON is either an object of attribute -> values or a document with such an object under
    ``"attributes"`` (the layout of the recorded schemas in ``tests/data/schema``).

    Args:
        path: the file.
        notes: where to append a message naming the entry used when the LDIF holds others.

    Raises:
        LdifError: the LDIF is malformed (the message names the line).
        SchemaError: the file holds no subschema entry.
    """
    name = os.fspath(path)
    if name.lower().endswith(".json"):
        return _load_json(name)
    from ldapconnector._ldif_io import PickedEntry  # here, to keep the imports above as on main

    entries = read_ldif_file(name)
    for entry in entries:
        keys = {key.lower() for key in entry.attributes}
        if keys & {"objectclasses", "attributetypes"}:
            note = PickedEntry(entry=entry, ignored=len(entries) - 1).note("the subschema entry")
            if note is not None and notes is not None:
                notes.append(f"{name}: {note}")
            return {key: [_text(v) for v in values] for key, values in entry.attributes.items()}
    raise SchemaError(f"{name}: no entry with objectClasses or attributeTypes")


def _text(value: str | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _load_json(name: str) -> Mapping[str, Sequence[str]]:
    try:
        with open(name, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as exc:
        raise SchemaError(f"{name}: cannot read the file: {exc.strerror}") from None
    except ValueError as exc:
        raise SchemaError(f"{name}: not JSON: {exc}") from None
    if isinstance(document, dict) and isinstance(document.get("attributes"), dict):
        document = document["attributes"]
    if not isinstance(document, dict):
        raise SchemaError(f"{name}: expected a JSON object of attribute -> values")
    return document


def run(args: argparse.Namespace) -> int:
    """Load the schema and print the attributes of the requested class combination."""
    options = SchemaOptions(
        include_operational=args.operational,
        include_extensible=args.extensible,
        binary_aliases=frozenset(args.binary_alias),
    )
    if args.structural is None and args.schema is not None:
        print("ldapconnector schema: --class is required with --schema", file=sys.stderr)
        return EXIT_USAGE
    try:
        schema = _load_schema(args, options)
        rows = schema.attribute_requirements(args.structural, auxiliary=args.aux)
    except (LdifError, SchemaError) as exc:
        print(f"ldapconnector schema: {exc}", file=sys.stderr)
        return EXIT_USAGE
    report = _report(schema, args, rows)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(_render(report))
    return EXIT_OK


def _load_schema(args: argparse.Namespace, options: SchemaOptions) -> Schema:
    if args.schema is not None:
        notes: list[str] = []
        subschema = load_subschema_file(args.schema, notes=notes)
        for note in notes:
            print(f"ldapconnector schema: warning: {note}", file=sys.stderr)
        return Schema.from_subschema(subschema, options=options)
    from ldapconnector.config import ConnectorConfig
    from ldapconnector.connector import Connector

    config = ConnectorConfig.from_file(args.config)
    from_config = args.structural is None
    if from_config:
        _use_configured_classes(args, config)
    with Connector(config) as connector:
        live = connector.schema
        if from_config:
            connector.check_object_type()  # a missing class, with a did-you-mean
    configured = live.options
    # The command line can only add to what the configuration asks for.
    return live.with_options(
        attrs.evolve(
            configured,
            include_operational=configured.include_operational or options.include_operational,
            include_extensible=configured.include_extensible or options.include_extensible,
            binary_aliases=configured.binary_aliases | options.binary_aliases,
        )
    )


def _use_configured_classes(args: argparse.Namespace, config: ConnectorConfig) -> None:
    """No ``--class``: show the configured ``[object_type]`` (``--aux`` adds classes)."""
    if config.object_type is None:
        raise ConfigurationError(["object_type: not configured, so --class is required"])
    args.structural = config.object_type.target
    args.aux = [*config.object_type.auxiliary, *args.aux]


def _row(row: AttributeRequirement) -> dict[str, Any]:
    info = row.info
    return {
        "name": row.name,
        "type": info.value_type.value if info else None,
        "single_value": info.single_value if info else False,
        "syntax": info.syntax if info else None,
        "operational": info.operational if info else False,
        "no_user_modification": info.no_user_modification if info else False,
        "from": list(row.required_by or row.allowed_by),
    }


def _report(
    schema: Schema, args: argparse.Namespace, rows: Sequence[AttributeRequirement]
) -> dict[str, Any]:
    structural = schema.object_class(args.structural)
    auxiliary = [schema.object_class(name) for name in args.aux]
    return {
        "schema": os.fspath(args.schema) if args.schema else f"live ({args.config})",
        "structural": structural.name if structural else args.structural,
        "kind": structural.kind.value if structural else None,
        "superclasses": [cls.name for cls in schema.superclasses(args.structural)],
        "auxiliary": [cls.name for cls in auxiliary if cls is not None],
        "extensible": schema.allows_any_attribute(args.structural, auxiliary=args.aux),
        "required": [_row(r) for r in rows if r.required],
        "server_supplied": [_row(r) for r in rows if r.server_supplied],
        "optional": [_row(r) for r in rows if not r.required and not r.server_supplied],
        "warnings": [str(w) for w in schema.warnings] if args.warnings else len(schema.warnings),
    }


def _render(report: Mapping[str, Any]) -> str:
    chain = " > ".join([report["structural"], *report["superclasses"]])
    lines = [f"Structural class: {chain} ({report['kind']})"]
    if report["auxiliary"]:
        lines.append(f"Auxiliary classes: {', '.join(report['auxiliary'])}")
    if report["extensible"]:
        lines.append("extensibleObject is present: any user attribute is allowed")
    titles = {
        "required": "Required attributes",
        "server_supplied": "Required, but supplied by the server",
        "optional": "Optional attributes",
    }
    for key, title in titles.items():
        rows = report[key]
        if not rows and key == "server_supplied":
            continue
        lines += ["", f"{title} ({len(rows)}):"]
        width = max((len(row["name"]) for row in rows), default=0)
        for row in rows:
            kind = (row["type"] or "undefined") + (", single" if row["single_value"] else "")
            lines.append(f"  {row['name']:<{width}}  {kind:<24}  from {', '.join(row['from'])}")
    warnings = report["warnings"]
    if isinstance(warnings, list):
        lines += ["", f"Schema warnings ({len(warnings)}):", *(f"  {w}" for w in warnings)]
    elif warnings:
        lines += ["", f"The schema has {warnings} warnings (--warnings lists them)."]
    return "\n".join(lines)
