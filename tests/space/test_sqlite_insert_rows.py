"""Many rows per INSERT: every row goes in, in order, within SQLite's parameter limit."""

from __future__ import annotations

import sqlite3

import pytest

from ldapconnector.space._sqlite_imports import insert_rows


def _table() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (k TEXT PRIMARY KEY, a TEXT, b TEXT)")
    return db


@pytest.mark.parametrize("limit", [3, 7, 999, 32766])
def test_rows_go_in_within_the_parameter_limit(limit: int) -> None:
    db = _table()
    db.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
    rows = [(f"k{i}", f"a{i}", None) for i in range(25)]
    assert insert_rows(db, "INSERT OR IGNORE INTO t (k, a, b)", rows) == 25
    assert db.execute("SELECT k, a, b FROM t ORDER BY rowid").fetchall() == rows


def test_the_count_leaves_out_ignored_rows_and_a_later_row_replaces() -> None:
    db = _table()
    insert_rows(db, "INSERT INTO t (k, a, b)", [("x", "old", None)])
    rows = [("x", "new", None), ("y", "1", None), ("y", "2", None)]
    assert insert_rows(db, "INSERT OR IGNORE INTO t (k, a, b)", rows) == 1
    assert db.execute("SELECT k, a FROM t ORDER BY k").fetchall() == [("x", "old"), ("y", "1")]
    insert_rows(db, "INSERT OR REPLACE INTO t (k, a, b)", rows)
    assert db.execute("SELECT k, a FROM t ORDER BY k").fetchall() == [("x", "new"), ("y", "2")]


def test_no_rows_is_no_statement() -> None:
    assert insert_rows(_table(), "INSERT INTO nowhere (k)", []) == 0
