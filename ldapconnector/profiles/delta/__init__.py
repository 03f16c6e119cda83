"""Delta import: read only what changed since the stored watermark.

How this layer works: each change source has a pure decoder that turns one log entry into
a :class:`ChangeRecord` (``_accesslog_decode`` for OpenLDAP's accesslog,
``_changelog_decode`` for ``cn=changelog``) and a reader that sends the searches, pages
through the log and keeps its position in a watermark (``*_reader`` modules: accesslog,
changelog, uSNChanged, DirSync, timestamps). One table, :data:`READER_SPECS`, says how
each supported source's reader is made and what the source can see;
:func:`choose_delta_source` picks the source for a detected server from plain values.
:func:`start_delta_import` takes one frozen :class:`DeltaImportRequest`
(:func:`run_delta_import` builds it from keyword arguments), makes the reader, hands out
batches at least once, and stores the watermark (``_watermark``) only after the caller
has taken each batch.
"""

# The DirSync control's flags belong to its codec in the connection layer; they are named
# here too because DirSyncReader takes them.
from ldapconnector.connection import DirSyncFlag
from ldapconnector.profiles.delta._accesslog_decode import (
    ACCESSLOG_ATTRIBUTES,
    ACCESSLOG_DN,
    accesslog_position,
    accesslog_search,
    accesslog_sort_key,
    decode_accesslog_entry,
)
from ldapconnector.profiles.delta._accesslog_reader import (
    AccesslogReader,
)
from ldapconnector.profiles.delta._changelog_decode import (
    CHANGELOG_ATTRIBUTES,
    CHANGELOG_DN,
    changelog_position,
    changelog_search,
    changelog_sort_key,
    decode_changelog_entry,
    parse_changes,
)
from ldapconnector.profiles.delta._changelog_reader import (
    ChangelogReader,
)
from ldapconnector.profiles.delta._changes import (
    BIND_STATE_ATTRIBUTES,
    IGNORED_ATTRIBUTES,
    AttributeChange,
    ChangeLogSearch,
    ChangeRecord,
    ChangeType,
    MembershipChange,
)
from ldapconnector.profiles.delta._dirsync_reader import (
    DirSyncReader,
    dirsync_permitted,
)
from ldapconnector.profiles.delta._member_changes import ResolveMembers, membership_change
from ldapconnector.profiles.delta._plugins import READERS_ENTRY_POINT_GROUP, installed_readers
from ldapconnector.profiles.delta._policy import (
    DeltaSourceChoice,
    choose_delta_source,
    configured_delta_source,
)
from ldapconnector.profiles.delta._reader import (
    ChangeReader,
    LogItem,
)
from ldapconnector.profiles.delta._request import (
    DEFAULT_DELTA_BATCH_SIZE,
    DeltaImportRequest,
)
from ldapconnector.profiles.delta._result import (
    ChangeBatch,
    DeltaImportResult,
    DeltaProgress,
)
from ldapconnector.profiles.delta._run import (
    run_delta_import,
    start_delta_import,
)
from ldapconnector.profiles.delta._scope import (
    ChangeScope,
)
from ldapconnector.profiles.delta._sources import (
    READER_SPECS,
    SUPPORTED_SOURCES,
    DeleteCoverage,
    ReaderFactory,
    ReaderOptions,
    ReaderRegistry,
    ReaderSpec,
    RenameEvidence,
    default_readers,
    make_reader,
    reader_spec,
)
from ldapconnector.profiles.delta._timestamps_reader import (
    TimestampReader,
)
from ldapconnector.profiles.delta._tombstones import (
    deleted_objects_visible,
)
from ldapconnector.profiles.delta._usn_reader import (
    UsnReader,
)
from ldapconnector.profiles.delta._watermark import (
    DELTA_WATERMARK_KEY,
    watermark_source,
)

__all__ = [
    "ACCESSLOG_ATTRIBUTES",
    "ACCESSLOG_DN",
    "BIND_STATE_ATTRIBUTES",
    "CHANGELOG_ATTRIBUTES",
    "CHANGELOG_DN",
    "DEFAULT_DELTA_BATCH_SIZE",
    "DELTA_WATERMARK_KEY",
    "IGNORED_ATTRIBUTES",
    "READERS_ENTRY_POINT_GROUP",
    "READER_SPECS",
    "SUPPORTED_SOURCES",
    "AccesslogReader",
    "AttributeChange",
    "ChangeBatch",
    "ChangeLogSearch",
    "ChangeReader",
    "ChangeRecord",
    "ChangeScope",
    "ChangeType",
    "ChangelogReader",
    "DeleteCoverage",
    "DeltaImportRequest",
    "DeltaImportResult",
    "DeltaProgress",
    "DeltaSourceChoice",
    "DirSyncFlag",
    "DirSyncReader",
    "LogItem",
    "MembershipChange",
    "ReaderFactory",
    "ReaderOptions",
    "ReaderRegistry",
    "ReaderSpec",
    "RenameEvidence",
    "ResolveMembers",
    "TimestampReader",
    "UsnReader",
    "accesslog_position",
    "accesslog_search",
    "accesslog_sort_key",
    "changelog_position",
    "changelog_search",
    "changelog_sort_key",
    "choose_delta_source",
    "configured_delta_source",
    "decode_accesslog_entry",
    "decode_changelog_entry",
    "default_readers",
    "deleted_objects_visible",
    "dirsync_permitted",
    "installed_readers",
    "make_reader",
    "membership_change",
    "parse_changes",
    "reader_spec",
    "run_delta_import",
    "start_delta_import",
    "watermark_source",
]
