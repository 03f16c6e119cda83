"""The SQLite file backend: persistence, WAL, versioning, and refusing foreign files."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ldapconnector.anchors import Anchor
from ldapconnector.space import (
    LINK_STORE_VERSION,
    Intent,
    Link,
    LinkState,
    LinkStoreError,
    SqliteLinkStore,
    Watermark,
)

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
ANCHOR = Anchor.parse("entryUUID", "597ae2f6-16a6-1027-98f4-d28b5365dc14")


def test_data_survives_reopening(tmp_path: Path) -> None:
    """Links, watermarks and imported entries are still there after close and reopen."""
    path = tmp_path / "links.sqlite"
    written = Link(source_id="u1", anchor=ANCHOR, dn="uid=a,dc=x", updated=T0)
    mark = Watermark(profile="delta_import", value="cookie", taken_at=T0)
    with SqliteLinkStore.open(path) as store:
        with store.batch():
            store.put(written)
            store.set_watermark(mark)
        store.record_import(ANCHOR, "uid=a,dc=x", {"mail": ["a@x"]})
    with SqliteLinkStore.open(path) as store:
        assert store.get_by_source("u1") == written
        assert store.get_watermark("delta_import") == mark
        assert store.find_by_matching("mail", "A@X") == (ANCHOR,)


def test_rolled_back_batch_is_not_persisted(tmp_path: Path) -> None:
    """A batch that raised leaves nothing in the file."""
    path = tmp_path / "links.sqlite"

    def write_then_fail(store: SqliteLinkStore) -> None:
        with store.batch():
            store.put(Link(source_id="u1", anchor=ANCHOR, dn="uid=a,dc=x"))
            raise KeyError("stop")

    with SqliteLinkStore.open(path) as store, pytest.raises(KeyError):
        write_then_fail(store)
    with SqliteLinkStore.open(path) as store:
        assert store.count() == 0


def test_wal_mode_is_on(tmp_path: Path) -> None:
    """A file store uses the write-ahead log; the in-memory one cannot."""
    with SqliteLinkStore.open(tmp_path / "links.sqlite") as store:
        assert store.journal_mode == "wal"
    with SqliteLinkStore.in_memory() as store:
        assert store.journal_mode == "memory"


def test_import_batch_skips_the_fsync_and_nothing_else(tmp_path: Path) -> None:
    """An import page commits at NORMAL; every other write still waits for the disk."""
    path = tmp_path / "links.sqlite"

    def fail_inside(store: SqliteLinkStore) -> None:
        with store.import_batch():
            store.record_import(Anchor.parse("entryUUID", str(ANCHOR.value)), "uid=b,dc=x", {})
            raise KeyError("stop")

    with SqliteLinkStore.open(path) as store:
        assert store.synchronous == 2
        with store.import_batch():
            assert store.synchronous == 1
            store.record_import(ANCHOR, "uid=a,dc=x", {"mail": ["a@x"]})
        assert store.synchronous == 2
        with store.batch(), store.import_batch():
            assert store.synchronous == 2  # inside a batch: that batch's durability
        with pytest.raises(KeyError):
            fail_inside(store)
        assert store.synchronous == 2
    with SqliteLinkStore.open(path) as store:
        imported = store.get_imported(ANCHOR)
        assert imported is not None
        assert imported.dn == "uid=a,dc=x"


def test_an_import_page_from_columns_records_what_record_imports_does() -> None:
    """record_import_page stores what record_imports would and returns the live links."""
    other = Anchor.parse("entryUUID", "7d3e0c1a-16a6-1027-98f4-d28b5365dc14")
    gone = Anchor.parse("entryUUID", "0b1c2d3e-16a6-1027-98f4-d28b5365dc14")
    live = Link(source_id="u1", anchor=ANCHOR, dn="uid=old,dc=x", updated=T0)
    with SqliteLinkStore.in_memory() as store:
        store.put(live)
        store.put(Link(source_id="u2", anchor=gone, dn="uid=g,dc=x", state=LinkState.DELETED))
        store.record_import(other, "uid=b,dc=x", {"mail": ["stale@x"]})
        with store.import_batch():
            links = store.record_import_page(
                [ANCHOR, other, gone],
                ["uid=a,dc=x", "uid=b,dc=x", "uid=g,dc=x"],
                {"mail": [("a@x", "A2@x"), ("b@x",), ()], "Cn ": [("A",), (), ("G",)]},
            )
        assert links == {ANCHOR: live}
        assert store.imported_count() == 3
        assert store.find_by_matching("mail", "a2@X") == (ANCHOR,)
        assert store.find_by_matching("mail", "stale@x") == ()  # recorded again: replaced
        assert store.find_by_matching("cn", "g") == (gone,)
        imported = store.get_imported(ANCHOR)
        assert imported is not None
        assert (imported.dn, dict(imported.matching_values)) == (
            "uid=a,dc=x",
            {"Cn ": ("A",), "mail": ("a@x", "A2@x")},
        )


def test_an_import_page_read_again_replaces_the_first_read() -> None:
    """A page whose anchors were all recorded before (a base read twice) replaces them:
    new DNs, old values gone; an anchor twice in one page keeps both reads' values."""
    other = Anchor.parse("entryUUID", "7d3e0c1a-16a6-1027-98f4-d28b5365dc14")
    with SqliteLinkStore.in_memory() as store:
        store.record_import_page(
            [ANCHOR, other], ["uid=a,dc=x", "uid=b,dc=x"], {"mail": [("a@x",), ("b@x",)]}
        )
        store.record_import_page(
            [ANCHOR, other], ["uid=a2,dc=x", "uid=b2,dc=x"], {"mail": [("a2@x",), ()]}
        )
        assert store.find_by_matching("mail", "a@x") == ()
        assert store.find_by_matching("mail", "b@x") == ()
        assert store.find_by_matching("mail", "a2@x") == (ANCHOR,)
        assert [(o.dn, dict(o.matching_values)) for o in store.iter_imported()] == sorted(
            [("uid=a2,dc=x", {"mail": ("a2@x",)}), ("uid=b2,dc=x", {})]
        )
        store.clear_imports()
        store.record_import_page(
            [other, other], ["uid=b,dc=x", "uid=b3,dc=x"], {"mail": [("b@x",), ("b3@x",)]}
        )
        imported = store.get_imported(other)
        assert imported is not None
        assert (imported.dn, sorted(imported.matching_values["mail"])) == (
            "uid=b3,dc=x",
            ["b3@x", "b@x"],
        )


def test_an_import_page_with_uneven_columns_writes_nothing() -> None:
    """Columns of different lengths raise before anything is written."""
    with SqliteLinkStore.in_memory() as store:
        with pytest.raises(ValueError, match="zip"):
            store.record_import_page([ANCHOR], ["uid=a,dc=x"], {"mail": [("a@x",), ("b@x",)]})
        with pytest.raises(ValueError, match="zip"):
            store.record_import_page([ANCHOR], [], {})
        assert store.imported_count() == 0


def test_meta_table_records_the_version(tmp_path: Path) -> None:
    """A new file carries its format version in the meta table."""
    path = tmp_path / "links.sqlite"
    SqliteLinkStore.open(path).close()
    with sqlite3.connect(path) as db:
        rows = dict(db.execute("SELECT key, value FROM meta").fetchall())
    db.close()
    assert rows["schema_version"] == str(LINK_STORE_VERSION)


def test_newer_version_is_refused(tmp_path: Path) -> None:
    """A file written by a newer format version is refused with a clear message."""
    path = tmp_path / "links.sqlite"
    SqliteLinkStore.open(path).close()
    db = sqlite3.connect(path)
    with db:
        db.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(LINK_STORE_VERSION + 1),)
        )
    db.close()
    with pytest.raises(LinkStoreError, match="newer ldapconnector"):
        SqliteLinkStore.open(path)


def test_foreign_database_is_refused(tmp_path: Path) -> None:
    """A SQLite file with other tables and no meta table is not taken over."""
    path = tmp_path / "other.sqlite"
    db = sqlite3.connect(path)
    with db:
        db.execute("CREATE TABLE users (id INTEGER)")
    db.close()
    with pytest.raises(LinkStoreError, match="not an ldapconnector link store"):
        SqliteLinkStore.open(path)


def test_non_database_file_is_refused(tmp_path: Path) -> None:
    """A file that is not SQLite at all gives LinkStoreError, not a sqlite3 exception."""
    path = tmp_path / "notes.txt"
    path.write_text("not a database, but long enough to have a header" * 20)
    with pytest.raises(LinkStoreError, match="cannot open"):
        SqliteLinkStore.open(path)


def test_missing_directory_is_refused(tmp_path: Path) -> None:
    """A path in a missing directory gives LinkStoreError naming the path."""
    with pytest.raises(LinkStoreError, match="missing"):
        SqliteLinkStore.open(tmp_path / "missing" / "links.sqlite")


def test_file_holds_no_secrets_or_other_attributes(tmp_path: Path) -> None:
    """Only the documented columns exist: no password or free attribute storage."""
    path = tmp_path / "links.sqlite"
    SqliteLinkStore.open(path).close()
    db = sqlite3.connect(path)
    columns = {
        (table, row[1])
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        for row in db.execute(f"PRAGMA table_info({table})")
    }
    db.close()
    assert not any("password" in column or "pwd" in column for _, column in columns)
    assert {table for table, _ in columns} == {
        "meta",
        "links",
        "watermarks",
        "imported",
        "imported_values",
        "intents",
        "pending_members",
        "reconciled",
    }


def test_state_column_matches_the_enum(tmp_path: Path) -> None:
    """Every LinkState value is accepted by the file's CHECK constraint."""
    with SqliteLinkStore.open(tmp_path / "links.sqlite") as store:
        for number, state in enumerate(LinkState):
            value = f"{number:08x}-0000-0000-0000-000000000000"
            anchor = Anchor.parse("entryUUID", value)
            store.put(Link(source_id=str(number), anchor=anchor, dn=f"cn={number}", state=state))
        assert store.count() == len(LinkState)


# The version 1 file format as ldapconnector 1 wrote it (a frozen copy, not the code's).
_VERSION_1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE links (source_id TEXT PRIMARY KEY, anchor_kind TEXT NOT NULL,
    anchor_value TEXT NOT NULL, anchor_key TEXT NOT NULL, dn TEXT NOT NULL,
    dn_key TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('active', 'disabled', 'deleted')),
    attributes_hash TEXT, updated TEXT NOT NULL);
CREATE UNIQUE INDEX links_live_anchor ON links (anchor_key) WHERE state != 'deleted';
CREATE INDEX links_anchor ON links (anchor_key);
CREATE INDEX links_dn ON links (dn_key);
CREATE INDEX links_state ON links (state, source_id);
CREATE TABLE watermarks (profile TEXT PRIMARY KEY, value TEXT NOT NULL, taken_at TEXT NOT NULL);
CREATE TABLE imported (anchor_key TEXT PRIMARY KEY, anchor_kind TEXT NOT NULL,
    anchor_value TEXT NOT NULL, dn TEXT NOT NULL);
CREATE TABLE imported_values (anchor_key TEXT NOT NULL, attribute TEXT NOT NULL,
    attribute_key TEXT NOT NULL, value TEXT NOT NULL, value_key TEXT NOT NULL,
    PRIMARY KEY (anchor_key, attribute_key, value_key));
CREATE INDEX imported_match ON imported_values (attribute_key, value_key);
INSERT INTO meta VALUES ('schema_version', '1'), ('application', 'ldapconnector link store');
INSERT INTO links VALUES ('u1', 'entryUUID', '597ae2f6-16a6-1027-98f4-d28b5365dc14',
    'entryuuid:597ae2f6-16a6-1027-98f4-d28b5365dc14', 'uid=a,dc=x', 'uid=a,dc=x', 'active',
    NULL, '2024-05-01T12:00:00+00:00');
"""


def test_version_1_file_is_migrated(tmp_path: Path) -> None:
    """A file of format version 1 opens, keeps its links, and gains the later tables."""
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript(_VERSION_1)
    db.close()
    with SqliteLinkStore.open(path) as store:
        assert store.get_by_source("u1") == Link(
            source_id="u1", anchor=ANCHOR, dn="uid=a,dc=x", updated=T0
        )
        assert store.list_intents() == ()
        assert store.reconciled_digests() == {}
        store.put_intent(Intent(source_id="u2", dn="uid=b,dc=x", fingerprint={"ab"}))
        store.put_reconciled_digests({"u1": "ab12"})  # the version 3 table
        assert store.reconciled_digests() == {"u1": "ab12"}
        store.put_pending_members("g1", ["u3"])  # the version 4 table
        assert store.pending_members("g1") == ("u3",)
    with sqlite3.connect(path) as db:
        version = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    db.close()
    assert version == (str(LINK_STORE_VERSION),)
    assert LINK_STORE_VERSION == 4
