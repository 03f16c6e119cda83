"""The link-store contract: tests every :class:`~ldapconnector.space.LinkStore` backend passes.

A backend's test suite subclasses :class:`LinkStoreContract` and provides a ``store``
fixture yielding an empty store (closed afterwards)::

    from ldapconnector.testing.link_store_contract import LinkStoreContract

    class TestMyStore(LinkStoreContract):
        @pytest.fixture(name="store")
        def fixture_store(self, tmp_path):
            with MyStore.open(tmp_path / "space") as store:
                yield store

A backend that keeps the export's digests of users found in line (``reconciled_digests``
/ ``put_reconciled_digests``, :class:`ReconciledDigestStore`; SQLite and PostgreSQL do)
also subclasses :class:`DigestContract`. The digests are optional: the export works
without them, but plans every unchanged user in full.

A backend several workers share (PostgreSQL) also subclasses
:class:`SharedLinkStoreContract`, whose tests need a ``second_store`` fixture: another
session on the same space, as a second worker would open it, with a short
``lock_timeout``. Both classes are plain classes (no ``Test`` prefix), so pytest collects
them only through a subclass. Requires pytest.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ldapconnector.anchors import Anchor, AnchorKind
from ldapconnector.space import (
    Intent,
    Leasing,
    Link,
    LinkState,
    LinkStore,
    LinkStoreError,
    SourceLocking,
    Watermark,
    attributes_hash,
)
from ldapconnector.testing._batch_contract import LinksBySourceContract
from ldapconnector.testing._digest_contract import (
    DigestContract,
    ReconciledDigestStore,
    digests_of,
)
from ldapconnector.testing._pending_contract import PendingMembersContract

__all__ = [
    "T0",
    "UUID_A",
    "UUID_B",
    "DigestContract",
    "LinkStoreContract",
    "LinksBySourceContract",
    "ReconciledDigestStore",
    "SharedLinkStoreContract",
    "anchor",
    "digests_of",
    "intent",
    "link",
]

UUID_A = "597ae2f6-16a6-1027-98f4-d28b5365dc14"
UUID_B = "e6c41859-ced3-4772-bfa3-6ebbc58ec78a"
T0 = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)


def anchor(value: str = UUID_A) -> Anchor:
    """An entryUUID anchor."""
    return Anchor.parse(AnchorKind.ENTRY_UUID, value)


def link(
    source_id: str = "u1",
    value: str = UUID_A,
    dn: str = "uid=a,dc=x",
    *,
    state: LinkState = LinkState.ACTIVE,
    digest: str | None = None,
    updated: datetime = T0,
) -> Link:
    """A link with a fixed time by default, so round trips compare equal."""
    return Link(
        source_id=source_id,
        anchor=anchor(value),
        dn=dn,
        state=state,
        attributes_hash=digest,
        updated=updated,
    )


def intent(source_id: str = "u1", dn: str = "uid=a,dc=x") -> Intent:
    """An intent with a fixed time, so round trips compare equal."""
    return Intent(
        source_id=source_id,
        dn=dn,
        fingerprint=frozenset({"ab12", "cd34"}),
        attributes_hash=attributes_hash({"cn": "a"}),
        created=T0,
    )


class LinkStoreContract(PendingMembersContract):
    """What every link store does; subclass it and provide a ``store`` fixture."""

    def test_empty_store(self, store: LinkStore) -> None:
        """A new store has no links, watermarks or imported entries."""
        assert store.count() == 0
        assert list(store.iter_links()) == []
        assert store.get_by_source("u1") is None
        assert store.get_by_anchor(anchor()) is None
        assert store.get_by_dn("uid=a,dc=x") is None
        assert store.get_watermark("delta_import") is None
        assert store.imported_count() == 0

    def test_put_and_get_round_trip(self, store: LinkStore) -> None:
        """A link reads back equal by source id, by anchor and by DN."""
        written = link(digest=attributes_hash({"cn": "A"}), state=LinkState.DISABLED)
        store.put(written)
        assert store.get_by_source("u1") == written
        assert store.get_by_anchor(anchor()) == written
        assert store.get_by_dn("uid=a,dc=x") == written

    def test_get_by_dn_is_case_insensitive(self, store: LinkStore) -> None:
        """DN lookups ignore case, and the DN is returned as written."""
        store.put(link(dn="UID=Britta,DC=Contoso"))
        found = store.get_by_dn("uid=britta,dc=contoso")
        assert found is not None
        assert found.dn == "UID=Britta,DC=Contoso"

    def test_put_replaces_the_link_of_a_source_id(self, store: LinkStore) -> None:
        """Writing the same source id again replaces DN, state and hash (a rename)."""
        store.put(link())
        store.put(link(dn="uid=renamed,dc=x"))
        assert store.count() == 1
        assert store.get_by_dn("uid=a,dc=x") is None
        assert store.get_by_dn("uid=renamed,dc=x") is not None

    def test_anchor_live_elsewhere_is_refused(self, store: LinkStore) -> None:
        """One entry cannot be linked to two source users at once."""
        store.put(link("u1"))
        with pytest.raises(LinkStoreError, match="'u1'"):
            store.put(link("u2"))
        assert store.get_by_anchor(anchor()) == link("u1")

    def test_deleted_link_does_not_block_its_anchor(self, store: LinkStore) -> None:
        """A deleted link keeps its anchor as history; a live link may reuse it (dn anchors)."""
        store.put(link("u1", state=LinkState.DELETED))
        later = Link(source_id="u2", anchor=anchor(), dn="uid=a,dc=x", updated=T0 + timedelta(1))
        store.put(later)
        assert store.get_by_anchor(anchor()) == later
        assert store.get_by_dn("uid=a,dc=x") == later
        assert store.count() == 2

    def test_mark_changes_state(self, store: LinkStore) -> None:
        """mark() sets the state, keeps the rest and refreshes the time."""
        store.put(link(digest=attributes_hash({"cn": "A"})))
        marked = store.mark("u1", LinkState.DISABLED)
        assert marked.state is LinkState.DISABLED
        assert marked.updated > T0
        assert store.get_by_source("u1") == marked
        assert marked.attributes_hash == attributes_hash({"cn": "A"})

    def test_mark_unknown_source_id_is_an_error(self, store: LinkStore) -> None:
        """Marking a source id without a link raises LinkStoreError naming it."""
        with pytest.raises(LinkStoreError, match="nobody"):
            store.mark("nobody", LinkState.DELETED)

    def test_mark_live_again_refused_when_anchor_taken(self, store: LinkStore) -> None:
        """Reviving a deleted link whose anchor another live link holds is refused."""
        store.put(link("u1", state=LinkState.DELETED))
        store.put(link("u2"))
        with pytest.raises(LinkStoreError):
            store.mark("u1", LinkState.ACTIVE)

    def test_remove(self, store: LinkStore) -> None:
        """remove() forgets a link and says whether there was one."""
        store.put(link())
        assert store.remove("u1") is True
        assert store.remove("u1") is False
        assert store.get_by_source("u1") is None

    def test_iter_and_count_by_state(self, store: LinkStore) -> None:
        """Links stream in source-id order and filter by state; count agrees."""
        store.put(link("u3", UUID_B, "uid=c,dc=x", state=LinkState.DELETED))
        store.put(link("u1", UUID_A, "uid=a,dc=x"))
        assert [item.source_id for item in store.iter_links()] == ["u1", "u3"]
        assert [item.source_id for item in store.iter_links(LinkState.DELETED)] == ["u3"]
        assert store.count() == 2
        assert store.count(LinkState.ACTIVE) == 1
        assert store.count(LinkState.DISABLED) == 0

    def test_iter_links_streams_many(self, store: LinkStore) -> None:
        """More links than one fetch are all returned, in order."""
        with store.batch():
            for number in range(600):
                value = f"{number:08x}-0000-0000-0000-000000000000"
                store.put(link(f"u{number:04d}", value, f"uid={number},dc=x"))
        ids = [item.source_id for item in store.iter_links()]
        assert ids == sorted(ids)
        assert len(ids) == 600

    def test_watermark_round_trip(self, store: LinkStore) -> None:
        """A watermark reads back equal, per profile, and a newer one replaces it."""
        first = Watermark(profile="delta_import", value="20240501120000.000001Z", taken_at=T0)
        store.set_watermark(first)
        assert store.get_watermark("delta_import") == first
        assert store.get_watermark("other") is None
        second = Watermark(profile="delta_import", value="42", taken_at=T0 + timedelta(hours=1))
        store.set_watermark(second)
        assert store.get_watermark("delta_import") == second

    def test_batch_commits(self, store: LinkStore) -> None:
        """Writes inside a batch are there after it exits."""
        with store.batch():
            store.put(link())
            store.set_watermark(Watermark(profile="p", value="1", taken_at=T0))
        assert store.count() == 1
        assert store.get_watermark("p") is not None

    def test_batch_rolls_back_on_exception(self, store: LinkStore) -> None:
        """An exception inside a batch undoes every write of the batch and propagates."""
        store.put(link("before"))

        def write_then_fail() -> None:
            with store.batch():
                store.put(link("u2", UUID_B))
                store.mark("before", LinkState.DELETED)
                store.set_watermark(Watermark(profile="p", value="1", taken_at=T0))
                store.record_import(anchor(UUID_B), "uid=b,dc=x", {"mail": ["b@x"]})
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError, match="boom"):
            write_then_fail()
        assert store.count() == 1
        assert store.get_by_source("before") == link("before")
        assert store.get_watermark("p") is None
        assert store.imported_count() == 0

    def test_nested_batch_rolls_back_only_itself(self, store: LinkStore) -> None:
        """A failing inner batch undoes its own writes; the outer batch still commits."""

        def clash() -> None:
            with store.batch():
                store.put(link("inner", UUID_B))
                store.put(link("clash", UUID_B))

        with store.batch():
            store.put(link("outer"))
            with pytest.raises(LinkStoreError):
                clash()
        assert [item.source_id for item in store.iter_links()] == ["outer"]

    def test_batches_that_write_nothing(self, store: LinkStore) -> None:
        """Empty batches, nested or failing, leave the store as it was and usable."""
        with store.batch(), store.batch():
            pass
        with pytest.raises(RuntimeError), store.batch(), store.batch():
            raise RuntimeError("nothing written")
        with store.batch():
            with store.batch():
                pass
            store.put(link())
        assert store.get_by_source("u1") == link()

    def test_record_and_find_by_matching(self, store: LinkStore) -> None:
        """Imported entries are found by attribute and value, case-insensitively on both."""
        store.record_import(anchor(UUID_A), "uid=a,dc=x", {"mail": ["Britta@Contoso.com"]})
        store.record_import(anchor(UUID_B), "uid=b,dc=x", {"Mail": ["other@contoso.com"]})
        assert store.find_by_matching("MAIL", "britta@contoso.COM") == (anchor(UUID_A),)
        assert store.find_by_matching("mail", "nobody@contoso.com") == ()
        assert store.find_by_matching("cn", "Britta@Contoso.com") == ()

    def test_find_by_matching_returns_every_candidate(self, store: LinkStore) -> None:
        """Two entries sharing a value are both returned, so correlation can refuse to guess."""
        store.record_import(anchor(UUID_A), "uid=a,dc=x", {"employeeNumber": ["7"]})
        store.record_import(anchor(UUID_B), "uid=b,dc=x", {"employeeNumber": ["7"]})
        assert set(store.find_by_matching("employeenumber", "7")) == {
            anchor(UUID_A),
            anchor(UUID_B),
        }

    def test_record_import_replaces_previous_values(self, store: LinkStore) -> None:
        """Recording an entry again replaces its DN and matching values."""
        store.record_import(anchor(), "uid=a,dc=x", {"mail": ["old@x"], "uid": ["a"]})
        store.record_import(anchor(), "uid=a2,dc=x", {"mail": ["new@x"]})
        assert store.find_by_matching("mail", "old@x") == ()
        assert store.find_by_matching("uid", "a") == ()
        imported = store.get_imported(anchor())
        assert imported is not None
        assert imported.dn == "uid=a2,dc=x"
        assert dict(imported.matching_values) == {"mail": ("new@x",)}
        assert store.imported_count() == 1

    def test_imported_objects_iterate_forget_and_clear(self, store: LinkStore) -> None:
        """The import cache streams, forgets one entry, and clears."""
        store.record_import(anchor(UUID_A), "uid=a,dc=x", {"mail": ["a@x"]})
        store.record_import(anchor(UUID_B), "uid=b,dc=x", {})
        assert [o.dn for o in store.iter_imported()] == ["uid=a,dc=x", "uid=b,dc=x"]
        assert store.forget_import(anchor(UUID_A)) is True
        assert store.forget_import(anchor(UUID_A)) is False
        assert store.find_by_matching("mail", "a@x") == ()
        store.clear_imports()
        assert store.imported_count() == 0

    def test_binary_and_dn_anchors_are_stored(self, store: LinkStore) -> None:
        """Anchors of every kind round-trip through the store."""
        guid = Anchor.from_directory(
            AnchorKind.OBJECT_GUID, b"\x5c\x2a\x28\x29\x00\x0a" + bytes(10)
        )
        dn = Anchor.parse("dn", "CN=Britta,DC=x")
        store.put(Link(source_id="g", anchor=guid, dn="CN=G,DC=x", updated=T0))
        store.put(Link(source_id="d", anchor=dn, dn="CN=Britta,DC=x", updated=T0))
        assert store.get_by_anchor(guid) is not None
        found = store.get_by_anchor(Anchor.parse("dn", "cn=britta,dc=x"))
        assert found is not None
        assert found.source_id == "d"

    def test_times_in_other_zones_round_trip_as_the_same_instant(self, store: LinkStore) -> None:
        """A link written with a non-UTC time reads back equal (the same instant, in UTC)."""
        eastern = T0.astimezone(timezone(timedelta(hours=-5)))
        store.put(link(updated=eastern))
        found = store.get_by_source("u1")
        assert found is not None
        assert found.updated == eastern
        assert found.updated.utcoffset() == timedelta(0)

    def test_intent_round_trip_and_listing(self, store: LinkStore) -> None:
        """An intent is stored, read back by source id and listed by source id."""
        store.put_intent(intent("u2", "uid=b,dc=x"))
        store.put_intent(intent("u1"))
        assert store.get_intent("u1") == intent("u1")
        assert store.get_intent("nobody") is None
        assert [found.source_id for found in store.list_intents()] == ["u1", "u2"]

    def test_resolving_an_intent_writes_its_link(self, store: LinkStore) -> None:
        """Resolving with a link closes the intent and writes the link in one transaction."""
        store.put_intent(intent())
        assert store.resolve_intent("u1", link()) is True
        assert store.list_intents() == ()
        assert store.get_by_source("u1") == link()
        assert store.resolve_intent("u1") is False

    def test_resolving_with_a_clashing_link_writes_nothing(self, store: LinkStore) -> None:
        """A link whose anchor is live elsewhere is refused and the intent stays open."""
        store.put(link("other"))
        store.put_intent(intent())
        with pytest.raises(LinkStoreError):
            store.resolve_intent("u1", link())
        assert store.get_intent("u1") == intent()
        assert store.get_by_source("u1") is None

    def test_an_intent_put_inside_a_batch_is_committed_at_once(self, store: LinkStore) -> None:
        """An intent commits the batch so far: a later rollback undoes only what follows it."""

        def crash_after_the_intent() -> None:
            with store.batch():
                store.put(link("before"))
                store.put_intent(intent())
                store.put(link("after", UUID_B))
                raise RuntimeError("crash")

        with pytest.raises(RuntimeError):
            crash_after_the_intent()
        assert store.get_intent("u1") == intent()
        assert store.get_by_source("before") is not None
        assert store.get_by_source("after") is None

    def test_a_refused_put_inside_a_batch_keeps_the_rest_of_the_batch(
        self, store: LinkStore
    ) -> None:
        """One record's clash does not undo the other records batched with it."""
        with store.batch():
            store.put(link("u1"))
            with pytest.raises(LinkStoreError):
                store.put(link("u2"))
            store.put(link("u3", UUID_B, "uid=b,dc=x"))
        assert [item.source_id for item in store.iter_links()] == ["u1", "u3"]

    def test_live_links_by_anchor(self, store: LinkStore) -> None:
        """Live links are found by anchor in one call; deleted and unknown ones are not."""
        store.put(link("u1"))
        store.put(link("u2", UUID_B, "uid=b,dc=x", state=LinkState.DELETED))
        other = anchor("00000000-0000-0000-0000-000000000001")
        found = store.live_links_by_anchor([anchor(UUID_A), anchor(UUID_B), other])
        assert found == {anchor(UUID_A): link("u1")}


class SharedLinkStoreContract:
    """What a store shared by several workers does, on top of :class:`LinkStoreContract`.

    Needs the fixtures ``store`` and ``second_store``: two sessions on one empty space,
    the second with a short ``lock_timeout``.
    """

    def test_a_commit_is_seen_by_the_other_worker(
        self, store: LinkStore, second_store: LinkStore
    ) -> None:
        """A link one worker wrote is read by another; an open batch is not."""
        store.put(link("u1"))
        assert second_store.get_by_source("u1") == link("u1")
        with store.batch():
            store.put(link("u2", UUID_B, "uid=b,dc=x"))
            assert second_store.get_by_source("u2") is None
        assert second_store.get_by_source("u2") is not None

    def test_one_anchor_cannot_be_linked_twice_across_workers(
        self, store: LinkStore, second_store: LinkStore
    ) -> None:
        """The live-anchor rule holds between sessions, not only within one."""
        store.put(link("u1"))
        with pytest.raises(LinkStoreError, match="'u1'"):
            second_store.put(link("u2"))

    def test_a_source_lock_excludes_the_other_worker(
        self, store: LinkStore, second_store: LinkStore
    ) -> None:
        """While one worker holds a source id's lock, another cannot take it."""
        assert isinstance(store, SourceLocking)
        assert isinstance(second_store, SourceLocking)
        with store.lock_source("u1"):
            with pytest.raises(LinkStoreError, match="another worker"):
                second_store.lock_source("u1").__enter__()
            with second_store.lock_source("u2"):
                pass
        with second_store.lock_source("u1"):
            pass

    def test_a_source_lock_taken_in_a_batch_lasts_until_the_commit(
        self, store: LinkStore, second_store: LinkStore
    ) -> None:
        """The next holder of the lock reads what the first committed, never the older link."""
        assert isinstance(store, SourceLocking)
        assert isinstance(second_store, SourceLocking)
        with store.batch():
            with store.lock_source("u1"):
                store.put(link("u1"))
            with pytest.raises(LinkStoreError, match="another worker"):
                second_store.lock_source("u1").__enter__()
        with second_store.lock_source("u1"):
            assert second_store.get_by_source("u1") == link("u1")

    def test_digests_of_an_open_batch_are_seen_only_once_committed(
        self, store: LinkStore, second_store: LinkStore
    ) -> None:
        """One worker's digests reach another worker with the commit of their batch."""
        mine, theirs = digests_of(store), digests_of(second_store)
        with store.batch():
            store.put(link())
            mine.put_reconciled_digests({"u1": "ab12"})
            assert theirs.reconciled_digests() == {}
        assert theirs.reconciled_digests() == {"u1": "ab12"}

    def test_every_source_lock_of_a_batch_is_given_back_at_its_end(
        self, store: LinkStore, second_store: LinkStore
    ) -> None:
        """Locks taken by the records of one batch are all released when it ends, even twice."""
        assert isinstance(store, SourceLocking)
        assert isinstance(second_store, SourceLocking)
        with store.batch():
            for source_id in ("u1", "u2", "u1"):
                with store.lock_source(source_id):
                    pass
        for source_id in ("u1", "u2"):
            with second_store.lock_source(source_id):
                pass

    def test_a_lease_has_one_holder_at_a_time(
        self, store: LinkStore, second_store: LinkStore
    ) -> None:
        """A lease held by one worker is refused to another until it is released."""
        assert isinstance(store, Leasing)
        assert isinstance(second_store, Leasing)
        minute = timedelta(minutes=1)
        assert store.acquire_lease("delta_import", "worker-1", minute) is True
        assert store.acquire_lease("delta_import", "worker-1", minute) is True  # a renewal
        assert second_store.acquire_lease("delta_import", "worker-2", minute) is False
        assert second_store.acquire_lease("other", "worker-2", minute) is True
        second_store.release_lease("delta_import", "worker-2")  # not its lease: no effect
        assert second_store.acquire_lease("delta_import", "worker-2", minute) is False
        store.release_lease("delta_import", "worker-1")
        assert second_store.acquire_lease("delta_import", "worker-2", minute) is True

    def test_an_expired_lease_is_taken_over(
        self, store: LinkStore, second_store: LinkStore
    ) -> None:
        """A worker that died holding a lease does not block its successor for ever."""
        assert isinstance(store, Leasing)
        assert isinstance(second_store, Leasing)
        assert store.acquire_lease("delta_import", "dead", timedelta(seconds=-1)) is True
        assert second_store.acquire_lease("delta_import", "next", timedelta(minutes=1)) is True
        assert store.acquire_lease("delta_import", "dead", timedelta(minutes=1)) is False
