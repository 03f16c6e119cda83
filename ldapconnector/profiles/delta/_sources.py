"""The change sources a delta import reads, as one table: source -> how its reader is made.

Detection (:mod:`ldapconnector.detect`) says which sources a server *offers*; this table
says which of them this version *reads*, and for each: the reader factory, the change
log's DN when neither the configuration nor detection names one, and what the source can
tell (deletes, renames, who made a change). :func:`make_reader` looks a source up here;
:data:`SUPPORTED_SOURCES` is the table's keys.

The table is the default :class:`ReaderRegistry` (:func:`default_readers`); a reader for a
source this version does not read (syncrepl, an in-house log) is one more
:class:`ReaderSpec` row, added with :meth:`ReaderRegistry.with_reader` (a new registry:
none is ever changed) and passed to the run (``DeltaImportRequest.readers``,
``Connector(readers=...)``). ``ldapconnector.testing.change_reader_contract`` is the test
suite a reader passes: at least once, resumable states, gap detection.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

import attrs

from ldapconnector.anchors import AnchorKind, AnchorStrategy, default_anchors
from ldapconnector.detect import DeltaSource, as_delta_source
from ldapconnector.errors import ConfigurationError
from ldapconnector.profiles.delta._accesslog_decode import ACCESSLOG_DN
from ldapconnector.profiles.delta._accesslog_reader import AccesslogReader
from ldapconnector.profiles.delta._changelog_decode import CHANGELOG_DN
from ldapconnector.profiles.delta._changelog_reader import ChangelogReader
from ldapconnector.profiles.delta._dirsync_reader import DirSyncReader
from ldapconnector.profiles.delta._implied import DEFAULT_IMPLIED_OVERLAYS, checked_overlays
from ldapconnector.profiles.delta._reader import ChangeReader
from ldapconnector.profiles.delta._timestamps_reader import TimestampReader
from ldapconnector.profiles.delta._usn_reader import KnownDn, UsnReader, _no_known_dn

__all__ = [
    "READER_SPECS",
    "SUPPORTED_SOURCES",
    "DeleteCoverage",
    "ReaderFactory",
    "ReaderOptions",
    "ReaderRegistry",
    "ReaderSpec",
    "RenameEvidence",
    "default_readers",
    "make_reader",
    "reader_spec",
]


class DeleteCoverage(enum.Enum):
    """How a source sees deletes."""

    LOGGED = "logged"
    """The log has an entry for each delete."""
    TOMBSTONES = "tombstones"
    """AD tombstones: seen only when the account may read them (probed on every run)."""
    NONE = "none"
    """Not at all: full imports find deletes (``DeltaImportResult.deletes_covered`` False)."""


class RenameEvidence(enum.Enum):
    """How a reader knows that an entry was renamed."""

    LOGGED = "logged"
    """The log records the modify DN request."""
    KNOWN_DN = "known-dn"
    """The entry's DN differs from the connector space's last DN for its anchor."""


@attrs.frozen(kw_only=True)
class ReaderOptions:
    """What a reader factory is given: the run's settings, defaults already applied.

    Attributes:
        anchor_strategy: the configured anchor (readers check that they can carry its kind).
        bases: where the configured objects live.
        change_log_dn: the log's DN (the configured or detected one, else the table's
            default); None for sources without a log.
        object_class: the configured structural class; None for any.
        known_dn: the connector space's last DN of an anchor (renames, deletes).
        implied_overlays: as given to :func:`make_reader` (checked by the accesslog
            factory only, the one reader that re-reads implied changes).
    """

    anchor_strategy: AnchorStrategy
    bases: tuple[str, ...]
    change_log_dn: str | None = None
    object_class: str | None = None
    known_dn: KnownDn = _no_known_dn
    implied_overlays: Iterable[str] | None = None


ReaderFactory = Callable[[ReaderOptions], ChangeReader]
"""Builds the reader of one source from the run's options."""


@attrs.frozen(kw_only=True)
class ReaderSpec:
    """One row of :data:`READER_SPECS`: how to read one change source.

    Attributes:
        source: the change source.
        label: how messages name it (``cn=changelog``, ``uSNChanged``).
        factory: builds the reader.
        default_log_dn: the log's DN when neither ``global.change_log_dn`` nor detection
            names one; None for sources read from the data itself (no log DN needed).
        deletes: how deletes are seen.
        renames: how renames are told from modifies.
        actors: whether the source names who made a change, so that ``ignore_actors``
            (own-writes filtering) can drop the connector's own writes.
        scope_dn_attribute: a filterable attribute holding each entry's DN, so the scope's
            object-class checks look many entries up at once; None: one search per DN.
    """

    source: DeltaSource = attrs.field(converter=as_delta_source)
    label: str
    factory: ReaderFactory
    default_log_dn: str | None
    deletes: DeleteCoverage
    renames: RenameEvidence
    actors: bool
    scope_dn_attribute: str | None = None


def _logged_kind(options: ReaderOptions, source: str) -> AnchorKind:
    """The anchor kind a change log names entries by, with the built-in codec only.

    A log records a built-in attribute's value (``reqEntryUUID``, ``targetEntryUUID``),
    which the reader decodes with that kind's built-in codec: a strategy that replaced it
    would make anchors its links do not hold, so it is refused rather than missed.
    """
    strategy = options.anchor_strategy
    built_in = default_anchors().get(strategy.kind)
    if built_in is not None and built_in is not strategy:
        raise ConfigurationError(
            [f"object_type.anchor: {source} names entries by the built-in "
             f"{strategy.kind.value}, which a plug-in's strategy replaced; read changes "
             "with a reader that reads the entries (delta_source timestamps)"]
        )  # fmt: skip
    return strategy.kind


def _accesslog(options: ReaderOptions) -> ChangeReader:
    overlays = options.implied_overlays
    return AccesslogReader(
        log_dn=_log_dn(options),
        anchor_kind=_logged_kind(options, "the accesslog"),
        implied_overlays=(
            DEFAULT_IMPLIED_OVERLAYS if overlays is None else checked_overlays(overlays)
        ),
        bases=options.bases,
    )


def _changelog(options: ReaderOptions) -> ChangeReader:
    kind = _logged_kind(options, "cn=changelog")
    return ChangelogReader(log_dn=_log_dn(options), anchor_kind=kind)


def _log_dn(options: ReaderOptions) -> str:
    # make_reader fills in the table's default: only a factory called directly can lack it.
    if not options.change_log_dn:
        raise ConfigurationError(["global.change_log_dn: this change source needs the log's DN"])
    return options.change_log_dn


def _polling(
    reader: type[UsnReader] | type[DirSyncReader] | type[TimestampReader],
) -> ReaderFactory:
    """The factory of a reader that polls the data (no log DN; renames by known DN)."""

    def build(options: ReaderOptions) -> ChangeReader:
        return reader(
            bases=options.bases,
            anchor=options.anchor_strategy,
            object_class=options.object_class,
            known_dn=options.known_dn,
        )

    return build


# OpenLDAP and 389 DS both answer entryDN equality filters.
_ENTRY_DN = "entryDN"

READER_SPECS: Mapping[DeltaSource, ReaderSpec] = MappingProxyType(
    {
        spec.source: spec
        for spec in (
            ReaderSpec(
                source=DeltaSource.ACCESSLOG, label="accesslog", factory=_accesslog,
                default_log_dn=ACCESSLOG_DN, deletes=DeleteCoverage.LOGGED,
                renames=RenameEvidence.LOGGED, actors=True, scope_dn_attribute=_ENTRY_DN,
            ),
            ReaderSpec(
                source=DeltaSource.CHANGELOG, label="cn=changelog", factory=_changelog,
                default_log_dn=CHANGELOG_DN, deletes=DeleteCoverage.LOGGED,
                renames=RenameEvidence.LOGGED, actors=True, scope_dn_attribute=_ENTRY_DN,
            ),
            ReaderSpec(
                source=DeltaSource.USN_CHANGED, label="uSNChanged", factory=_polling(UsnReader),
                default_log_dn=None, deletes=DeleteCoverage.TOMBSTONES,
                renames=RenameEvidence.KNOWN_DN, actors=False,
            ),
            ReaderSpec(
                source=DeltaSource.DIRSYNC, label="DirSync", factory=_polling(DirSyncReader),
                default_log_dn=None, deletes=DeleteCoverage.TOMBSTONES,
                renames=RenameEvidence.KNOWN_DN, actors=False,
            ),
            ReaderSpec(
                source=DeltaSource.TIMESTAMPS, label="timestamps",
                factory=_polling(TimestampReader), default_log_dn=None,
                deletes=DeleteCoverage.NONE, renames=RenameEvidence.KNOWN_DN, actors=False,
            ),
        )
    }
)  # fmt: skip
"""The sources this version reads, in the order messages list them (syncrepl: not yet)."""

SUPPORTED_SOURCES: frozenset[DeltaSource] = frozenset(READER_SPECS)
"""The change sources :func:`~ldapconnector.profiles.run_delta_import` reads."""


def _frozen_specs(value: Mapping[DeltaSource, ReaderSpec]) -> Mapping[DeltaSource, ReaderSpec]:
    for source, spec in value.items():
        if spec.source != source:
            raise ValueError(f"the {source.value} row holds the reader of {spec.source.value}")
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class ReaderRegistry:
    """An immutable set of change readers, one :class:`ReaderSpec` per source.

    Attributes:
        specs: the rows, keyed by source, in the order messages list them.
    """

    specs: Mapping[DeltaSource, ReaderSpec] = attrs.field(converter=_frozen_specs)

    @property
    def sources(self) -> frozenset[DeltaSource]:
        """The sources these readers read."""
        return frozenset(self.specs)

    def get(self, source: DeltaSource) -> ReaderSpec | None:
        """The row of ``source``, or None."""
        return self.specs.get(source)

    def with_reader(self, spec: ReaderSpec, *, replace: bool = False) -> ReaderRegistry:
        """A new registry holding these readers and ``spec``.

        Raises:
            ValueError: a reader of that source exists and ``replace`` is False.
        """
        if spec.source in self.specs and not replace:
            raise ValueError(
                f"a reader of {spec.source.value!r} is registered already; "
                "pass replace=True to replace it"
            )
        return ReaderRegistry(specs={**self.specs, spec.source: spec})


_DEFAULT_READERS = ReaderRegistry(specs=READER_SPECS)


def default_readers() -> ReaderRegistry:
    """The readers this version ships (:data:`READER_SPECS`), as one immutable registry."""
    return _DEFAULT_READERS


def reader_spec(source: DeltaSource, readers: ReaderRegistry | None = None) -> ReaderSpec:
    """The row of a source in ``readers`` (default: the shipped ones).

    Raises:
        ConfigurationError: the source is not supported (yet).
    """
    spec = (readers or _DEFAULT_READERS).get(source)
    if spec is None:
        raise ConfigurationError(
            [f"delta import: the {source.value!r} change source is not supported (yet)"]
        )
    return spec


def make_reader(
    source: DeltaSource,
    *,
    change_log_dn: str | None,
    anchor_strategy: AnchorStrategy,
    bases: tuple[str, ...],
    object_class: str | None = None,
    known_dn: KnownDn | None = None,
    implied_overlays: Iterable[str] | None = None,
    readers: ReaderRegistry | None = None,
) -> ChangeReader:
    """The reader for a change source (its :data:`READER_SPECS` row's factory).

    ``known_dn`` (the connector space's last DN of an anchor) lets the USN, DirSync and
    timestamp readers, whose sources do not say "renamed", tell renames from modifies.
    ``implied_overlays`` (accesslog only; None: memberof and refint) names the overlays
    whose unlogged writes are re-read (``_implied.py``). ``readers`` is the registry the
    source is looked up in (default: the shipped readers).

    Raises:
        ConfigurationError: the source is not supported, or cannot name the anchor kind.
    """
    spec = reader_spec(source, readers)
    options = ReaderOptions(
        anchor_strategy=anchor_strategy,
        bases=bases,
        change_log_dn=change_log_dn or spec.default_log_dn,
        object_class=object_class,
        known_dn=known_dn or _no_known_dn,
        implied_overlays=implied_overlays,
    )
    return spec.factory(options)
