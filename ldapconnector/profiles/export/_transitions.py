"""What the export runner does with one record: the decision table, as data.

Four facts decide the step for a source record (docs/provisioning.md, "The export
runner"):

* its **flag**: none, ``isSoftDeleted`` (the disable flow applies) or ``"@deleted"`` (the
  delete flow applies; it wins when both are set);
* its **link**: none, or the link's state (active, disabled, deleted);
* whether the linked **entry was found** (it is looked up only for an active or disabled
  link: a deleted link names nothing);
* the **kind of the flow** that applies (for a record without a flag no flow applies and
  the kind does not matter).

:data:`RULES` is the table; every combination matches exactly one row (the tests check
it), and :data:`TRANSITIONS` spells it out for every combination. The record exporter
looks its step up there, and the mass-deletion guard counts the rows whose step deletes an
entry, so the two cannot disagree.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TypeVar

import attrs

from ldapconnector.mapping import DELETED_KEY, SOFT_DELETED_KEY, is_flag_set
from ldapconnector.profiles.export._flows import FlowKind
from ldapconnector.space import Link, LinkState

__all__ = [
    "COUNTABLE_FLAGS",
    "RULES",
    "SITUATIONS",
    "TRANSITIONS",
    "LinkStatus",
    "RecordFlag",
    "Rule",
    "Situation",
    "Step",
    "guard_counts",
    "is_linked",
    "link_status",
    "record_flag",
    "step_for",
]


class RecordFlag(enum.Enum):
    """The deprovisioning flag a source record carries."""

    NONE = "none"
    SOFT_DELETED = "soft-deleted"  # isSoftDeleted: the disable flow
    DELETED = "deleted"  # "@deleted" (or pruned): the delete flow


class LinkStatus(enum.Enum):
    """The record's link: none, or its :class:`~ldapconnector.space.LinkState`."""

    NONE = "none"
    ACTIVE = "active"
    DISABLED = "disabled"
    DELETED = "deleted"


class Step(enum.Enum):
    """What the record exporter does for one record."""

    UPDATE = "update"  # enable first if the link was disabled, then plan_update
    CREATE_OR_JOIN = "create-or-join"  # correlate: join one match, else create
    DELETE = "delete"  # the flow deletes the entry
    DISABLE = "disable"  # the flow sets its attribute on the entry
    MARK_DELETED = "mark-deleted"  # the entry is gone already: the link says deleted
    ALREADY_DELETED = "already-deleted"  # the link says deleted: unchanged
    SKIP_NEVER_EXPORTED = "skip-never-exported"  # nothing to deprovision: no link
    SKIP_FLOW_NONE = "skip-flow-none"  # the flow is "none"
    SKIP_ENTRY_GONE = "skip-entry-gone"  # the entry to disable no longer exists

    @property
    def deletes(self) -> bool:
        """Whether the step deletes an entry in the directory."""
        return self is Step.DELETE


@attrs.frozen(kw_only=True)
class Situation:
    """One combination of the four facts (a key of :data:`TRANSITIONS`).

    Attributes:
        flag: the record's flag.
        link: the record's link.
        found: whether the linked entry was found.
        flow: the kind of the flow the flag selects.
    """

    flag: RecordFlag
    link: LinkStatus
    found: bool
    flow: FlowKind


@attrs.frozen(kw_only=True)
class Rule:
    """One row of :data:`RULES`: the step for every situation its four sets contain.

    Attributes:
        flags: the record flags of the row.
        links: the link states of the row.
        found: whether the entry was found (one value, or both).
        flows: the flow kinds of the row.
        step: the step for them.
    """

    flags: frozenset[RecordFlag]
    links: frozenset[LinkStatus]
    found: frozenset[bool]
    flows: frozenset[FlowKind]
    step: Step

    def matches(self, situation: Situation) -> bool:
        """Whether the situation is one of this row's."""
        return (
            situation.flag in self.flags
            and situation.link in self.links
            and situation.found in self.found
            and situation.flow in self.flows
        )


_T = TypeVar("_T")
_ANY = None  # a wildcard cell: every value of the column


def _cell(given: _T | frozenset[_T] | None, every: Iterable[_T]) -> frozenset[_T]:
    if given is None:
        return frozenset(every)
    return given if isinstance(given, frozenset) else frozenset({given})


def _rule(
    flags: RecordFlag | frozenset[RecordFlag] | None,
    links: LinkStatus | frozenset[LinkStatus] | None,
    found: bool | None,
    flows: FlowKind | frozenset[FlowKind] | None,
    step: Step,
) -> Rule:
    return Rule(
        flags=_cell(flags, RecordFlag),
        links=_cell(links, LinkStatus),
        found=_cell(found, (True, False)),
        flows=_cell(flows, FlowKind),
        step=step,
    )


_UNFLAGGED, _SOFT, _DELETED = RecordFlag.NONE, RecordFlag.SOFT_DELETED, RecordFlag.DELETED
_FLAGGED = frozenset({_SOFT, _DELETED})
_LINKED = frozenset({LinkStatus.ACTIVE, LinkStatus.DISABLED})
_UNLINKED = frozenset({LinkStatus.NONE, LinkStatus.DELETED})
_ATTRIBUTE_FLOWS = frozenset({FlowKind.SET_ATTRIBUTE, FlowKind.VENDOR})
_ACTING_FLOWS = frozenset({FlowKind.DELETE, *_ATTRIBUTE_FLOWS})

#: The decision table: ``_ANY`` is every value of its column; no two rows overlap.
RULES: tuple[Rule, ...] = (
    # flag             link                found  flow              step
    _rule(_UNFLAGGED,  _LINKED,            True,  _ANY,             Step.UPDATE),
    _rule(_UNFLAGGED,  _LINKED,            False, _ANY,             Step.CREATE_OR_JOIN),
    _rule(_UNFLAGGED,  _UNLINKED,          _ANY,  _ANY,             Step.CREATE_OR_JOIN),
    _rule(_FLAGGED,    LinkStatus.NONE,    _ANY,  _ANY,             Step.SKIP_NEVER_EXPORTED),
    _rule(_FLAGGED,    LinkStatus.DELETED, _ANY,  _ANY,             Step.ALREADY_DELETED),
    _rule(_FLAGGED,    _LINKED,            _ANY,  FlowKind.NONE,    Step.SKIP_FLOW_NONE),
    _rule(_FLAGGED,    _LINKED,            True,  FlowKind.DELETE,  Step.DELETE),
    _rule(_FLAGGED,    _LINKED,            True,  _ATTRIBUTE_FLOWS, Step.DISABLE),
    # A gone entry counts as deleted when deleting was asked for or the flow deletes.
    _rule(_DELETED,    _LINKED,            False, _ACTING_FLOWS,    Step.MARK_DELETED),
    _rule(_SOFT,       _LINKED,            False, FlowKind.DELETE,  Step.MARK_DELETED),
    _rule(_SOFT,       _LINKED,            False, _ATTRIBUTE_FLOWS, Step.SKIP_ENTRY_GONE),
)  # fmt: skip

_STATUS = MappingProxyType(
    {
        LinkState.ACTIVE: LinkStatus.ACTIVE,
        LinkState.DISABLED: LinkStatus.DISABLED,
        LinkState.DELETED: LinkStatus.DELETED,
    }
)

# The steps the mass-deletion guard counts, for records and for pruned links.
_RECORD_COUNTED = frozenset(step for step in Step if step.deletes)
_PRUNE_COUNTED = frozenset({*_RECORD_COUNTED, Step.DISABLE})

#: Every combination of the four facts.
SITUATIONS: tuple[Situation, ...] = tuple(
    Situation(flag=flag, link=link, found=found, flow=flow)
    for flag, link, found, flow in itertools.product(
        RecordFlag, LinkStatus, (True, False), FlowKind
    )
)


def _transitions() -> Mapping[Situation, Step]:
    table: dict[Situation, Step] = {}
    for situation in SITUATIONS:
        steps = [rule.step for rule in RULES if rule.matches(situation)]
        if len(steps) != 1:  # pragma: no cover - the tests keep the table exact
            raise AssertionError(f"{situation} matches {len(steps)} rows of the table")
        table[situation] = steps[0]
    return MappingProxyType(table)


#: Every situation and its step, expanded from :data:`RULES` (read-only).
TRANSITIONS: Mapping[Situation, Step] = _transitions()


def step_for(flag: RecordFlag, link: LinkStatus, *, found: bool, flow: FlowKind) -> Step:
    """The step for one record (see the module doc for the four facts)."""
    return TRANSITIONS[Situation(flag=flag, link=link, found=found, flow=flow)]


def record_flag(record: Mapping[str, object]) -> RecordFlag:
    """The flag a source record carries (``"@deleted"`` wins over ``isSoftDeleted``)."""
    if is_flag_set(record, DELETED_KEY):
        return RecordFlag.DELETED
    if is_flag_set(record, SOFT_DELETED_KEY):
        return RecordFlag.SOFT_DELETED
    return RecordFlag.NONE


def link_status(link: Link | None) -> LinkStatus:
    """The status of a record's link (None: no link)."""
    return LinkStatus.NONE if link is None else _STATUS[link.state]


def is_linked(status: LinkStatus) -> bool:
    """Whether the link names an entry to look up (active or disabled)."""
    return status in _LINKED


def guard_counts(
    flag: RecordFlag, link: LinkStatus, flow: FlowKind, *, pruned: bool = False
) -> bool:
    """Whether the mass-deletion guard counts a record (or a link pruning would deprovision).

    A record counts when its step deletes the entry; a pruned link also when its step
    disables it (pruning with an accidentally empty input would disable everyone). The
    guard runs before anything is read, so it counts as if every linked entry were found:
    the most the run could delete.
    """
    counted = _PRUNE_COUNTED if pruned else _RECORD_COUNTED
    return step_for(flag, link, found=True, flow=flow) in counted


COUNTABLE_FLAGS: frozenset[RecordFlag] = frozenset(
    situation.flag
    for situation, step in TRANSITIONS.items()
    if situation.found and step in _RECORD_COUNTED
)
"""The flags for which the guard may count a record at all (derived from the table): a
record without one is never deleted by its own step, so its link need not be read."""
