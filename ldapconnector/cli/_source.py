"""Read a JSON Lines file of source records, reporting every bad line at once.

A file with any bad line is refused whole, before anything is exported: a line that is not
JSON cannot be told apart from a lost record, so exporting the rest (and, with ``--prune``,
deleting whoever was on the bad line) would be wrong.
"""

from __future__ import annotations

import json
from typing import Any

from ldapconnector.errors import SourceFileError
from ldapconnector.mapping import SOURCE_ID_KEY, source_id_of

__all__ = ["read_source_records"]

_MAX_PROBLEMS = 50  # a file of garbage is named by its first lines, not 10,000 of them


def _problem(record: object) -> str | None:
    if not isinstance(record, dict):
        return f"not a JSON object (a {type(record).__name__})"
    if source_id_of(record) is None:
        return f'the record has no usable "{SOURCE_ID_KEY}" (a non-empty string or a number)'
    return None


def _lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.readlines()
    except UnicodeDecodeError as error:
        raise SourceFileError(path, [f"{path}: not UTF-8 text ({error.reason})"]) from None
    except OSError as error:
        raise SourceFileError(path, [f"{path}: cannot read it: {error.strerror}"]) from None


def read_source_records(path: str) -> list[dict[str, Any]]:
    """The records of a JSON Lines file (one JSON object a line; blank lines skipped).

    Args:
        path: the file.

    Returns:
        The records, in file order.

    Raises:
        SourceFileError: the file cannot be read, or some lines are not JSON objects with
            an ``id``; every such line is listed as ``FILE:LINE:COLUMN: what``.
    """
    records: list[dict[str, Any]] = []
    problems: list[str] = []
    for number, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"{path}:{number}:{error.colno}: not JSON ({error.msg})")
            continue
        problem = _problem(record)
        if problem is not None:
            problems.append(f"{path}:{number}:1: {problem}")
        else:
            records.append(record)
    if problems:
        shown = problems[:_MAX_PROBLEMS]
        if len(problems) > _MAX_PROBLEMS:
            shown.append(f"… and {len(problems) - _MAX_PROBLEMS} more bad lines")
        raise SourceFileError(path, shown)
    return records
