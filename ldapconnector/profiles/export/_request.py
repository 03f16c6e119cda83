"""The export request: everything one export run needs, compiled and checked once.

:func:`export_request` builds an :class:`ExportRequest` from an
:class:`~ldapconnector.profiles.export.ExportTarget` (the ``Connector``): it checks that
the profile is on, compiles the mappings and checks them against the schema, builds the
two deprovisioning flows (``vendor`` takes the detected server's method), switches the
initial password on where it applies, and takes the connection, link store and anchor
look-up as plain values and callables. :func:`~ldapconnector.profiles.run_export` works
from the request alone and never sees the connector.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs

from ldapconnector.anchors import Anchor, AnchorStrategy, anchor_of_entry
from ldapconnector.config import ConnectorConfig, DeprovisionAction, SetAttributeValue
from ldapconnector.connection import LdapConnection
from ldapconnector.detect import DisableMethod, ServerInfo
from ldapconnector.errors import ConfigurationError, InvalidRequestError
from ldapconnector.expressions import FunctionRegistry
from ldapconnector.mapping import MappingSet, check_mappings_against_schema
from ldapconnector.model import Entry
from ldapconnector.profiles.export._extensible import extensible_problem
from ldapconnector.profiles.export._flows import DeprovisionFlow, FlowKind
from ldapconnector.profiles.export._members import placeholder_mappings
from ldapconnector.profiles.export._plan import PlanOptions
from ldapconnector.profiles.export._send import supports_password
from ldapconnector.profiles.export._supported import export_refusal
from ldapconnector.profiles.export._target import ExportTarget
from ldapconnector.profiles.export._transitions import RecordFlag
from ldapconnector.schema import Schema, ValueType
from ldapconnector.space import LinkStore

__all__ = ["ExportRequest", "export_request"]

#: The flow of a record without a flag: none applies.
_NO_FLOW = DeprovisionFlow(kind=FlowKind.NONE)


@attrs.frozen(kw_only=True)
class ExportRequest:
    """One export run's inputs, compiled and checked (see :func:`export_request`).

    Attributes:
        mappings: the compiled mappings (checked against the schema).
        schema: the directory's schema.
        strategy: the anchor kind in use.
        server_info: what detection found (vendor, disable method, extensions).
        disable_flow: the flow for ``isSoftDeleted`` records.
        delete_flow: the flow for ``@deleted`` records and pruned links.
        options: the planners' options (password attribute, initial password).
        search_bases: where the configured objects live.
        read_attributes: what to read of an entry (``*``, the flows' and the anchor's
            operational attributes).
        max_deletes: ``[deprovisioning] max_deletes`` (the mass-deletion guard).
        page_size: ``[global] page_size`` (the snapshot's paged searches).
        tree_delete: ``[global] tree_delete``: delete an entry with its subtree where the
            server offers the Tree Delete control.
        store: the link store.
        connection: returns the bound connection, opening a new one after ``close``.
        close: drops the connection (the runner reconnects with ``close`` then
            ``connection``).
        resolve: the entry an anchor names now, reading the given attributes, or None.
        write_window: ``[global] write_window``: how many records' writes may be in
            flight at once (1: each write waits for its answer).
    """

    mappings: MappingSet
    schema: Schema
    strategy: AnchorStrategy
    server_info: ServerInfo
    disable_flow: DeprovisionFlow
    delete_flow: DeprovisionFlow
    options: PlanOptions
    search_bases: tuple[str, ...]
    read_attributes: tuple[str, ...]
    max_deletes: int
    page_size: int
    tree_delete: bool = False
    store: LinkStore
    connection: Callable[[], LdapConnection]
    close: Callable[[], None]
    resolve: Callable[[Anchor, Sequence[str]], Entry | None]
    write_window: int = 1

    def flow_for(self, flag: RecordFlag) -> DeprovisionFlow:
        """The flow a record's flag selects (a ``none`` flow for a record without one)."""
        if flag is RecordFlag.DELETED:
            return self.delete_flow
        if flag is RecordFlag.SOFT_DELETED:
            return self.disable_flow
        return _NO_FLOW

    def anchor_of(self, entry: Entry) -> Anchor:
        """The anchor of an entry read from the directory.

        Raises:
            InvalidRequestError: the entry does not carry the anchor attribute.
        """
        anchor = anchor_of_entry(entry, self.strategy)
        if anchor is None:
            raise InvalidRequestError(f"{entry.dn} has no usable {self.strategy.attribute}")
        return anchor


# The syntaxes a set-attribute flow can write ``TRUE``/``FALSE`` into: Boolean, and the
# string syntaxes servers use for their lock flags (389 DS's nsAccountLock is a Directory
# String). A time, number, DN or binary attribute needs the vendor method instead.
_SETTABLE = frozenset({ValueType.BOOLEAN, ValueType.STRING})


def _flow(
    config: DeprovisionAction | SetAttributeValue,
    method: DisableMethod | None,
    name: str,
    schema: Schema,
) -> DeprovisionFlow:
    try:
        flow = DeprovisionFlow.from_config(config, vendor_method=method)
    except ValueError as error:
        raise ConfigurationError([f"deprovisioning.{name}: {error}"]) from None
    if isinstance(config, SetAttributeValue):
        _check_settable(config.set_attribute, schema, name)
    return flow


def _check_settable(attribute: str, schema: Schema, name: str) -> None:
    """Refuse a set-attribute flow on an attribute that cannot hold TRUE/FALSE."""
    info = schema.attribute(attribute)
    if info is None:
        raise ConfigurationError(
            [f"deprovisioning.{name}: the server's schema has no attribute {attribute!r}"]
        )
    if info.value_type not in _SETTABLE:
        raise ConfigurationError(
            [f"deprovisioning.{name}: {attribute!r} holds {info.value_type.value} values, not "
             "TRUE/FALSE; a set-attribute flow writes a boolean (use disable = \"vendor\" "
             "for a lock such as ppolicy's pwdAccountLockedTime)"]
        )  # fmt: skip


def _compiled(config: ConnectorConfig, functions: FunctionRegistry) -> MappingSet:
    if not config.run_profiles.export:
        raise ConfigurationError(["run_profiles.export: the profile is switched off"])
    mappings = config.mappings + placeholder_mappings(config.object_type)  # groups only
    return MappingSet.compile(
        mappings, object_type=config.object_type, flow_nulls=config.global_.flow_nulls,
        functions=functions,
    )  # fmt: skip


def _check(mappings: MappingSet, schema: Schema) -> None:
    problems = check_mappings_against_schema(mappings, schema)
    extensible = extensible_problem(schema)
    if extensible is not None:
        raise ConfigurationError([extensible])
    if problems:
        raise ConfigurationError([f"mappings: {problem}" for problem in problems])


def _options(
    config: ConnectorConfig, mappings: MappingSet, info: ServerInfo, bases: tuple[str, ...]
) -> PlanOptions:
    password = config.global_.password_attribute
    containers = config.object_type.containers if config.object_type is not None else ()
    return PlanOptions(
        password_attribute=password,
        set_initial_password=mappings.mapping_for(password) is not None and supports_password(info),
        containers=containers, partitions=() if containers else bases,
    )  # fmt: skip


def export_request(target: ExportTarget) -> ExportRequest:
    """Compile and check everything an export run needs, before the first record.

    Args:
        target: the connector (see :class:`~ldapconnector.profiles.export.ExportTarget`).

    Raises:
        ConfigurationError: the export profile is off, a mapping does not fit the schema,
            a ``vendor`` flow has no detected method, the anchor is unusable, or the
            server is AD DS without ``[global] allow_ad_ds_export``.
    """
    config = target.config
    mappings = _compiled(config, target.functions)
    schema = target.schema
    _check(mappings, schema)
    info = target.server_info
    refusal = export_refusal(info, config.global_)
    if refusal is not None:
        raise ConfigurationError([refusal])
    disable = _flow(config.deprovisioning.disable, info.disable_method, "disable", schema)
    delete = _flow(config.deprovisioning.delete, info.disable_method, "delete", schema)
    options = _options(config, mappings, info, target.search_bases())
    strategy = target.anchor_strategy()
    wanted = {f.attribute for f in (disable, delete) if f.attribute}
    wanted.update(strategy.search_attributes)
    return ExportRequest(
        mappings=mappings, schema=schema, strategy=strategy, server_info=info,
        disable_flow=disable, delete_flow=delete, options=options,
        search_bases=target.search_bases(), read_attributes=("*", *sorted(wanted)),
        max_deletes=config.deprovisioning.max_deletes, page_size=config.global_.page_size,
        tree_delete=config.global_.tree_delete,
        store=target.store, connection=lambda: target.connection, close=target.close,
        resolve=target.resolve, write_window=config.global_.write_window,
    )  # fmt: skip
