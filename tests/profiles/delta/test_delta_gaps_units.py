"""DirSync record classification and reader registration (no server).

The control's codec is tested in tests/connection/test_controls.py.
"""

from __future__ import annotations

import uuid

import pytest

from ldapconnector.anchors import Anchor, AnchorKind, strategy_for
from ldapconnector.detect import DeltaSource
from ldapconnector.errors import ConfigurationError
from ldapconnector.model import Entry, ModifyOp
from ldapconnector.profiles.delta import SUPPORTED_SOURCES, make_reader, watermark_source
from ldapconnector.profiles.delta._changes import ChangeType
from ldapconnector.profiles.delta._dirsync_reader import DirSyncReader
from ldapconnector.profiles.delta._reader import DeletesProbe
from ldapconnector.profiles.delta._tombstones import last_known_dn
from ldapconnector.space import Watermark

BASE = "OU=people,DC=contoso,DC=lab"
GUID = uuid.UUID("2b1c4b7e-0f6a-4c5d-9e8f-0123456789ab")
ANCHOR = Anchor.from_directory(AnchorKind.OBJECT_GUID, GUID.bytes_le)


def _reader(known: str | None = None) -> DirSyncReader:
    """A DirSync reader whose connector space knows ``known`` for the anchor."""
    return DirSyncReader(
        bases=(BASE,), anchor=strategy_for("objectGUID"), known_dn=lambda _a: known
    )


def _entry(dn: str, **attributes: tuple[str | bytes, ...]) -> Entry:
    """An entry as a DirSync page returns it, with its objectGUID."""
    return Entry(dn=dn, attributes={"objectGUID": (GUID.bytes_le,), **attributes})


def test_classifies_add_modify_rename_delete() -> None:
    """whenCreated means add, a new DN a rename, others modifies; tombstones are deletes."""
    dn = f"CN=ann,{BASE}"
    added = _reader()._record(_entry(dn, whenCreated=("2026",), sn=("A",)), "p")
    assert added is not None
    assert (added.type, added.dn, added.anchor) == (ChangeType.ADD, dn, ANCHOR)
    changed = _reader(dn)._record(_entry(dn, description=("x",), name=("ann",)), "p")
    assert changed is not None
    assert changed.type is ChangeType.MODIFY
    assert [(c.attribute, c.op, c.values) for c in changed.changes] == [
        ("description", ModifyOp.REPLACE, ("x",))
    ]
    renamed = _reader(f"CN=bob,{BASE}")._record(_entry(dn, name=("ann",)), "p")
    assert renamed is not None
    assert (renamed.type, renamed.old_dn) == (ChangeType.RENAME, f"CN=bob,{BASE}")
    assert _reader(dn)._record(_entry(dn, name=("ann",), parentGUID=(b"g",)), "p") is None


def test_tombstone_without_known_dn_uses_last_known_parent() -> None:
    """Samba's tombstone name and extended lastKnownParent give the DN before deletion."""
    tombstone = _entry(
        "CN=ann\\0ADEL:x,CN=Deleted Objects,DC=contoso,DC=lab",
        isDeleted=("TRUE",),
        name=("ann\nDEL:x",),
        lastKnownParent=(f"<GUID=abc>;{BASE}",),
    )
    assert last_known_dn(tombstone) == f"CN=ann,{BASE}"
    record = _reader()._record(tombstone, "p")
    assert record is not None
    assert (record.type, record.dn, record.old_dn) == (
        ChangeType.DELETE, f"CN=ann,{BASE}", f"CN=ann,{BASE}",
    )  # fmt: skip


def test_dirsync_is_registered_and_probes_deletes() -> None:
    """make_reader builds a DirSync reader, a supported source whose deletes are probed."""
    assert DeltaSource.DIRSYNC in SUPPORTED_SOURCES
    reader = make_reader(
        DeltaSource.DIRSYNC, change_log_dn=None, anchor_strategy=strategy_for("objectGUID"),
        bases=(BASE,),
    )  # fmt: skip
    assert isinstance(reader, DirSyncReader)
    assert isinstance(reader, DeletesProbe)
    with pytest.raises(ConfigurationError, match="DirSync names entries by objectGUID or dn"):
        DirSyncReader(bases=(BASE,), anchor=strategy_for("entryUUID"))


def test_watermark_source_reads_the_stored_source() -> None:
    """The stored watermark names its source; unreadable values name none."""
    stored = Watermark(profile="delta_import", value='{"source":"dirsync","cookie":"eA=="}')
    assert watermark_source(stored) is DeltaSource.DIRSYNC
    assert watermark_source(Watermark(profile="delta_import", value="nonsense")) is None
    assert watermark_source(None) is None
