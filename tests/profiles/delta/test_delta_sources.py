"""The reader table, the request value and the result's counters (no server)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ldapconnector.anchors import Anchor, AnchorKind, AnchorStrategy, strategy_for
from ldapconnector.detect import DeltaSource
from ldapconnector.errors import ConfigurationError, InvalidRequestError
from ldapconnector.profiles import (
    DEFAULT_DELTA_BATCH_SIZE,
    DELTA_WATERMARK_KEY,
    DeltaImportRequest,
)
from ldapconnector.profiles.delta import (
    READER_SPECS,
    SUPPORTED_SOURCES,
    AccesslogReader,
    ChangeBatch,
    ChangelogReader,
    DeleteCoverage,
    DeltaImportResult,
    DeltaProgress,
    DirSyncReader,
    RenameEvidence,
    TimestampReader,
    UsnReader,
    make_reader,
    reader_spec,
)
from ldapconnector.profiles.delta._reader import DeletesProbe
from ldapconnector.space import SqliteLinkStore

BASES = ("ou=people,dc=contoso,dc=lab",)

# An anchor each reader can carry.
ANCHORS = {
    DeltaSource.ACCESSLOG: "entryUUID",
    DeltaSource.CHANGELOG: "entryUUID",
    DeltaSource.USN_CHANGED: "objectGUID",
    DeltaSource.DIRSYNC: "objectGUID",
    DeltaSource.TIMESTAMPS: "entryUUID",
}


def _known(_anchor: Anchor) -> str | None:
    return "uid=known,ou=people,dc=contoso,dc=lab"


def _strategy(source: DeltaSource) -> AnchorStrategy:
    return strategy_for(ANCHORS[source])


def test_the_table_is_the_supported_sources() -> None:
    """Every supported source has one row, keyed by its own source; syncrepl is not read yet."""
    assert frozenset(READER_SPECS) == SUPPORTED_SOURCES
    assert set(ANCHORS) == SUPPORTED_SOURCES
    assert DeltaSource.SYNCREPL not in SUPPORTED_SOURCES
    assert all(spec.source is source for source, spec in READER_SPECS.items())
    assert [spec.label for spec in READER_SPECS.values()] == [
        "accesslog", "cn=changelog", "uSNChanged", "DirSync", "timestamps",
    ]  # fmt: skip


@pytest.mark.parametrize("source", list(READER_SPECS))
def test_each_row_builds_a_reader_that_sees_what_the_row_says(source: DeltaSource) -> None:
    """The factory's reader reads the row's source; deletes and renames are as the row says."""
    spec = reader_spec(source)
    reader = make_reader(
        source, change_log_dn=None, anchor_strategy=_strategy(source), bases=BASES,
        known_dn=_known,
    )  # fmt: skip
    assert reader.source is source
    assert reader.deletes_covered is (spec.deletes is not DeleteCoverage.NONE)
    assert isinstance(reader, DeletesProbe) is (spec.deletes is DeleteCoverage.TOMBSTONES)
    if isinstance(reader, (UsnReader, DirSyncReader, TimestampReader)):
        assert spec.renames is RenameEvidence.KNOWN_DN
        assert reader.known_dn is _known
    else:
        assert spec.renames is RenameEvidence.LOGGED
    assert (spec.default_log_dn is None) is (spec.renames is RenameEvidence.KNOWN_DN)
    assert spec.actors is (spec.default_log_dn is not None)  # only the logs name writers


def test_log_readers_take_the_default_or_the_configured_log_dn() -> None:
    """cn=accesslog and cn=changelog unless a DN is given (configuration or detection)."""
    entry_uuid = strategy_for("entryUUID")
    for source, reader_type, default in (
        (DeltaSource.ACCESSLOG, AccesslogReader, "cn=accesslog"),
        (DeltaSource.CHANGELOG, ChangelogReader, "cn=changelog"),
    ):
        assert reader_spec(source).default_log_dn == default
        built = make_reader(source, change_log_dn=None, anchor_strategy=entry_uuid, bases=BASES)
        assert isinstance(built, reader_type)
        assert built.log_dn == default
        other = make_reader(source, change_log_dn="cn=log", anchor_strategy=entry_uuid, bases=())
        assert isinstance(other, reader_type)
        assert other.log_dn == "cn=log"


def test_unsupported_sources_and_overlays_are_configuration_errors() -> None:
    """syncrepl is refused by name; implied overlays are checked for the accesslog only."""
    entry_uuid = strategy_for("entryUUID")
    with pytest.raises(ConfigurationError, match="'syncrepl' change source is not supported"):
        make_reader(DeltaSource.SYNCREPL, change_log_dn=None, anchor_strategy=entry_uuid, bases=())
    with pytest.raises(ConfigurationError, match="bogus unknown"):
        make_reader(
            DeltaSource.ACCESSLOG, change_log_dn=None, anchor_strategy=entry_uuid, bases=(),
            implied_overlays=["bogus"],
        )  # fmt: skip
    changelog = make_reader(
        DeltaSource.CHANGELOG, change_log_dn=None, anchor_strategy=entry_uuid, bases=(),
        implied_overlays=["bogus"],
    )  # fmt: skip
    assert changelog.source is DeltaSource.CHANGELOG


CARRIED = {
    DeltaSource.ACCESSLOG: {AnchorKind.ENTRY_UUID, AnchorKind.DN},
    DeltaSource.CHANGELOG: {AnchorKind.ENTRY_UUID, AnchorKind.NS_UNIQUE_ID, AnchorKind.DN},
    DeltaSource.USN_CHANGED: {AnchorKind.OBJECT_GUID, AnchorKind.DN},
    DeltaSource.DIRSYNC: {AnchorKind.OBJECT_GUID, AnchorKind.DN},
    DeltaSource.TIMESTAMPS: set(AnchorKind.builtins()),
}


@pytest.mark.parametrize("source", sorted(CARRIED, key=lambda s: s.value))
@pytest.mark.parametrize("kind", list(AnchorKind.builtins()))
def test_a_reader_is_built_only_for_an_anchor_its_source_can_name(
    source: DeltaSource, kind: AnchorKind
) -> None:
    """Each source's row says which anchor kinds it names entries by; others are refused."""
    build = lambda: make_reader(  # noqa: E731
        source, change_log_dn=None, anchor_strategy=strategy_for(kind), bases=BASES
    )
    if kind in CARRIED[source]:
        assert build().source is source
    else:
        with pytest.raises(ConfigurationError, match=f"object_type.anchor: .* not {kind.value}"):
            build()


def test_the_request_keeps_defaults_and_refuses_empty_batches() -> None:
    """A request's defaults are the named constants; iterables become tuples; batches >= 1."""
    assert (DELTA_WATERMARK_KEY, DEFAULT_DELTA_BATCH_SIZE) == ("delta_import", 500)
    store = SqliteLinkStore.in_memory()
    request = DeltaImportRequest(
        source=DeltaSource.ACCESSLOG, store=store, bases=list(BASES),
        anchor_strategy=strategy_for("entryUUID"), ignore_actors=iter(["cn=svc"]),
        implied_overlays=["memberof"],
    )  # fmt: skip
    assert (request.profile_key, request.batch_size) == (DELTA_WATERMARK_KEY, 500)
    assert (request.bases, request.ignore_actors) == (BASES, ("cn=svc",))
    assert request.implied_overlays == ("memberof",)
    assert not request.reset
    with pytest.raises(InvalidRequestError, match="batch_size must be >= 1, got 0"):
        DeltaImportRequest(
            source=DeltaSource.ACCESSLOG, store=store, bases=BASES,
            anchor_strategy=strategy_for("entryUUID"), batch_size=0,
        )  # fmt: skip


def test_the_result_shows_the_progress_its_stream_moves_on() -> None:
    """The result is built whole; its counters are the progress value's, read live."""
    progress = DeltaProgress(watermark="w0")
    batch = ChangeBatch(records=(), log_entries=3, watermark="w1")

    def stream() -> Iterator[ChangeBatch]:
        progress.log_entries += batch.log_entries
        yield batch
        progress.watermark, progress.finished = batch.watermark, True

    result = DeltaImportResult(
        source=DeltaSource.TIMESTAMPS, baseline=False, deletes_covered=False,
        progress=progress, pending=stream(),
    )  # fmt: skip
    assert (result.watermark, result.finished, result.log_entries) == ("w0", False, 0)
    assert list(result) == [batch]
    assert (result.watermark, result.finished, result.log_entries) == ("w1", True, 3)
    assert list(result) == []  # iterated once
    assert (result.changes, result.batches, result.seconds) == (0, 0, 0.0)
