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

When the mappings are deterministic the digest covers the source record's values instead
of the mapped record (:mod:`~ldapconnector.profiles.export._source_key`), so a matching
digest also skips the mapping.

The digests live in the link store when it offers :class:`ReconciledDigests`
(``SqliteLinkStore`` does); with any other store every record is planned in full. A store
that also offers :class:`ReconciledLinks` and is not shared by several workers gives each
digest with its link in the one query of the run's start, so an unchanged user costs no
query of its own (:meth:`RunDigest.held`).
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
from ldapconnector.profiles.export._source_key import SourceKey, source_key
from ldapconnector.schema import Schema
from ldapconnector.space import Link, LinkState, LinkStore, SourceLocking

if TYPE_CHECKING:
    from ldapconnector.profiles.export._request import ExportRequest

__all__ = [
    "PLANNER_REVISION",
    "HeldLink",
    "Inputs",
    "PlannedUpdate",
    "ReconciledDigests",
    "ReconciledLinks",
    "RunDigest",
    "predicted_entry",
    "run_digest",
    "settled_entry",
]

#: Bumped whenever the planner's answer for the same inputs may change, so digests
#: recorded by an older planner no longer match.
PLANNER_REVISION = 2

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


#: A link's fields a digest covers: anchor key, DN, state, attributes hash.
HeldLink = tuple[str, str, str, str | None]


@runtime_checkable
class ReconciledLinks(Protocol):
    """A store that reads every digest with its link in one query (``SqliteLinkStore``)."""

    def reconciled_links(self) -> dict[str, tuple[str, HeldLink | None]]:
        """Every recorded digest by source id, with the fields of its link (None: no link)."""
        ...


def _held(link: Link) -> HeldLink:
    return (link.anchor.key, link.dn, link.state.value, link.attributes_hash)


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
        mapped: the record as the mappings give it (what the digest covers, unless
            ``source`` is set).
        desired: the entry the update brings the directory in line with.
        operations: enable, rename, modify; empty when the entry is in line.
        enabled: the operations enable the user.
        digest: the digest of the update's inputs, when the run keeps digests.
        source: the source record's key, when the digest covers it instead of ``mapped``.
    """

    mapped: DesiredEntry
    desired: DesiredEntry
    operations: tuple[Operation, ...]
    enabled: bool = False
    digest: str | None = None
    source: str | None = None


#: What a digest covers of the record: its source key (text), or the mapped record.
Inputs = str | DesiredEntry


@attrs.define
class RunDigest:
    """The digests of one export run (stateful: the recorded digests and the new ones).

    Args:
        context: the digest of the run's configuration and schema (:func:`run_digest`).
        recorded: the digests the store held when the run started.
        password: the password attribute, lower-cased (its values are left out).
        source: how digests key on the source record, when the mappings are deterministic.
        links: the fields of each recorded digest's link as the run started, when the
            store read them with the digests (:class:`ReconciledLinks`).
    """

    context: str
    recorded: Mapping[str, str]
    password: str = "userpassword"  # noqa: S105 - an attribute name, not a secret
    source: SourceKey | None = None
    links: Mapping[str, HeldLink] | None = None
    _fresh: dict[str, str | None] = attrs.field(factory=dict, init=False)

    def source_key(self, source_id: str, record: Mapping[str, object]) -> str | None:
        """The record's source key, when the run's digests cover it (else None)."""
        return None if self.source is None else self.source.of(source_id, record)

    def of(self, inputs: Inputs, entry: Entry, link: Link | HeldLink) -> str:
        """The digest of one update's inputs: the source key or mapped record, entry, link."""
        if isinstance(inputs, str):
            form: tuple[object, ...] = ("source", inputs)
        else:
            form = ("mapped", _desired_form(inputs, self.password))
        held = _held(link) if isinstance(link, Link) else link
        return _digest(self.context, form, entry.dn, tuple(entry.attributes.items()), held)

    def held(self, source_id: str) -> tuple[str, HeldLink] | None:
        """The recorded digest and the fields of the active link it covers, when read in bulk.

        None when the store did not read links with its digests, there is no digest, or
        the link is not active (then only the full path can tell).
        """
        if self.links is None:
            return None
        link = self.links.get(source_id)
        if link is None or link[2] != _ACTIVE:
            return None
        return self.recorded[source_id], link

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
        inputs: Inputs = planned.source if planned.source is not None else planned.mapped
        self.record(source_id, reused or self.of(inputs, entry, link))

    def flush(self, store: LinkStore) -> None:
        """Write the new digests (in the runner's batch) when the store keeps them."""
        fresh, self._fresh = self._fresh, {}
        if fresh and isinstance(store, ReconciledDigests):
            store.put_reconciled_digests(fresh)


_ACTIVE = LinkState.ACTIVE.value


def _recorded(store: LinkStore) -> tuple[dict[str, str], dict[str, HeldLink] | None]:
    """The store's digests and, when it reads them in one query, their links' fields.

    A store several workers share (:class:`~ldapconnector.space.SourceLocking`) is read per
    record under the source's lock instead: another worker may change a link meanwhile.
    """
    if isinstance(store, ReconciledLinks) and not isinstance(store, SourceLocking):
        rows = store.reconciled_links()
        links = {source_id: link for source_id, (_, link) in rows.items() if link is not None}
        return {source_id: digest for source_id, (digest, _) in rows.items()}, links
    if isinstance(store, ReconciledDigests):
        return store.reconciled_digests(), None
    return {}, None


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
    password = request.options.password_attribute.lower()
    source = source_key(request.mappings, password)
    recorded, links = _recorded(store)
    fingerprint = source.fingerprint if source is not None else None
    return RunDigest(
        context=_digest(PLANNER_REVISION, kept, fingerprint), recorded=recorded,
        password=password, source=source, links=links,
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
