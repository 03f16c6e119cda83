"""The Export run profile: bring the directory in line with a list of source records.

:func:`run_export` works from an :class:`~ldapconnector.profiles.export.ExportRequest`
(compiled and checked by :func:`~ldapconnector.profiles.export.export_request`): it
refuses every record of a source id that appears more than once, resolves the intents an
interrupted run left open (:func:`~ldapconnector.profiles.export._intents.heal_intents`:
links the entries their adds made, so nothing is added twice), counts
what the run would delete (the mass-deletion guard, from the same transition table the
engine follows), reads the snapshot for a large run, chooses once where writes go (an
export sends and links; a plan records and links nothing), exports every record with a
:class:`~ldapconnector.profiles.export._record.RecordExporter`, then sends linked users
missing from the input through the delete flow when asked to prune. One record's failure
never stops the others; a lost connection is reopened with backoff and the record is
exported again from the start (re-read, re-planned), so nothing is sent twice blindly.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping

import attrs

from ldapconnector.connection import LdapConnection, Reconnector
from ldapconnector.errors import (
    InvalidRequestError,
    LdapConnectorError,
    NoSuchObjectError,
    TransportError,
)
from ldapconnector.mapping import source_id_of
from ldapconnector.model import shown_value
from ldapconnector.profiles.export._correlate import Snapshot, UniquenessCheck, unique_value_targets
from ldapconnector.profiles.export._flows import FlowKind, check_mass_deletion
from ldapconnector.profiles.export._intents import heal_intents
from ldapconnector.profiles.export._links import LinkWriter, NoLinks, StoreLinks
from ldapconnector.profiles.export._memo import run_digest
from ldapconnector.profiles.export._record import RecordExporter
from ldapconnector.profiles.export._report import ExportOutcome, ExportReport, ObjectResult, failed
from ldapconnector.profiles.export._request import ExportRequest
from ldapconnector.profiles.export._sinks import Outcome, Recorder, Sender, Sink
from ldapconnector.profiles.export._transitions import (
    COUNTABLE_FLAGS,
    RecordFlag,
    guard_counts,
    link_status,
    record_flag,
)
from ldapconnector.profiles.export._window import PipelinedSender
from ldapconnector.space import Link, LinkState, source_lock

__all__ = ["run_export"]

log = logging.getLogger("ldapconnector.export")

Record = Mapping[str, object]
#: A record with its source id (None: it has none), worked out once per run.
Keyed = tuple[str | None, Record]
Progress = Callable[[ObjectResult], None]

# Links are committed in transactions of this many records (a crash loses at most these
# links; the directory is never behind a link, and the next run joins by correlation).
_BATCH = 200
_ATTEMPTS = 3
#: From this many records on, a run reads the search bases once instead of one search per
#: record (see :class:`~ldapconnector.profiles.export._correlate.Snapshot`).
SNAPSHOT_THRESHOLD = 100


def _exporter(
    request: ExportRequest, *, plan_only: bool, snapshot: Snapshot | None
) -> RecordExporter:
    """The engine for one run; plan or export is decided here, by the sink and links."""
    targets = unique_value_targets(request.mappings)
    unique = None
    if targets:
        unique = UniquenessCheck(request.connection, request.search_bases, targets)
    sink: Sink
    links: LinkWriter
    if plan_only:
        sink, links = Recorder(), NoLinks()
    elif request.write_window > 1:
        links = StoreLinks(store=request.store)
        sink = PipelinedSender(
            request=request, links=links, snapshot=snapshot, window=request.write_window
        )
    else:
        links = StoreLinks(store=request.store)
        sink = Sender(request=request, links=links, snapshot=snapshot)
    return RecordExporter(
        request=request, sink=sink, links=links, unique=unique, snapshot=snapshot,
        digests=run_digest(request, request.store),
    )  # fmt: skip


def _snapshot(request: ExportRequest) -> Snapshot:
    """Read every entry under the search bases once (one paged search per base)."""
    matching = tuple(m.target for m in request.mappings.mappings if m.matching_precedence)
    snapshot = Snapshot(request.schema, matching)
    for base in request.search_bases:
        try:
            for entry in request.connection().search(
                base, attributes=request.read_attributes, page_size=request.page_size
            ):
                try:
                    anchor = request.anchor_of(entry)
                except InvalidRequestError:
                    continue  # no anchor: cannot be linked, and not correlated
                snapshot.add(anchor.key, entry, anchor)
        except NoSuchObjectError:
            continue
    return snapshot


def _duplicated(ids: list[str | None]) -> dict[str, str]:
    """Source ids that appear more than once, each with the reason all its records fail.

    Two records cannot both own one link: exporting them would create one entry and then
    rename it into the other person. Refusing every one of them is the only safe answer.
    """
    counts = Counter(ids)
    return {
        source_id: (
            f"source id {source_id!r} appears {count} times in this run's input; none of "
            "its records was exported"
        )
        for source_id, count in counts.items()
        if source_id is not None and count > 1
    }


def _unusable_ids(ids: list[str | None]) -> dict[str, str]:
    """Source ids the link store cannot hold (a lone surrogate, a NUL), with the reason.

    Such an id would fail inside the store's first look-up and stop the whole run; it is
    refused for its own records instead.
    """
    refused: dict[str, str] = {}
    for source_id in ids:
        if source_id is None or source_id in refused:
            continue
        try:
            source_id.encode("utf-8")
        except UnicodeEncodeError:
            problem = "is not valid text (it holds a lone surrogate)"
        else:
            if "\x00" not in source_id:
                continue
            problem = "holds a NUL character"
        refused[source_id] = (
            f"the record's id {shown_value(source_id)} {problem}; nothing was written"
        )
    return refused


def _open_intents(request: ExportRequest, *, plan_only: bool) -> dict[str, str]:
    """Heal the open intents (an export); the source ids still open, with the reason.

    A plan writes nothing, so it heals nothing: a record with an open intent fails there,
    as the export would have to check the directory first.
    """
    if not plan_only:
        return heal_intents(request)
    return {
        intent.source_id: (
            f"an add of this user at {intent.dn} was interrupted; the next export checks "
            "the directory for it first, so the plan cannot tell what it will do"
        )
        for intent in request.store.list_intents()
    }


def _guard_count(request: ExportRequest, keyed: list[Keyed], pruned: list[Link]) -> int:
    """How many entries the run would delete, or disable because of pruning.

    Counted with the engine's own table (:func:`guard_counts`), before anything is read.
    """
    kind = request.delete_flow.kind
    count = sum(
        guard_counts(RecordFlag.DELETED, link_status(link), kind, pruned=True) for link in pruned
    )
    for source_id, record in keyed:
        flag = record_flag(record)
        if flag not in COUNTABLE_FLAGS:
            continue  # no step of an unflagged record deletes: its link is not read
        link = request.store.get_by_source(source_id) if source_id is not None else None
        count += guard_counts(flag, link_status(link), request.flow_for(flag).kind)
    return count


def _prune_candidates(request: ExportRequest, ids: list[str | None]) -> list[Link]:
    """Linked users missing from the input (none when the delete flow is ``none``)."""
    if request.delete_flow.kind is FlowKind.NONE:
        return []
    present = set(ids)
    return [
        link
        for link in request.store.iter_links()
        if link.state is not LinkState.DELETED and link.source_id not in present
    ]


def _refused(records: list[Record], pruned: list[Link], message: str, plan: bool) -> ExportReport:
    results = [
        ObjectResult(id=source_id_of(r), outcome=ExportOutcome.SKIPPED, error=message)
        for r in records
    ]
    results += [
        ObjectResult(
            id=link.source_id,
            outcome=ExportOutcome.SKIPPED,
            dn=link.dn,
            anchor=link.anchor,
            error=message,
        )
        for link in pruned
    ]
    return ExportReport(results=results, planned=plan, error=message)


def _attempt(
    export: Callable[[bool], Outcome],
    source_id: str | None,
    reconnect: Reconnector[LdapConnection],
    *,
    retried: bool = False,
) -> Outcome:
    """Export one record; on a lost connection reconnect and start the record again."""
    for attempt in range(_ATTEMPTS):
        if reconnect.lost is not None:
            break
        try:
            return export(retried or attempt > 0)
        except TransportError as error:
            log.warning("connection lost while exporting %s: %s", source_id, error)
            if not reconnect(error):
                break
        except LdapConnectorError as error:
            return ObjectResult(id=source_id, outcome=ExportOutcome.FAILED, error=str(error))
    reason = reconnect.lost or "the connection kept failing; gave up on this record"
    return ObjectResult(id=source_id, outcome=ExportOutcome.FAILED, error=reason)


def _waited(wait: Callable[[], None], reconnect: Reconnector[LdapConnection]) -> None:
    """Wait for answers; a lost connection is reopened (its records are marked lost)."""
    try:
        wait()
    except TransportError as error:
        log.warning("connection lost with writes in flight: %s", error)
        reconnect(error)


Job = Callable[[bool], Outcome]


def _final(
    outcome: Outcome,
    job: Job,
    source_id: str | None,
    reconnect: Reconnector[LdapConnection],
    sink: Sink,
) -> ObjectResult:
    """The record's result once its operations are answered; a lost record starts again."""
    for _ in range(_ATTEMPTS):
        if isinstance(outcome, ObjectResult):
            return outcome
        final = outcome.final()
        if isinstance(final, ObjectResult):
            return final if final.id == source_id else attrs.evolve(final, id=source_id)
        # Lost with the connection (or, defensively, never answered): export it again,
        # live, as the sequential path does after a reconnect.
        if reconnect.lost is not None:
            break
        outcome = _attempt(job, source_id, reconnect, retried=True)
        _waited(sink.settle, reconnect)
    reason = reconnect.lost or "the connection kept failing; gave up on this record"
    return ObjectResult(id=source_id, outcome=ExportOutcome.FAILED, error=reason)


def _run_window(
    exporter: RecordExporter,
    jobs: list[tuple[str | None, Job]],
    reconnect: Reconnector[LdapConnection],
) -> list[ObjectResult]:
    """Export a window of records: plan and send each, then collect the answers."""
    sink = exporter.sink
    outcomes = []
    for source_id, job in jobs:
        outcomes.append(_attempt(job, source_id, reconnect))
        _waited(sink.throttle, reconnect)
    _waited(sink.settle, reconnect)
    return [
        _final(outcome, job, source_id, reconnect, sink)
        for (source_id, job), outcome in zip(jobs, outcomes, strict=True)
    ]


def _run_all(
    exporter: RecordExporter,
    keyed: list[Keyed],
    pruned: list[Link],
    refused: Mapping[str, str],
    reconnect: Reconnector[LdapConnection],
    progress: Progress | None,
) -> list[ObjectResult]:
    jobs = [(i, _record_job(exporter, i, record, refused)) for i, record in keyed]
    jobs += [(link.source_id, _prune_job(exporter, link)) for link in pruned]
    results: list[ObjectResult] = []
    for start in range(0, len(jobs), _BATCH):
        with exporter.request.store.batch():
            for result in _run_window(exporter, jobs[start : start + _BATCH], reconnect):
                results.append(result)
                if progress is not None:
                    progress(result)
            if exporter.digests is not None and not isinstance(exporter.links, NoLinks):
                exporter.digests.flush(exporter.request.store)  # a plan writes none
    return results


def _record_job(
    exporter: RecordExporter, source_id: str | None, record: Record, refused: Mapping[str, str]
) -> Job:
    reason = refused.get(source_id) if source_id is not None else None

    def job(retried: bool) -> Outcome:
        if reason is not None:
            return failed(source_id, reason)
        if source_id is None:  # refused by the exporter, which says why
            return exporter.export(record, retried=retried)
        # A store several workers share: no other worker exports this user meanwhile.
        with source_lock(exporter.request.store, source_id):
            return exporter.export(record, retried=retried)

    return job


def _prune_job(exporter: RecordExporter, link: Link) -> Job:
    def job(retried: bool) -> Outcome:
        with source_lock(exporter.request.store, link.source_id):
            return exporter.prune(link, retried=retried)

    return job


def run_export(
    request: ExportRequest,
    records: Iterable[Record],
    *,
    plan_only: bool = False,
    prune: bool = False,
    force: bool = False,
    progress: Progress | None = None,
    reconnect_timeout: float = 30.0,
    snapshot: bool | None = None,
) -> ExportReport:
    """Export source records to the directory (or plan it: ``plan_only`` writes nothing).

    Args:
        request: the run's inputs, from :func:`~ldapconnector.profiles.export_request`
            (``run_export(export_request(connector), records)``).
        records: source records (DESIGN.md "Source records"); read once, into memory.
        plan_only: compute the same report without sending or linking anything.
        prune: linked users missing from ``records`` go through the delete flow.
        force: run even when the mass-deletion guard would refuse.
        progress: called with each result as it is made.
        reconnect_timeout: seconds to keep trying to reconnect after a lost connection.
        snapshot: read every entry under the search bases once at the start instead of
            searching per record; by default from ``SNAPSHOT_THRESHOLD`` records on.

    Returns:
        One result per record (and per pruned link), in order.
    """
    records = list(records)
    keyed = [(source_id_of(record), record) for record in records]
    ids = [source_id for source_id, _ in keyed]
    refused = _unusable_ids(ids)
    taken_ids = [source_id for source_id in ids if source_id not in refused]
    refused |= {**_open_intents(request, plan_only=plan_only), **_duplicated(taken_ids)}
    pruned = _prune_candidates(request, ids) if prune else []
    taken = [(source_id, r) for source_id, r in keyed if source_id not in refused]
    count = _guard_count(request, taken, pruned)
    guard = check_mass_deletion(count, request.max_deletes, force=force)
    if guard is not None:
        return _refused(records, pruned, guard, plan_only)
    read = snapshot if snapshot is not None else len(records) >= SNAPSHOT_THRESHOLD
    with _snapshot_held(read) as held:
        exporter = _exporter(request, plan_only=plan_only, snapshot=held(request))
        reconnect = Reconnector(
            close=request.close, open=request.connection, timeout=reconnect_timeout
        )
        results = _run_all(exporter, keyed, pruned, refused, reconnect, progress)
    return ExportReport(results=results, planned=plan_only, error=reconnect.lost)


@contextlib.contextmanager
def _snapshot_held(read: bool) -> Iterator[Callable[[ExportRequest], Snapshot | None]]:
    """Read the snapshot (when ``read``) with the cyclic collector paused, then keep it frozen.

    The snapshot is thousands of long-lived containers without cycles: a collector scanning
    them as they are read, and again at every full collection while the records are
    exported, made a run's CPU grow faster than its size. ``gc.freeze`` sets them (and
    whatever the process held before) aside until the run ends.
    """
    frozen = False

    def held(request: ExportRequest) -> Snapshot | None:
        nonlocal frozen
        if not read:
            return None
        enabled = gc.isenabled()
        gc.disable()
        try:
            found = _snapshot(request)
        finally:
            if enabled:
                gc.enable()
        gc.freeze()
        frozen = True
        return found

    try:
        yield held
    finally:
        if frozen:
            gc.unfreeze()
