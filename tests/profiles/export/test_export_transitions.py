"""The export runner's decision table, checked exhaustively against the engine it replaced.

``_before`` is the decision tree of ``RecordExporter.export``/``deprovision``/``_gone`` and
of the guard's ``_guard_count`` as they were written before the table existed (nested
``if``s, transcribed line by line); the table must give the same step for every
combination, and the guard must count exactly what it counted.
"""

from __future__ import annotations

import pytest

from ldapconnector.anchors import Anchor, AnchorKind
from ldapconnector.profiles.export._flows import FlowKind
from ldapconnector.profiles.export._transitions import (
    COUNTABLE_FLAGS,
    RULES,
    SITUATIONS,
    TRANSITIONS,
    LinkStatus,
    RecordFlag,
    Situation,
    Step,
    guard_counts,
    is_linked,
    link_status,
    record_flag,
    step_for,
)
from ldapconnector.space import Link, LinkState


def _before(situation: Situation) -> Step:
    """The step the pre-table engine took (its branches, in its order)."""
    link, flow = situation.link, situation.flow
    # export(): the entry is resolved only for a link that is not deleted.
    entry = situation.found and link in (LinkStatus.ACTIVE, LinkStatus.DISABLED)
    if situation.flag is not RecordFlag.NONE:  # deprovision(deleting=flag is DELETED)
        deleting = situation.flag is RecordFlag.DELETED
        if link is LinkStatus.NONE:
            return Step.SKIP_NEVER_EXPORTED  # skipped: "never exported: no link"
        if link is LinkStatus.DELETED:
            return Step.ALREADY_DELETED  # _gone(): unchanged
        if flow is FlowKind.NONE:
            return Step.SKIP_FLOW_NONE  # skipped: "the flow is 'none'"
        if not entry:  # _gone(deleting=deleting or flow deletes)
            if deleting or flow is FlowKind.DELETE:
                return Step.MARK_DELETED
            return Step.SKIP_ENTRY_GONE  # skipped: "the linked entry no longer exists"
        # plan_disable(): the delete planner for a delete flow, else the attribute.
        return Step.DELETE if flow is FlowKind.DELETE else Step.DISABLE
    if entry:
        return Step.UPDATE
    return Step.CREATE_OR_JOIN


def _counted_before(flag: RecordFlag, link: LinkStatus, flow: FlowKind) -> bool:
    """``_guard_count`` for one record: a delete flow and a link not deleted."""
    if flag is RecordFlag.NONE:
        return False
    return flow is FlowKind.DELETE and link not in (LinkStatus.NONE, LinkStatus.DELETED)


def test_every_combination_has_exactly_one_row() -> None:
    """3 flags x 4 link states x found or not x 4 flow kinds, each matched by one rule."""
    assert len(SITUATIONS) == 3 * 4 * 2 * 4 == len(set(SITUATIONS))
    for situation in SITUATIONS:
        matched = [rule.step for rule in RULES if rule.matches(situation)]
        assert len(matched) == 1, (situation, matched)
    assert set(TRANSITIONS) == set(SITUATIONS)


@pytest.mark.parametrize("situation", SITUATIONS, ids=str)
def test_the_table_matches_the_engine_it_replaced(situation: Situation) -> None:
    """Every combination gives the step the nested ``if``s took."""
    assert TRANSITIONS[situation] is _before(situation)
    assert step_for(
        situation.flag, situation.link, found=situation.found, flow=situation.flow
    ) is _before(situation)


def test_every_step_is_reachable_and_every_row_is_used() -> None:
    """No step is dead and no row is shadowed by the others."""
    assert set(TRANSITIONS.values()) == set(Step)
    for rule in RULES:
        assert any(rule.matches(s) for s in SITUATIONS), rule


def test_unlooked_up_entries_do_not_matter() -> None:
    """For no link or a deleted link the entry is never read: found or not, same step."""
    for situation in SITUATIONS:
        if not is_linked(situation.link):
            other = Situation(
                flag=situation.flag, link=situation.link, found=not situation.found,
                flow=situation.flow,
            )  # fmt: skip
            assert TRANSITIONS[situation] is TRANSITIONS[other]


def test_a_record_without_a_flag_ignores_the_flow_kind() -> None:
    """No flow applies to a record without a flag: every kind gives the same step."""
    for link in LinkStatus:
        for found in (True, False):
            steps = {step_for(RecordFlag.NONE, link, found=found, flow=kind) for kind in FlowKind}
            assert len(steps) == 1


@pytest.mark.parametrize("flag", list(RecordFlag))
@pytest.mark.parametrize("link", list(LinkStatus))
@pytest.mark.parametrize("flow", list(FlowKind))
def test_the_guard_counts_what_it_counted(
    flag: RecordFlag, link: LinkStatus, flow: FlowKind
) -> None:
    """The guard counts the records whose step deletes, as ``_guard_count`` did."""
    assert guard_counts(flag, link, flow) is _counted_before(flag, link, flow)


@pytest.mark.parametrize("link", [LinkStatus.ACTIVE, LinkStatus.DISABLED])
@pytest.mark.parametrize("flow", list(FlowKind))
def test_the_guard_counts_pruned_links_as_it_did(link: LinkStatus, flow: FlowKind) -> None:
    """A pruned link (active or disabled) counted whenever the delete flow was not none."""
    counted = guard_counts(RecordFlag.DELETED, link, flow, pruned=True)
    assert counted is (flow is not FlowKind.NONE)


def test_spot_checks() -> None:
    """A few rows in words, so a reader sees the table at work."""
    active, gone = LinkStatus.ACTIVE, LinkStatus.DELETED
    assert step_for(RecordFlag.NONE, active, found=True, flow=FlowKind.NONE) is Step.UPDATE
    assert step_for(RecordFlag.DELETED, active, found=True, flow=FlowKind.DELETE) is Step.DELETE
    assert (
        step_for(RecordFlag.SOFT_DELETED, active, found=True, flow=FlowKind.VENDOR) is Step.DISABLE
    )
    assert (
        step_for(RecordFlag.DELETED, active, found=False, flow=FlowKind.SET_ATTRIBUTE)
        is Step.MARK_DELETED
    )
    assert (
        step_for(RecordFlag.SOFT_DELETED, gone, found=False, flow=FlowKind.DELETE)
        is Step.ALREADY_DELETED
    )
    assert Step.DELETE.deletes
    assert not any(step.deletes for step in Step if step is not Step.DELETE)


def test_record_flags_and_link_states() -> None:
    """``@deleted`` wins over ``isSoftDeleted``; each link state has its status."""
    assert record_flag({"id": "1"}) is RecordFlag.NONE
    assert record_flag({"id": "1", "isSoftDeleted": True}) is RecordFlag.SOFT_DELETED
    assert record_flag({"id": "1", "@deleted": True}) is RecordFlag.DELETED
    both = {"id": "1", "@deleted": True, "isSoftDeleted": True}
    assert record_flag(both) is RecordFlag.DELETED
    assert record_flag({"id": "1", "isSoftDeleted": False}) is RecordFlag.NONE
    assert link_status(None) is LinkStatus.NONE
    anchor = Anchor.from_directory(AnchorKind.DN, "uid=a,o=x")
    for state in LinkState:
        link = Link(source_id="1", anchor=anchor, dn="uid=a,o=x", state=state)
        assert link_status(link).value == state.value


def test_the_guard_reads_links_only_for_flags_that_can_count() -> None:
    """A flag outside COUNTABLE_FLAGS is never counted, whatever its link and flow."""
    assert RecordFlag.NONE not in COUNTABLE_FLAGS
    for flag in set(RecordFlag) - COUNTABLE_FLAGS:
        for link in LinkStatus:
            for flow in FlowKind:
                assert not guard_counts(flag, link, flow)
    for flag in COUNTABLE_FLAGS:
        assert any(guard_counts(flag, link, flow) for link in LinkStatus for flow in FlowKind)
