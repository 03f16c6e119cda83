"""``ldapconnector export``: bring the directory in line with a JSON Lines source file.

``--source F.jsonl`` holds one source record per line (docs/provisioning.md).
``--plan`` computes the report and the LDIF without writing; ``--prune`` sends linked users
missing from the file through the delete flow; ``--force`` overrides the mass-deletion
guard. ``--object-type NAME`` runs one ``[[object_types]]`` table; for a group type the
members follow the entries (docs/groups.md). The link store is the state file
(``--state``, ``[space]``, or ``CONFIG.state.sqlite`` by default), so a repeated export
finds its links; ``--plan`` reads it and writes nothing to it. ``--json`` prints
``{"summary", "results"}`` (``--plan`` adds ``"ldif"``; a group type adds
``"memberships"``). The human output of a group type has a line per group naming the
members added, removed and pending (by source id where a link names them). Exit 0 when every record
succeeded, 1 when some failed (or the run was refused), 2 for bad usage.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable, Sequence
from contextlib import closing

from ldapconnector.cli._app import EXIT_OK, EXIT_SOME_FAILED
from ldapconnector.cli._import import member_list
from ldapconnector.cli._object_types import add_object_type_argument, member_store, narrow
from ldapconnector.cli._progress import ProgressLine, add_progress_argument, progress_line
from ldapconnector.cli._source import read_source_records
from ldapconnector.cli._state import add_state_argument, open_store
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.profiles import (
    ExportReport,
    GroupMembershipResult,
    MembershipReport,
    ObjectResult,
)

__all__ = ["register", "run"]

_LISTED = 10  # members named per group and kind in the human output; the rest are counted


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``export`` sub-command."""
    parser = subparsers.add_parser(
        "export",
        help="export source records (JSON Lines) to the directory, or plan it",
        description="Create, update, rename, disable and delete entries to match the source.",
    )
    parser.add_argument("--config", required=True, metavar="FILE", help="connector config (TOML)")
    parser.add_argument("--source", required=True, metavar="FILE.jsonl", help="source records")
    parser.add_argument("--plan", action="store_true", help="show the operations; write nothing")
    parser.add_argument("--prune", action="store_true", help="delete linked users not in source")
    parser.add_argument("--force", action="store_true", help="override the max_deletes guard")
    add_state_argument(parser)
    add_object_type_argument(parser)
    add_progress_argument(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(handler=run)


def _advance(progress: ProgressLine) -> Callable[[ObjectResult], None]:
    return lambda _result: progress.advance()


def _human(report: ExportReport) -> None:
    # A plan's LDIF is the output (pipe it to ldapmodify or a file); the summary is talk,
    # on stderr. An export has no LDIF: its summary is the output.
    talk = sys.stderr if report.planned else sys.stdout
    counts = ", ".join(f"{n:,} {name}" for name, n in report.summary.items() if n)
    verb = "planned" if report.planned else "exported"
    print(f"{verb} {len(report.results):,} records: {counts or 'nothing to do'}", file=talk)
    for result in report.failed:
        print(f"  failed {result.id}: {result.error}", file=talk)
    if report.error:
        print(f"run failed: {report.error}", file=talk)
    if report.planned:
        print(report.ldif(), end="")


def run(args: argparse.Namespace) -> int:
    """Run the export (or the plan); return the exit code."""
    config = narrow(ConnectorConfig.from_file(args.config), args)
    records = read_source_records(args.source)
    if args.plan and args.force and not args.prune:
        print("ldapconnector: --force only matters with deletions", file=sys.stderr)
    store = open_store(config, args)
    members = member_store(config, args)
    progress = None if args.plan else progress_line(args, len(records), "records")
    with (
        closing(store),
        closing(members) if members is not None else contextlib.nullcontext(),
        Connector(config, store=store, member_store=members) as connector,
    ):
        if args.plan:
            report = connector.plan(records, prune=args.prune, force=args.force)
        else:
            report = connector.export(
                records,
                prune=args.prune,
                force=args.force,
                progress=None if progress is None else _advance(progress),
            )
        memberships = None
        if members is not None:  # a group type: its members after its entries
            memberships = connector.export_members(records, plan_only=args.plan)
    if progress is not None:
        progress.finish()
    _output(args, report, memberships)
    # A plan cannot plan members of groups it has not created yet: those results say so
    # without failing the plan.
    ok = report.ok and (memberships is None or args.plan or not memberships.failed)
    return EXIT_OK if ok else EXIT_SOME_FAILED


def _output(
    args: argparse.Namespace, report: ExportReport, memberships: MembershipReport | None
) -> None:
    if args.json:
        document = report.to_json_dict()
        if memberships is not None:
            document["memberships"] = _membership_json(memberships)
        print(json.dumps(document, ensure_ascii=False))
        return
    _human(report)
    if memberships is not None:
        _human_members(memberships)


def _membership_json(memberships: MembershipReport) -> list[dict[str, object]]:
    return [
        {"id": r.source_id, "dn": r.dn, "added": r.added, "removed": r.removed,
         "pending": list(r.pending), "requests": len(r.operations), "error": r.error,
         "added_members": member_list(r.added_members),
         "removed_members": member_list(r.removed_members)}
        for r in memberships.results
    ]  # fmt: skip


def _shown(label: str, references: Sequence[str]) -> str:
    listed = ", ".join(references[:_LISTED])
    more = f" and {len(references) - _LISTED:,} more" if len(references) > _LISTED else ""
    return f"{label} {listed}{more}"


def _group_line(result: GroupMembershipResult) -> str | None:
    """One group's line: who joins, who leaves, who waits (None when nothing changes)."""
    parts = [
        _shown(label, refs)
        for label, refs in (
            ("added", [m.reference for m in result.added_members]),
            ("removed", [m.reference for m in result.removed_members]),
            ("pending", list(result.pending)),
        )
        if refs
    ]
    if not parts or result.error is not None:
        return None
    return f"  {result.source_id} ({result.dn}): {'; '.join(parts)}"


def _human_members(memberships: MembershipReport) -> None:
    talk = sys.stderr if memberships.plan_only else sys.stdout
    added = sum(r.added for r in memberships.results)
    removed = sum(r.removed for r in memberships.results)
    pending = sum(len(r.pending) for r in memberships.results)
    verb = "planned" if memberships.plan_only else "members of"
    print(f"{verb} {len(memberships.results):,} groups: {added:,} added, {removed:,} removed, "
          f"{pending:,} pending, {memberships.operation_count:,} requests", file=talk)  # fmt: skip
    for result in memberships.results:
        line = _group_line(result)
        if line is not None:
            print(line, file=talk)
    for result in memberships.failed:
        print(f"  failed {result.source_id}: {result.error}", file=talk)
    if memberships.plan_only:
        print(memberships.ldif(), end="")
