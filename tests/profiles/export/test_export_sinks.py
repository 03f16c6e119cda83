"""The engine's plumbing without a server: every step has a handler, plans write nothing.

Sending and linking against a real slapd are covered by test_export_openldap.py (a plan's
zero writes are checked in the accesslog there); these check the pieces the runner
chooses between.
"""

from __future__ import annotations

import attrs

from ldapconnector.anchors import Anchor, AnchorKind
from ldapconnector.mapping import DesiredEntry
from ldapconnector.profiles import AddOperation, ExportOutcome, ObjectResult, PasswordSetOperation
from ldapconnector.profiles.export._links import (
    NoLinks,
    StoreLinks,
    current_link,
    marked_link,
)
from ldapconnector.profiles.export._record import _STEPS
from ldapconnector.profiles.export._sinks import CreateJob, Recorder
from ldapconnector.profiles.export._transitions import Step
from ldapconnector.space import Link, LinkState, SqliteLinkStore, attributes_hash

DN = "uid=ann,ou=people,o=x"
ANCHOR = Anchor.from_directory(AnchorKind.DN, DN)


def _desired() -> DesiredEntry:
    return DesiredEntry(
        source_id="1", dn=DN, object_classes=("inetOrgPerson",), attributes={"sn": ("Ann",)}
    )


def test_every_step_of_the_table_has_a_handler() -> None:
    """The engine takes every step the transition table can give."""
    assert set(_STEPS) == set(Step)


def test_the_recorder_sends_nothing_and_reports_the_create_as_planned() -> None:
    """A plan's create is ``created`` at the planned DN, with no anchor (none exists yet)."""
    add = AddOperation(dn=DN, attributes={"objectClass": ("inetOrgPerson",), "sn": ("Ann",)})
    planned = (add, PasswordSetOperation(dn=DN, attribute="userPassword"))
    recorder = Recorder()
    done = ObjectResult(id="1", outcome=ExportOutcome.UPDATED)
    assert recorder.send(planned, lambda: done) is done
    job = CreateJob(source_id="1", desired=_desired(), add=add, planned=planned)
    result = recorder.create(job, lambda error: done)
    assert isinstance(result, ObjectResult)
    assert result.outcome is ExportOutcome.CREATED
    assert (result.id, result.dn, result.anchor, result.operations) == ("1", DN, None, planned)


def test_no_links_writes_nothing_and_store_links_writes_to_the_store() -> None:
    """The plan's link writer leaves the store alone; the export's writes the link."""
    link = Link(source_id="1", anchor=ANCHOR, dn=DN)
    with SqliteLinkStore.in_memory() as store:
        NoLinks().put(link)
        assert store.count() == 0
        StoreLinks(store=store).put(link)
        assert store.get_by_source("1") == link


def test_a_link_is_written_only_when_it_says_something_new() -> None:
    """Same anchor, DN, state and attributes: no write; anything else: a fresh link."""
    desired = _desired()
    digest = attributes_hash(desired.attributes)
    held = Link(source_id="1", anchor=ANCHOR, dn=DN, attributes_hash=digest)
    assert current_link("1", ANCHOR, DN, desired, held) is None
    moved = current_link("1", ANCHOR, "uid=ann,ou=gone,o=x", desired, held)
    assert moved is not None
    assert (moved.dn, moved.state, moved.attributes_hash) == (
        "uid=ann,ou=gone,o=x", LinkState.ACTIVE, digest,
    )  # fmt: skip
    disabled = attrs.evolve(held, state=LinkState.DISABLED)
    enabled = current_link("1", ANCHOR, DN, desired, disabled)
    assert enabled is not None
    assert enabled.state is LinkState.ACTIVE
    other = current_link("1", ANCHOR, DN, attrs.evolve(desired, attributes={"sn": ("Bo",)}), held)
    assert other is not None
    assert other.attributes_hash != digest
    fresh = current_link("1", ANCHOR, DN, desired, None)
    assert fresh is not None
    assert fresh.attributes_hash == digest


def test_a_link_is_marked_only_when_its_state_or_dn_changes() -> None:
    """Marking a link with the state and DN it has is no write."""
    link = Link(source_id="1", anchor=ANCHOR, dn=DN, state=LinkState.DISABLED)
    assert marked_link(link, LinkState.DISABLED, DN) is None
    deleted = marked_link(link, LinkState.DELETED, DN)
    assert deleted is not None
    assert (deleted.state, deleted.dn, deleted.anchor) == (LinkState.DELETED, DN, ANCHOR)
    assert deleted.updated >= link.updated
    renamed = marked_link(link, LinkState.DISABLED, "uid=ann,ou=gone,o=x")
    assert renamed is not None
    assert renamed.dn == "uid=ann,ou=gone,o=x"
