"""``ldapconnector import``: run a full import and write the objects as JSON Lines.

``--output F.jsonl`` writes one line per object: ``{"anchor", "dn", "objectClass",
"attributes"}`` with binary values as ``{"base64": "..."}``; a group type's lines add
``"members": [{"id", "value"}]`` (the member's source id where a link names it, else
null, and the value as read; docs/groups.md). The link store (connector
space, links, watermarks) is the state file (``--state``, ``[space]``, or
``CONFIG.state.sqlite`` by default). With the delta import profile on, the delta watermark
is established *before* the objects are read. A progress line goes to stderr when stderr is
a terminal.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from typing import IO, Any

from ldapconnector.cli import _delta
from ldapconnector.cli._object_types import add_object_type_argument, member_store, narrow
from ldapconnector.cli._progress import ProgressLine, add_progress_argument, progress_line
from ldapconnector.cli._state import add_state_argument, open_store
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.model import GroupMember, Value
from ldapconnector.profiles import ImportedEntry, ImportProgress, ImportResult


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``import`` sub-command."""
    parser = subparsers.add_parser(
        "import",
        help="run a full import and write the objects as JSON Lines",
        description="Read every object of the configured type from the directory.",
    )
    parser.add_argument("--config", required=True, metavar="FILE", help="connector config (TOML)")
    parser.add_argument("--output", metavar="FILE.jsonl", help="write the objects here")
    add_state_argument(parser)
    add_object_type_argument(parser)
    add_progress_argument(parser)
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    _delta.add_arguments(parser)
    parser.set_defaults(handler=run)


def _value(value: Value) -> Any:
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode("ascii")}
    return value


def member_list(members: Iterable[GroupMember]) -> list[dict[str, str | None]]:
    """The JSON form of group members: ``{"id": source id or null, "value": raw value}``."""
    return [{"id": m.source_id, "value": m.value} for m in members]


def object_line(obj: ImportedEntry) -> str:
    """The JSON Lines form of one imported object (a group's adds ``members``)."""
    line: dict[str, Any] = {
        "anchor": obj.anchor.value,
        "dn": obj.dn,
        "objectClass": list(obj.object_classes),
        "attributes": {
            name: [_value(v) for v in values] for name, values in obj.attributes.items()
        },
    }
    if obj.members is not None:
        line["members"] = member_list(obj.members)
    return json.dumps(line, ensure_ascii=False)


def _follow(progress: ProgressLine) -> Callable[[ImportProgress], None]:
    return lambda update: progress.update(update.objects)


@contextmanager
def _output(path: str | None) -> Iterator[IO[str] | None]:
    if path is None:
        yield None
        return
    with open(path, "w", encoding="utf-8") as handle:
        yield handle


def run(args: argparse.Namespace) -> int:
    """Run the import (or, with ``--delta``, the delta import); return the exit code."""
    if args.delta:
        return _delta.run_delta(args)
    config = narrow(ConnectorConfig.from_file(args.config), args)
    store = open_store(config, args)
    members = member_store(config, args)  # a group type reports members by source id
    with (
        closing(store),
        closing(members) if members is not None else contextlib.nullcontext(),
        Connector(config, store=store, member_store=members) as connector,
        _output(args.output) as out,
    ):
        # The last run's link count is the best guess of the total there is.
        progress = progress_line(args, store.count() or None, "objects")
        watermark = _delta.establish_watermark(connector)
        if watermark is not None and not args.json:
            print(f"delta watermark established before the full import ({watermark})")
        result: ImportResult = connector.full_import(
            progress=None if progress is None else _follow(progress)
        )
        for obj in result:
            if out is not None:
                out.write(object_line(obj) + "\n")
    if progress is not None:
        progress.finish()
    _report(result, watermark, args.json)
    return 0


def _report(result: ImportResult, watermark: str | None, as_json: bool) -> None:
    summary = {
        "objects": result.objects,
        "skipped": result.skipped,
        "renamed": result.renamed,
        "seconds": round(result.seconds, 3),
        "delta_watermark": watermark,
    }
    if as_json:
        print(json.dumps({"summary": summary}))
    else:
        print(
            f"imported {result.objects:,} objects in {result.seconds:.1f} s "
            f"({result.renamed} renamed, {result.skipped} without an anchor skipped)"
        )
