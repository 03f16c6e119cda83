"""The rows of the SQLite import cache (``imported``, ``imported_values``) and their writes.

A full import records every entry it reads, a page (about a thousand entries) at a time,
so the rows are built in flat loops with each anchor's key computed once, and each table
is written with one ``INSERT`` of many rows (``VALUES (...), (...), ...``): SQLite
binds the whole page in one call and inserts it in one step, which costs about a third
less than ``executemany``'s step per row. Two shapes come in: :class:`ImportedObject` values
(``record_imports``, any caller) and the columns of one import page
(``record_import_page``, the full import's runner), which spare the runner an object per
entry.
"""

from __future__ import annotations

import functools
import itertools
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from ldapconnector.anchors import Anchor
from ldapconnector.space._model import ImportedObject

__all__ = [
    "ImportRows",
    "column_rows",
    "insert_rows",
    "live_link_rows",
    "object_rows",
    "write_imports",
]

# Anchors per "IN (...)" query: well under SQLite's limit of bound parameters.
_IN_CHUNK = 500
_FORGET_IMPORTED_VALUES = "DELETE FROM imported_values WHERE anchor_key = ?"
_RECORD_IMPORTED = "INSERT OR REPLACE INTO imported (anchor_key, anchor_kind, anchor_value, dn)"
_RECORD_NEW_IMPORTED = "INSERT OR IGNORE INTO imported (anchor_key, anchor_kind, anchor_value, dn)"
_RECORD_IMPORTED_VALUE = (
    "INSERT OR IGNORE INTO imported_values (anchor_key, attribute, attribute_key, value, value_key)"
)
# Rows per INSERT: a page of a full import in one statement (each distinct count is one
# prepared statement in SQLite's cache), fewer where the parameters would exceed the
# connection's limit (999 in SQLite before 3.32).
_ROWS_PER_INSERT = 1000

#: The ``imported`` rows (key, kind, value, dn) and ``imported_values`` rows (key,
#: attribute, attribute key, value, value key) of some imported entries.
ImportRows = tuple[list[tuple[str, str, str, str]], list[tuple[str, str, str, str, str]]]


def object_rows(objects: Iterable[ImportedObject]) -> ImportRows:
    """The rows recording ``objects``."""
    keyed = [(obj.anchor.key, obj) for obj in objects]
    values = [
        (key, name, name.strip().casefold(), value, value.casefold())
        for key, obj in keyed
        for name, found in obj.matching_values.items()
        for value in found
    ]
    return [(key, o.anchor.kind.value, o.anchor.value, o.dn) for key, o in keyed], values


def column_rows(
    keys: Sequence[str],
    anchors: Sequence[Anchor],
    dns: Sequence[str],
    matching: Mapping[str, Sequence[Sequence[str]]],
) -> ImportRows:
    """The rows recording entry ``i`` as ``anchors[i]`` (key ``keys[i]``) at ``dns[i]``,
    with ``matching[name][i]`` the values of each matching attribute ``name``."""
    entries = [
        (key, anchor.kind.value, anchor.value, dn)
        for key, anchor, dn in zip(keys, anchors, dns, strict=True)
    ]
    values: list[tuple[str, str, str, str, str]] = []
    for name, column in matching.items():
        name_key = name.strip().casefold()
        values += (
            (key, name, name_key, value, value.casefold())
            for key, found in zip(keys, column, strict=True)
            for value in found
        )
    return entries, values


@functools.lru_cache(maxsize=32)
def _insert_sql(head: str, width: int, count: int) -> str:
    row = "(" + ", ".join("?" * width) + ")"
    return f"{head} VALUES " + ", ".join([row] * count)


def insert_rows(db: sqlite3.Connection, head: str, rows: Sequence[Sequence[Any]]) -> int:
    """Insert ``rows`` with ``head`` (``INSERT ... INTO table (columns)``), many rows per
    statement; return how many rows went in (SQLite's count of changes)."""
    if not rows:
        return 0
    width = len(rows[0])
    limit = db.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width
    size = max(1, min(_ROWS_PER_INSERT, limit))
    changed = 0
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        flat = list(itertools.chain.from_iterable(chunk))
        changed += db.execute(_insert_sql(head, width, len(chunk)), flat).rowcount
    return changed


def write_imports(db: sqlite3.Connection, rows: ImportRows) -> None:
    """Write (replace) the rows, one multi-row ``INSERT`` per table (inside a transaction).

    An entry recorded again loses the values recorded before: a second read of the same
    anchor in one import (overlapping bases) replaces the first. A full import starts
    from an empty cache, so nearly every page holds anchors not recorded before: the
    entries are first inserted where absent, and only if some were present already (the
    rows inserted fall short of the page) are the old values deleted and the entries
    replaced. Values exist only for recorded entries, so a page of new anchors has none
    to delete: this spares a lookup per entry in ``imported_values``.
    """
    entries, values = rows
    if insert_rows(db, _RECORD_NEW_IMPORTED, entries) != len(entries):
        db.executemany(_FORGET_IMPORTED_VALUES, [(entry[0],) for entry in entries])
        insert_rows(db, _RECORD_IMPORTED, entries)
    insert_rows(db, _RECORD_IMPORTED_VALUE, values)


def live_link_rows(
    db: sqlite3.Connection, keys: Sequence[str], columns: str
) -> Iterator[Sequence[Any]]:
    """The ``links`` rows (``columns``, then ``anchor_key``) of the live links of these
    anchor keys, a few hundred keys per query."""
    for start in range(0, len(keys), _IN_CHUNK):
        chunk = keys[start : start + _IN_CHUNK]
        marks = ", ".join("?" * len(chunk))
        query = (
            f"SELECT {columns}, anchor_key FROM links "  # noqa: S608 - constants
            f"WHERE state != 'deleted' AND anchor_key IN ({marks})"
        )
        yield from db.execute(query, chunk)


def link_rows_by_source(
    db: sqlite3.Connection, source_ids: Sequence[str], columns: str
) -> Iterator[Sequence[Any]]:
    """The ``links`` rows (``columns``) of these source ids, a few hundred ids per query."""
    for start in range(0, len(source_ids), _IN_CHUNK):
        chunk = source_ids[start : start + _IN_CHUNK]
        marks = ", ".join("?" * len(chunk))
        query = f"SELECT {columns} FROM links WHERE source_id IN ({marks})"  # noqa: S608 - constants
        yield from db.execute(query, chunk)
