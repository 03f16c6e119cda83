"""``ldapconnector import --delta``: the changes since the last run, as JSON Lines.

``--output F.jsonl`` writes one line per change: ``{"type": "add"|"modify"|"rename"|
"delete", "anchor", "dn", "old_dn", "attributes", "changes", "position"}``.
``attributes`` holds an add's values, the new values of a modify (``replace``/``add``
values; USN and timestamp sources give the object's current values), and nothing for a
rename or delete; ``changes`` lists a modify's operations as logged (``{"attribute",
"op", "values"}``). A group type's changes of the membership attribute add
``"membership": {"attribute", "added", "removed", "members"}``, each a list of
``{"id", "value"}`` (the member's source id or null, and the value; ``members`` is null
unless the change states the whole membership; docs/groups.md). Binary values are
``{"base64": "..."}``. The lines of a batch are
flushed and synced to disk *before* the batch is acknowledged, so a crash re-delivers
rather than loses. The watermark is kept in the state file (``--state``, ``[space]``, or
``CONFIG.state.sqlite`` by default); a run that finds none establishes one and says that
a full import is what to run. ``--reset`` forgets the stored watermark and establishes a
new one. A watermark older than the change log prints "full import required" and exits 1.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from typing import IO, Any

from ldapconnector.cli._object_types import member_store, narrow
from ldapconnector.cli._state import open_store
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.errors import ConfigurationError, FullImportRequiredError, LdapOperationError
from ldapconnector.model import GroupMember, ModifyOp, Value
from ldapconnector.profiles.delta import (
    AttributeChange,
    ChangeBatch,
    ChangeRecord,
    DeltaImportResult,
    MembershipChange,
)

__all__ = ["add_arguments", "change_line", "establish_watermark", "run_delta"]

log = logging.getLogger(__name__)

_EXIT_OK = 0
_EXIT_FAILED = 1
_NEW_VALUES = (ModifyOp.ADD, ModifyOp.REPLACE, ModifyOp.INCREMENT)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--delta``, ``--reset`` and ``--ignore-own-writes`` to the import parser."""
    parser.add_argument("--delta", action="store_true", help="read only the changes")
    parser.add_argument("--reset", action="store_true", help="establish a new watermark")
    parser.add_argument(
        "--ignore-own-writes", action="store_true", help="skip changes made by the bind account"
    )


def _value(value: Value) -> Any:
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode("ascii")}
    return value


def _values(values: Iterable[Value]) -> list[Any]:
    return [_value(v) for v in values]


def _new_values(record: ChangeRecord) -> dict[str, list[Any]]:
    if record.attributes:
        return {name: _values(values) for name, values in record.attributes.items()}
    found: dict[str, list[Any]] = {}
    for change in record.changes:
        if change.op in _NEW_VALUES:
            found.setdefault(change.attribute, []).extend(_values(change.values))
    return found


def _change(change: AttributeChange) -> dict[str, Any]:
    return {"attribute": change.attribute, "op": change.op.value, "values": _values(change.values)}


def _members(members: Iterable[GroupMember]) -> list[dict[str, str | None]]:
    return [{"id": m.source_id, "value": m.value} for m in members]


def _membership(change: MembershipChange) -> dict[str, Any]:
    whole = None if change.members is None else _members(change.members)
    return {"attribute": change.attribute, "added": _members(change.added),
            "removed": _members(change.removed), "members": whole}  # fmt: skip


def change_line(record: ChangeRecord) -> str:
    """The JSON Lines form of one change record (a group type's adds ``membership``)."""
    line: dict[str, Any] = {
        "type": record.type.value,
        "anchor": record.anchor.value if record.anchor is not None else None,
        "dn": record.dn,
        "old_dn": record.old_dn,
        "attributes": _new_values(record),
        "changes": [_change(c) for c in record.changes],
        "position": record.position,
    }
    if record.membership is not None:
        line["membership"] = _membership(record.membership)
    return json.dumps(line, ensure_ascii=False)


@contextmanager
def _output(path: str | None) -> Iterator[IO[str] | None]:
    if path is None:
        yield None
        return
    with open(path, "a", encoding="utf-8") as handle:
        yield handle


def _writer(out: IO[str] | None) -> Any:
    def handle(batch: ChangeBatch) -> None:
        if out is None:
            return
        for record in batch.records:
            out.write(change_line(record) + "\n")
        out.flush()
        os.fsync(out.fileno())

    return handle


def _summary(result: DeltaImportResult) -> Mapping[str, Any]:
    return {
        "source": result.source.value,
        "baseline": result.baseline,
        "changes": result.changes,
        "log_entries": result.log_entries,
        "deletes_covered": result.deletes_covered,
        "seconds": round(result.seconds, 3),
    }


def establish_watermark(connector: Connector) -> str | None:
    """Take a new delta watermark, as the full import does *before* it reads.

    Taken first, the watermark is older than anything the full import reads, so a change
    made while it runs is read again by the next delta import rather than missed.

    Returns:
        The change source's name, or None when the delta import profile is off or the
        server offers no source this account can read (logged as a warning).
    """
    if not connector.config.run_profiles.delta_import:
        return None
    try:
        return connector.delta_import(reset=True).source.value
    except (ConfigurationError, LdapOperationError) as exc:
        log.warning("no delta watermark taken before the full import: %s", exc)
        return None


def _first_run_advice(config_file: str) -> str:
    return (
        "delta import: no delta watermark yet (no earlier run stored one), so earlier changes "
        "cannot be read; one is established now.\n"
        f"run `ldapconnector import --config {config_file}` for a full import (it establishes "
        "the watermark before it reads), then `--delta` reports the changes after it"
    )


def _report(result: DeltaImportResult, args: argparse.Namespace) -> None:
    if bool(getattr(args, "json", False)):
        print(json.dumps({"summary": _summary(result)}))
        return
    if result.baseline and getattr(args, "reset", False):
        print(f"delta import: watermark reset and established ({result.source.value})")
    elif result.baseline:
        print(_first_run_advice(args.config))
    else:
        print(
            f"delta import: {result.changes:,} changes from {result.log_entries:,} log entries "
            f"in {result.seconds:.2f} s ({result.source.value})"
        )
    if not result.deletes_covered:
        print("note: this change source cannot see deletes; run full imports to find them")


def run_delta(args: argparse.Namespace) -> int:
    """Run ``import --delta``; return the exit code (0, or 1 when a full import is required).

    ``args``: ``config``, ``output``, ``state``, ``json`` (as the import command has them)
    and, when present, ``reset`` and ``ignore_own_writes``. ``--output`` is appended to,
    so lines of a run that died are kept next to their re-delivery.
    """
    config = narrow(ConnectorConfig.from_file(args.config), args)
    store = open_store(config, args)
    members = member_store(config, args)  # a group type reports members by source id
    reset = bool(getattr(args, "reset", False))
    ignore_own = bool(getattr(args, "ignore_own_writes", False))
    try:
        with (
            closing(store),
            closing(members) if members is not None else contextlib.nullcontext(),
            Connector(config, store=store, member_store=members) as connector,
            _output(args.output) as out,
        ):
            result = connector.delta_import(reset=reset, ignore_own_writes=ignore_own)
            result.run(_writer(out))
    except FullImportRequiredError as exc:
        print(
            f"ldapconnector: {exc}\nrun a full `ldapconnector import --config {args.config}` "
            "(it establishes a new watermark before it reads) with the same state file",
            file=sys.stderr,
        )
        return _EXIT_FAILED
    _report(result, args)
    return _EXIT_OK
