"""Unchanged users by one comparison: digests of the inputs of an update found in line.

Planning an update is a pure function of the mapped record (the
:class:`~ldapconnector.mapping.DesiredEntry`), the entry as read, the link, and the run's
configuration and schema. When a run finds a user's entry in line (the plan is empty), it
records a digest of exactly those inputs; the next run computes the digest of its own
inputs and, when the two are equal, knows the plan is empty again without making it:
no alias or schema check, no diff, no rename check. Anything that could change the
answer changes the digest: a mapped value, the entry read from the directory (an edit by
someone else, a rename), the link, the mappings, the schema, the planner's options, or
this module's :data:`PLANNER_REVISION`. A digest that does not match only costs the full
planning path, so a stale one can never hide a change; a plan that fails or sends
something records none.

The digests live in the link store when it offers :class:`ReconciledDigests`
(``SqliteLinkStore`` does); with any other store every record is planned in full.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Callable, Mapping, Sequence, Set
from types import BuiltinFunctionType, FunctionType
from typing import TYPE_CHECKING, Protocol, cast, runtime_checkable

import attrs

from ldapconnector.mapping import OBJECT_CLASS_TARGET, DesiredEntry
from ldapconnector.model import Entry, Modification, ModifyOp, Value
from ldapconnector.profiles.export._equality import value_key
from ldapconnector.profiles.export._names import canonical
from ldapconnector.profiles.export._operations import ModifyOperation, Operation
from ldapconnector.profiles.export._plan import PlanOptions, needs_create_only_values, plan_update
from ldapconnector.schema import Schema
from ldapconnector.space import Link, LinkStore

if TYPE_CHECKING:
    from ldapconnector.profiles.export._request import ExportRequest

__all__ = [
    "PLANNER_REVISION",
    "PlannedUpdate",
    "ReconciledDigests",
    "RunDigest",
    "predicted_entry",
    "run_digest",
    "settled_entry",
]

#: Bumped whenever the planner's answer for the same inputs may change, so digests
#: recorded by an older planner no longer match.
PLANNER_REVISION = 1

# Request fields that do not change what an update plans (how a run sends and pages).
_NOT_PLANNING = frozenset({"store", "max_deletes", "page_size", "write_window", "tree_delete"})


@runtime_checkable
class ReconciledDigests(Protocol):
    """A link store that keeps the digests (``SqliteLinkStore``; optional for others)."""

    def reconciled_digests(self) -> dict[str, str]:
        """Every recorded digest by source id."""
        ...

    def put_reconciled_digests(self, digests: Mapping[str, str | None]) -> None:
        """Record digests (None forgets one), inside the runner's batch."""
        ...


def _stable(value: object) -> object:
    """A form of ``value`` whose ``repr`` is the same in every process.

    Sets become sorted tuples (a set's order follows the per-process string hash), attrs
    instances the tuple of their compared fields, enums their value, functions their
    qualified name (their ``repr`` shows an address).
    """
    if isinstance(value, enum.Enum):
        return (type(value).__name__, value.value)
    if isinstance(value, FunctionType | BuiltinFunctionType):
        return (value.__module__, value.__qualname__)
    if attrs.has(type(value)):
        fields = attrs.fields(cast("type[attrs.AttrsInstance]", type(value)))
        return (type(value).__name__, *(_stable(getattr(value, f.name)) for f in fields if f.eq))
    if isinstance(value, Set):
        return tuple(sorted((_stable(item) for item in value), key=repr))
    if isinstance(value, Mapping):
        return tuple(sorted(((repr(k), _stable(v)) for k, v in value.items()), key=repr))
    if isinstance(value, list | tuple):
        return tuple(_stable(item) for item in value)
    return value


def _digest(*parts: object) -> str:
    text = repr(parts).encode("utf-8", "backslashreplace")
    return hashlib.blake2b(text, digest_size=20).hexdigest()


def _desired_form(desired: DesiredEntry, password: str) -> tuple[object, ...]:
    # Every field, values included (the redacted ones too: their repr hides them), except
    # the password's: an update never sends it, and no digest of it belongs in the store.
    attributes = tuple(
        (name, values) for name, values in desired.attributes.items() if name.lower() != password
    )
    return (
        desired.source_id, desired.dn, desired.object_classes, attributes,
        tuple(sorted(desired.create_only)), tuple(sorted(desired.do_not_flow)),
        tuple(sorted(desired.cleared)), tuple(sorted(desired.redacted)),
        tuple(m for m in desired.matching if m[0].lower() != password),
        desired.soft_deleted, desired.deleted,
    )  # fmt: skip


@attrs.frozen(kw_only=True)
class PlannedUpdate:
    """An update's plan: the mapped record, the desired entry, the operations.

    Attributes:
        mapped: the record as the mappings give it (what the digest covers).
        desired: the entry the update brings the directory in line with.
        operations: enable, rename, modify; empty when the entry is in line.
        enabled: the operations enable the user.
        digest: the digest of the update's inputs, when the run keeps digests.
        known: the digest is the one the last run recorded: the plan was not made, and the
            link is as that run left it.
    """

    mapped: DesiredEntry
    desired: DesiredEntry
    operations: tuple[Operation, ...]
    enabled: bool = False
    digest: str | None = None
    known: bool = False


@attrs.define
class RunDigest:
    """The digests of one export run (stateful: the recorded digests and the new ones).

    Args:
        context: the digest of the run's configuration and schema (:func:`run_digest`).
        recorded: the digests the store held when the run started.
        password: the password attribute, lower-cased (its values are left out).
    """

    context: str
    recorded: Mapping[str, str]
    password: str = "userpassword"  # noqa: S105 - an attribute name, not a secret
    _fresh: dict[str, str | None] = attrs.field(factory=dict, init=False)

    def of(self, desired: DesiredEntry, entry: Entry, link: Link) -> str:
        """The digest of one update's inputs."""
        held = (link.anchor.key, link.dn, link.state.value, link.attributes_hash)
        attributes = tuple((name, tuple(values)) for name, values in entry.attributes.items())
        form = _desired_form(desired, self.password)
        return _digest(self.context, form, entry.dn, attributes, held)

    def in_line(self, source_id: str, digest: str) -> bool:
        """Whether the last run found the same inputs in line."""
        return self.recorded.get(source_id) == digest

    def record(self, source_id: str, digest: str) -> None:
        """Keep the digest of inputs just found in line (written by :meth:`flush`)."""
        if self.recorded.get(source_id) != digest:
            self._fresh[source_id] = digest

    def keep(
        self, source_id: str, planned: PlannedUpdate, entry: Entry | None, link: Link, *, same: bool
    ) -> None:
        """Record that ``planned``'s inputs leave ``entry`` in line, with ``link`` (None: not).

        Args:
            source_id: the record's id.
            planned: the update (its digest is reused when nothing it covers changed).
            entry: the entry as the directory holds it now, when in line.
            link: the link as it is now.
            same: ``entry`` and ``link`` are the ones ``planned.digest`` covers.
        """
        if entry is None:
            return
        reused = planned.digest if same and not planned.operations else None
        self.record(source_id, reused or self.of(planned.mapped, entry, link))

    def flush(self, store: LinkStore) -> None:
        """Write the new digests (in the runner's batch) when the store keeps them."""
        fresh, self._fresh = self._fresh, {}
        if fresh and isinstance(store, ReconciledDigests):
            store.put_reconciled_digests(fresh)


def run_digest(request: ExportRequest, store: LinkStore) -> RunDigest:
    """The run's :class:`RunDigest`: ``request``'s configuration digest, the store's digests.

    Args:
        request: the run's :class:`~ldapconnector.profiles.export.ExportRequest`; its
            fields that shape a plan (mappings, schema, options, flows, read attributes,
            anchor strategy, server) make the context; the connection, the store and how
            a run sends and pages are left out.
        store: the link store.
    """
    kept = tuple(
        (f.name, _stable(getattr(request, f.name)))
        for f in attrs.fields(type(request))
        if f.name not in _NOT_PLANNING and not callable(getattr(request, f.name))
    )
    recorded = store.reconciled_digests() if isinstance(store, ReconciledDigests) else {}
    return RunDigest(
        context=_digest(PLANNER_REVISION, kept), recorded=recorded,
        password=request.options.password_attribute.lower(),
    )  # fmt: skip


def _applied(
    held: tuple[Value, ...], change: Modification, key: Callable[[Value], object]
) -> tuple[Value, ...]:
    """The values an attribute holds after one modification (RFC 4511 section 4.6)."""
    if change.op is ModifyOp.REPLACE:
        return tuple(change.values)
    if change.op is ModifyOp.ADD:
        present = {key(value) for value in held}
        return held + tuple(value for value in change.values if key(value) not in present)
    if not change.values:
        return ()
    gone = {key(value) for value in change.values}
    return tuple(value for value in held if key(value) not in gone)


def predicted_entry(entry: Entry, operations: Sequence[Operation], schema: Schema) -> Entry | None:
    """The entry as the server holds it once one modify is applied; None for anything else.

    Renames, enables and creates are not predicted (their next run plans in full). A
    prediction the server does not bear out (it reorders or rewrites values) only makes
    the next run's digest differ from the recorded one.
    """
    if len(operations) != 1 or not isinstance(operations[0], ModifyOperation):
        return None
    attributes = {name: tuple(values) for name, values in entry.attributes.items()}
    for change in operations[0].changes:
        wanted = canonical(schema, change.attribute)
        name = next((n for n in attributes if canonical(schema, n) == wanted), change.attribute)
        values = _applied(attributes.get(name, ()), change, value_key(schema, change.attribute))
        if values:
            attributes[name] = values
        else:
            attributes.pop(name, None)
    return Entry(dn=entry.dn, attributes=attributes)


def settled_entry(
    planned: PlannedUpdate,
    entry: Entry,
    schema: Schema,
    options: PlanOptions,
    shape: Callable[[DesiredEntry, Sequence[str]], DesiredEntry],
) -> Entry | None:
    """The entry a confirmed modify leaves, when the planner finds it in line; else None.

    The prediction is planned again (shaped as the next run would shape it), so a digest
    is only ever recorded for inputs the planner itself found in line.

    Args:
        planned: the update whose operations the directory confirmed.
        entry: the entry as it was before them.
        schema: the directory's schema.
        options: the planners' options.
        shape: the desired entry as it must be sent, given the entry's object classes.
    """
    predicted = predicted_entry(entry, planned.operations, schema)
    if predicted is None or planned.enabled:
        return None
    if needs_create_only_values(planned.mapped, predicted, schema):
        return None
    desired = shape(planned.mapped, predicted.texts(OBJECT_CLASS_TARGET))
    if desired.attributes != planned.desired.attributes:
        return None  # the link's attributes hash would differ from the one written
    # The schema check is not repeated: the first plan checked the same managed values
    # against the same classes (the entry's, with the auxiliary ones the modify adds), and
    # the replan manages a subset of them (no class is missing any more, nothing to fill).
    replanned = plan_update(desired, predicted, schema, options=options, validate=False)
    return predicted if replanned == () else None
