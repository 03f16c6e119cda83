"""The Export run profile: bring the directory in line with a list of source records.

:func:`run_export` checks the configuration against the schema, counts what the run
would delete (the mass-deletion guard), exports every record with a
:class:`~ldapconnector.profiles.export._record.RecordExporter`, then sends linked users
missing from the input through the delete flow when asked to prune. One record's failure
never stops the others; a lost connection is reopened with backoff and the record is
exported again from the start (re-read, re-planned), so nothing is sent twice blindly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping

from ldapconnector.config import DeprovisionAction, SetAttributeValue
from ldapconnector.detect import DisableMethod
from ldapconnector.errors import (
    ConfigurationError,
    InvalidRequestError,
    LdapConnectorError,
    NoSuchObjectError,
    TransportError,
)
from ldapconnector.mapping import (
    DELETED_KEY,
    SOFT_DELETED_KEY,
    MappingSet,
    check_mappings_against_schema,
    is_flag_set,
    source_id_of,
)
from ldapconnector.profiles.export._correlate import Snapshot, UniquenessCheck, unique_value_targets
from ldapconnector.profiles.export._flows import DeprovisionFlow, FlowKind, check_mass_deletion
from ldapconnector.profiles.export._plan import PlanOptions
from ldapconnector.profiles.export._record import RecordExporter
from ldapconnector.profiles.export._report import ExportOutcome, ExportReport, ObjectResult
from ldapconnector.profiles.export._send import Reconnector, supports_password
from ldapconnector.profiles.export._target import ExportTarget
from ldapconnector.space import Link, LinkState, LinkStore

__all__ = ["run_export"]

log = logging.getLogger("ldapconnector.export")

Record = Mapping[str, object]
Progress = Callable[[ObjectResult], None]

# Links are committed in transactions of this many records (a crash loses at most these
# links; the directory is never behind a link, and the next run joins by correlation).
_BATCH = 200
_ATTEMPTS = 3
#: From this many records on, a run reads the search bases once instead of one search per
#: record (see :class:`~ldapconnector.profiles.export._correlate.Snapshot`).
SNAPSHOT_THRESHOLD = 100


def _flow(
    config: DeprovisionAction | SetAttributeValue, method: DisableMethod | None, name: str
) -> DeprovisionFlow:
    try:
        return DeprovisionFlow.from_config(config, vendor_method=method)
    except ValueError as error:
        raise ConfigurationError([f"deprovisioning.{name}: {error}"]) from None


def _exporter(target: ExportTarget, *, plan_only: bool) -> RecordExporter:
    """Compile and check everything a run needs before the first record."""
    config = target.config
    if not config.run_profiles.export:
        raise ConfigurationError(["run_profiles.export: the profile is switched off"])
    mappings = MappingSet.compile(
        config.mappings, object_type=config.object_type, flow_nulls=config.global_.flow_nulls
    )
    schema = target.schema
    problems = check_mappings_against_schema(mappings, schema)
    if problems:
        raise ConfigurationError([f"mappings: {problem}" for problem in problems])
    info = target.server_info
    method = info.disable_method
    disable = _flow(config.deprovisioning.disable, method, "disable")
    delete = _flow(config.deprovisioning.delete, method, "delete")
    password = config.global_.password_attribute
    options = PlanOptions(
        password_attribute=password,
        set_initial_password=mappings.mapping_for(password) is not None and supports_password(info),
    )
    strategy = target.anchor_strategy()
    wanted = {f.attribute for f in (disable, delete) if f.attribute}
    wanted.update(strategy.search_attributes)
    targets = unique_value_targets(mappings)
    unique = None
    if targets:
        unique = UniquenessCheck(lambda: target.connection, target.search_bases(), targets)
    return RecordExporter(
        target=target, mappings=mappings, schema=schema, strategy=strategy,
        options=options, disable_flow=disable, delete_flow=delete, plan_only=plan_only,
        read_attributes=("*", *sorted(wanted)), unique=unique,
    )  # fmt: skip


def _snapshot(exporter: RecordExporter) -> Snapshot:
    """Read every entry under the search bases once (one paged search per base)."""
    target = exporter.target
    matching = tuple(m.target for m in exporter.mappings.mappings if m.matching_precedence)
    snapshot = Snapshot(exporter.schema, matching)
    page = target.config.global_.page_size
    for base in target.search_bases():
        try:
            for entry in target.connection.search(
                base, attributes=exporter.read_attributes, page_size=page
            ):
                try:
                    snapshot.add(exporter.anchor_of(entry).key, entry)
                except InvalidRequestError:
                    continue  # no anchor: cannot be linked, and not correlated
        except NoSuchObjectError:
            continue
    return snapshot


def _guard_count(exporter: RecordExporter, records: list[Record], pruned: list[Link]) -> int:
    """How many entries the run would delete, or disable because of pruning."""
    store = exporter.target.store
    count = len(pruned) if exporter.delete_flow.kind is not FlowKind.NONE else 0
    for record in records:
        if is_flag_set(record, DELETED_KEY):
            flow = exporter.delete_flow
        elif is_flag_set(record, SOFT_DELETED_KEY):
            flow = exporter.disable_flow
        else:
            continue
        source_id = source_id_of(record)
        link = store.get_by_source(source_id) if source_id is not None else None
        if (
            flow.kind is FlowKind.DELETE
            and link is not None
            and link.state is not LinkState.DELETED
        ):
            count += 1
    return count


def _prune_candidates(store: LinkStore, records: list[Record]) -> list[Link]:
    present = {source_id_of(record) for record in records}
    return [
        link
        for link in store.iter_links()
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
    export: Callable[[bool], ObjectResult], source_id: str | None, reconnect: Reconnector
) -> ObjectResult:
    """Export one record; on a lost connection reconnect and start the record again."""
    for attempt in range(_ATTEMPTS):
        if reconnect.lost is not None:
            break
        try:
            return export(attempt > 0)
        except TransportError as error:
            log.warning("connection lost while exporting %s: %s", source_id, error)
            if not reconnect(error):
                break
        except LdapConnectorError as error:
            return ObjectResult(id=source_id, outcome=ExportOutcome.FAILED, error=str(error))
    reason = reconnect.lost or "the connection kept failing; gave up on this record"
    return ObjectResult(id=source_id, outcome=ExportOutcome.FAILED, error=reason)


def _run_all(
    exporter: RecordExporter,
    records: list[Record],
    pruned: list[Link],
    reconnect: Reconnector,
    progress: Progress | None,
) -> list[ObjectResult]:
    store = exporter.target.store
    jobs = [(source_id_of(record), _record_job(exporter, record)) for record in records]
    jobs += [(link.source_id, _prune_job(exporter, link)) for link in pruned]
    results: list[ObjectResult] = []
    for start in range(0, len(jobs), _BATCH):
        with store.batch():
            for source_id, job in jobs[start : start + _BATCH]:
                result = _attempt(job, source_id, reconnect)
                results.append(result)
                if progress is not None:
                    progress(result)
    return results


def _record_job(exporter: RecordExporter, record: Record) -> Callable[[bool], ObjectResult]:
    def job(retried: bool) -> ObjectResult:
        return exporter.export(record, retried=retried)

    return job


def _prune_job(exporter: RecordExporter, link: Link) -> Callable[[bool], ObjectResult]:
    def job(retried: bool) -> ObjectResult:
        entry = exporter.resolve(link.anchor, live=retried)
        return exporter.deprovision(link.source_id, link, entry, deleting=True)

    return job


def run_export(
    target: ExportTarget,
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
        target: the connector (see :class:`ExportTarget`).
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

    Raises:
        ConfigurationError: the export profile is off, a mapping does not fit the schema,
            or a ``vendor`` flow has no detected method.
    """
    records = list(records)
    exporter = _exporter(target, plan_only=plan_only)
    pruned = _prune_candidates(target.store, records) if prune else []
    if exporter.delete_flow.kind is FlowKind.NONE:
        pruned = []
    guard = check_mass_deletion(
        _guard_count(exporter, records, pruned), target.config.deprovisioning.max_deletes,
        force=force,
    )  # fmt: skip
    if guard is not None:
        return _refused(records, pruned, guard, plan_only)
    if snapshot if snapshot is not None else len(records) >= SNAPSHOT_THRESHOLD:
        exporter.snapshot = _snapshot(exporter)
    reconnect = Reconnector(
        close=target.close, open=lambda: target.connection, timeout=reconnect_timeout
    )
    results = _run_all(exporter, records, pruned, reconnect, progress)
    return ExportReport(results=results, planned=plan_only, error=reconnect.lost)
