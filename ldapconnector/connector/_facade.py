"""``Connector``: the facade that wires the layers for one configured directory.

It opens the connection from ``[connectivity]``, detects the server once, reads and parses
its schema once (on first use), chooses the anchor (configuration first, detection's
recommendation second), and runs the run profiles against the link store.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import TracebackType

import attrs

from ldapconnector.anchors import (
    Anchor,
    AnchorRegistry,
    AnchorStrategy,
    choose_anchor,
    installed_anchors,
    supports_guid_base_dn,
)
from ldapconnector.config import ConnectorConfig, Paging
from ldapconnector.connection import (
    ConnectionTestReport,
    LdapConnection,
    Reconnector,
    ReferralPolicy,
    open_connection,
    test_connection,
)
from ldapconnector.connector._checks import (
    missing_classes,
    schema_options,
    unknown_query_attribute,
)
from ldapconnector.connector._detect import detect_with_subschema
from ldapconnector.connector._groups import member_resolver, reading_members
from ldapconnector.detect import (
    DeltaSource,
    ServerInfo,
    VendorRules,
    as_delta_source,
    installed_vendor_rules,
    schema_attributes_to_request,
)
from ldapconnector.errors import ConfigurationError, LdapConnectorError
from ldapconnector.expressions import FunctionRegistry, installed_functions
from ldapconnector.model import Entry
from ldapconnector.profiles import (
    ExportReport,
    ImportPlan,
    ImportProgress,
    ImportResult,
    MembershipReport,
    MembershipRequest,
    ObjectResult,
    choose_paging,
    export_request,
    member_settings,
    plan_full_import,
    resolve_anchor,
    run_export,
    run_full_import,
    run_memberships,
    with_group_members,
)
from ldapconnector.profiles.delta import (
    DEFAULT_DELTA_BATCH_SIZE,
    DELTA_WATERMARK_KEY,
    DeltaImportRequest,
    DeltaImportResult,
    ReaderRegistry,
    choose_delta_source,
    configured_delta_source,
    dirsync_permitted,
    installed_readers,
    start_delta_import,
)
from ldapconnector.schema import Schema
from ldapconnector.space import LinkStore, SqliteLinkStore

__all__ = ["Connector", "schema_options"]

log = logging.getLogger("ldapconnector")


@attrs.define
class Connector:
    """One configured directory: connection, detection, schema, anchor and run profiles.

    Use it as a context manager::

        with Connector(config) as connector:
            result = connector.full_import()
            for obj in result:
                ...

    Args:
        config: the connector configuration.
        store: the link store (connector space, links, watermarks); an in-memory store
            when omitted, which forgets everything when the connector closes.
        vendor_rules: the vendor rules detection evaluates (default: the built-in table
            and the rules of installed packages' ``ldapconnector.vendor_rules`` entry
            points; ``default_rules().with_rule(...)`` adds an in-house product
            explicitly; None: the built-in table only).
        functions: the expression functions the mappings may call (default: the
            built-ins and those of installed packages' ``ldapconnector.functions`` entry
            points; ``default_functions().with_function(...)`` builds one explicitly).
        readers: the delta-import change readers (default: the shipped ones and those of
            ``ldapconnector.readers`` entry points; ``default_readers().with_reader(...)``
            adds a reader for another source explicitly).
        delta_source: read this source in delta imports instead of detection's choice
            (it needs a reader in ``readers``); default: ``[global] delta_source``, a
            reader's source name, else detection's choice.
        member_store: for a group type (``[object_type] membership``), the link store of
            the object type the members belong to: :meth:`export_members` resolves member
            source ids through it, and the imports report members by source id through
            it (docs/groups.md).
        anchors: the anchor strategies ``[object_type] anchor`` is looked up in (default:
            the built-ins and those of ``ldapconnector.anchors`` entry points;
            ``default_anchors().with_strategy(...)`` adds one explicitly). A store you
            pass reads its links with the registry it was opened with: give it the same
            one (``SqliteLinkStore.open(path, anchors=anchors)``).
    """

    config: ConnectorConfig
    # Before ``store``, whose default is made with it (kw_only: not a positional argument).
    anchors: AnchorRegistry = attrs.field(factory=installed_anchors, kw_only=True)
    store: LinkStore = attrs.field(
        default=attrs.Factory(
            lambda self: SqliteLinkStore.in_memory(anchors=self.anchors), takes_self=True
        )
    )
    vendor_rules: VendorRules | None = attrs.field(factory=installed_vendor_rules, kw_only=True)
    functions: FunctionRegistry = attrs.field(factory=installed_functions, kw_only=True)
    readers: ReaderRegistry = attrs.field(factory=installed_readers, kw_only=True)
    delta_source: DeltaSource | None = attrs.field(
        default=None, kw_only=True, converter=attrs.converters.optional(as_delta_source)
    )
    member_store: LinkStore | None = attrs.field(default=None, kw_only=True)
    _connection: LdapConnection | None = attrs.field(default=None, init=False)
    _server_info: ServerInfo | None = attrs.field(default=None, init=False)
    _schema: Schema | None = attrs.field(default=None, init=False)
    _subschema: dict[str, list[str]] | None = attrs.field(default=None, init=False, repr=False)

    def __enter__(self) -> Connector:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def open(self) -> None:
        """Connect and bind (done by ``with``); a second call does nothing."""
        _ = self.connection

    def close(self) -> None:
        """Close the connection (the store stays open: it belongs to the caller)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    @property
    def connection(self) -> LdapConnection:
        """The bound connection (opened on first use)."""
        if self._connection is None or not self._connection.bound:
            referrals = ReferralPolicy(
                follow=self.config.global_.follow_referrals,
                allowed_hosts=self.config.global_.allowed_referral_hosts,
            )
            self._connection = open_connection(self.config.connectivity, referrals=referrals)
        return self._connection

    def test_connection(self) -> ConnectionTestReport:
        """Walk the connection stages (DNS, TCP, TLS, certificate, bind, read)."""
        return test_connection(self.config.connectivity)

    @property
    def server_info(self) -> ServerInfo:
        """What detection found (read once, two round trips)."""
        if self._server_info is None:
            # Detection reads the subschema for its probes: keep it for `schema`.
            self._server_info, self._subschema = detect_with_subschema(
                self.connection, rules=self.vendor_rules
            )
        return self._server_info

    @property
    def schema(self) -> Schema:
        """The server's schema with the configured options (read once)."""
        if self._schema is None:
            info = self.server_info
            texts = self._subschema
            if texts is None:
                entry = self.connection.read_subschema(
                    info.subschema_dn, schema_attributes_to_request()
                )
                texts = {name: list(entry.texts(name)) for name in entry.attributes}
            options = schema_options(self.config, info.vendor)
            self._schema = Schema.from_subschema(texts, options=options)
        return self._schema

    def check_object_type(self) -> None:
        """Check the ``[object_type]`` classes and query attribute exist in the schema.

        Every run profile calls it before its first search or write.

        Raises:
            ConfigurationError: the server's schema lacks a configured class (with the
                closest class name it has, when one is close) or the query attribute.
        """
        if self.config.object_types:  # several types: each runs on its own view
            names = ", ".join(repr(n) for n in self.config.object_type_names)
            raise ConfigurationError(
                [f"object_types: the configuration has several object types ({names}); run "
                 "each on config.for_object_type(name) with its own link store"]
            )  # fmt: skip
        problems = missing_classes(self.config, self.schema)
        problems += unknown_query_attribute(self.config, self.schema)
        if problems:
            raise ConfigurationError(problems)

    def anchor_strategy(self) -> AnchorStrategy:
        """The anchor: ``[object_type] anchor`` if set, else detection's recommendation.

        Raises:
            ConfigurationError: the attribute is unknown, multi-valued or has no codec.
        """
        configured = self.config.object_type.anchor if self.config.object_type else None
        return choose_anchor(
            configured, self.server_info.anchor, self.schema.attribute, anchors=self.anchors
        )

    def search_bases(self) -> tuple[str, ...]:
        """Where the configured objects live: containers, else partitions, else detected."""
        object_type = self.config.object_type
        containers = object_type.containers if object_type is not None else ()
        return containers or self.config.global_.partitions or self.server_info.default_partitions

    def resolve(self, anchor: Anchor, attributes: Sequence[str] = ("*",)) -> Entry | None:
        """The entry an anchor names now (wherever it was renamed or moved to), or None.

        One round trip: a base search of ``<GUID=...>`` on AD-family servers, of the DN for
        ``dn`` anchors, otherwise an escaped equality filter under the search base (one
        search per configured base when there are several); with ``[object_type]
        query_attribute`` the filter is on that attribute (the SCIM bridge looks users up
        through here too); see :func:`~ldapconnector.profiles.resolve_anchor`.

        Raises:
            LdapConnectorError: two entries carry the anchor (the directory is inconsistent).
        """
        guid_base = supports_guid_base_dn(self.server_info.vendor)
        object_type = self.config.object_type
        return resolve_anchor(
            self.connection, anchor, self.search_bases(), guid_base_dn=guid_base,
            attributes=attributes,
            query_attribute=object_type.query_attribute if object_type else None,
        )  # fmt: skip

    def import_plan(self) -> ImportPlan:
        """The searches a full import would send."""
        offered = frozenset(c.oid for c in self.server_info.supported_controls)
        paging = choose_paging(self.config.global_.paging, offered)
        if paging is Paging.NONE:
            log.warning(
                "the server offers neither paged results nor VLV: each base is read with one "
                "search, which the server's size limit may cut short"
            )
        bases = self.search_bases()
        return plan_full_import(
            self.config, self.anchor_strategy(), bases, paging=paging, schema=self.schema
        )

    def full_import(
        self,
        progress: Callable[[ImportProgress], None] | None = None,
        *,
        reconnect_timeout: float = 30.0,
    ) -> ImportResult:
        """Stream every object of the configured type; fill the connector space.

        A connection lost mid-run is reopened (exponential backoff for up to
        ``reconnect_timeout`` seconds) and the interrupted base read again, skipping the
        objects already handed out: each object is yielded once.

        For a group type given the members' link store (``member_store``), each object
        carries its ``members`` with their source ids (docs/groups.md).

        Raises:
            ConfigurationError: the full import profile is switched off, the schema lacks
                a configured class, or the bind account's size limit cut the import short
                (while iterating).
            TransportError: (while iterating) the connection was lost and could not be
                reopened within ``reconnect_timeout`` seconds.
        """
        if not self.config.run_profiles.full_import:
            raise ConfigurationError(["run_profiles.full_import: the profile is switched off"])
        self.check_object_type()
        plan = self.import_plan()
        if not plan.bases:
            raise LdapConnectorError("no partition to import: configure global.partitions")
        reconnect = Reconnector(
            close=self.close, open=lambda: self.connection, timeout=reconnect_timeout
        )
        resolver = member_resolver(self.config, self.member_store)
        plan = reading_members(plan, resolver)
        result = run_full_import(self.connection, plan, self.store, progress, reconnect=reconnect)
        return result if resolver is None else with_group_members(result, resolver)

    def delta_import(
        self,
        *,
        reset: bool = False,
        ignore_own_writes: bool = False,
        batch_size: int = DEFAULT_DELTA_BATCH_SIZE,
        profile_key: str = DELTA_WATERMARK_KEY,
    ) -> DeltaImportResult:
        """Read the changes since the stored watermark, at least once (docs/delta-import.md).

        For a group type given ``member_store``, records carry ``membership``.

        Args:
            reset: forget the stored watermark and establish a new one (after a full import).
            ignore_own_writes: do not report changes made by ``connectivity.user``.
            batch_size: log entries per acknowledged batch.
            profile_key: the watermark's (and the lease's) key in the store: a reader of
                its own on a shared space (a SCIM bridge's cache) keeps its own position.

        Raises:
            ConfigurationError: the profile is off, the schema lacks a configured class,
                or the server has no supported source.
            FullImportRequiredError: the watermark is older than the change log.
        """
        if not self.config.run_profiles.delta_import:
            raise ConfigurationError(["run_profiles.delta_import: the profile is switched off"])
        self.check_object_type()
        source = self._delta_source(reset=reset, profile_key=profile_key)
        user = self.config.connectivity.user
        object_type = self.config.object_type
        request = DeltaImportRequest(
            source=source,
            store=self.store,
            bases=self.search_bases(),
            anchor_strategy=self.anchor_strategy(),
            profile_key=profile_key,
            change_log_dn=self.config.global_.change_log_dn or self.server_info.change_log_dn,
            object_class=object_type.target if object_type is not None else None,
            ignore_actors=(user,) if ignore_own_writes and user else (),
            batch_size=batch_size,
            reset=reset,
            readers=self.readers,
            members=member_resolver(self.config, self.member_store),
        )
        return start_delta_import(self.connection, request)

    def _delta_source(self, *, reset: bool, profile_key: str) -> DeltaSource:
        """The change source to read: the facade gathers the inputs, the rules are elsewhere.

        :func:`~ldapconnector.profiles.delta.choose_delta_source` decides from detection,
        the stored watermark, the account, and a DirSync rights probe that runs only when
        the choice depends on it. A source given to the Connector wins over
        ``[global] delta_source``, which wins over detection and the vendor rule.
        """
        configured = self.delta_source
        name = self.config.global_.delta_source
        if configured is None and name is not None:
            configured = configured_delta_source(name, self.readers)
        choice = choose_delta_source(
            self.server_info,
            stored=None if reset else self.store.get_watermark(profile_key),
            dirsync_permitted=lambda: dirsync_permitted(self.connection, self.search_bases()),
            account=self.config.connectivity.user,
            readers=self.readers,
            configured=configured,
        )
        if choice.warning is not None:
            log.warning("%s", choice.warning)
        return choice.source

    def export(
        self,
        records: Iterable[Mapping[str, object]],
        *,
        prune: bool = False,
        force: bool = False,
        progress: Callable[[ObjectResult], None] | None = None,
    ) -> ExportReport:
        """Bring the directory in line with source records (the Export run profile).

        Every record gets one result; see :func:`~ldapconnector.profiles.run_export` and
        docs/provisioning.md.

        Args:
            records: source records (``id``, attributes, ``isSoftDeleted``, ``@deleted``).
            prune: linked users missing from ``records`` go through the delete flow.
            force: run even when more than ``max_deletes`` entries would be deleted.
            progress: called with each record's result as it is made.

        Raises:
            ConfigurationError: the export profile is off, the schema lacks a configured
                class, or the mappings do not fit the schema.
        """
        records = list(records)  # the input is read before anything else, as it always was
        self.check_object_type()
        request = export_request(self)
        return run_export(request, records, prune=prune, force=force, progress=progress)

    def plan(
        self, records: Iterable[Mapping[str, object]], *, prune: bool = False, force: bool = False
    ) -> ExportReport:
        """What :meth:`export` would do, without writing anything (a dry run).

        ``ExportReport.ldif()`` shows the operations as LDIF change records.
        """
        records = list(records)  # the input is read before anything else, as it always was
        self.check_object_type()
        request = export_request(self)
        return run_export(request, records, plan_only=True, prune=prune, force=force)

    def export_members(
        self, records: Iterable[Mapping[str, object]], *, plan_only: bool = False
    ) -> MembershipReport:
        """Bring the members of exported groups in line with the records (docs/groups.md).

        Run after :meth:`export` of the same group records: it resolves each record's
        member source ids through ``member_store`` and adds/deletes member values in
        chunks; members not provisioned yet are reported as pending.

        Args:
            records: group records (``id`` and the membership ``source`` key).
            plan_only: write nothing; the report's ``ldif()`` shows the requests.

        Raises:
            ConfigurationError: the object type has no ``membership``, the export profile
                is off, or no ``member_store`` was given.
        """
        records = list(records)
        if not self.config.run_profiles.export:
            raise ConfigurationError(["run_profiles.export: the profile is switched off"])
        settings = member_settings(self.config.object_type)
        if settings is None:
            raise ConfigurationError(["object_type.membership: not set: this is no group type"])
        if self.member_store is None:
            raise ConfigurationError(
                ["object_type.membership.members_of: give the Connector the members' link "
                 "store (member_store=...) to resolve members through"]
            )  # fmt: skip
        request = MembershipRequest(
            settings=settings, groups=self.store, members=self.member_store,
            connection=lambda: self.connection, bases=self.search_bases(),
        )  # fmt: skip
        return run_memberships(request, records, plan_only=plan_only)
