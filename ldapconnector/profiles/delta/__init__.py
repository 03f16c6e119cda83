"""Delta import: read only what changed since the stored watermark.

How this layer works: each change source has a pure decoder that turns one log entry into
a :class:`ChangeRecord` (``_accesslog_decode`` for OpenLDAP's accesslog,
``_changelog_decode`` for ``cn=changelog``) and a reader that sends the searches, pages
through the log and keeps its position in a watermark (``*_reader`` modules: accesslog,
changelog, uSNChanged, DirSync, timestamps). :func:`run_delta_import` picks the reader
for the source, hands out batches at least once, and stores the watermark only after the
caller has taken each batch.
"""

# The DirSync control's flags belong to its codec in the connection layer; they are named
# here too because DirSyncReader takes them.
from ldapconnector.connection import DirSyncFlag
from ldapconnector.profiles.delta._accesslog_decode import (
    ACCESSLOG_ATTRIBUTES,
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
)
from ldapconnector.profiles.delta._dirsync_reader import (
    DirSyncReader,
    dirsync_permitted,
)
from ldapconnector.profiles.delta._reader import (
    ChangeReader,
    LogItem,
)
from ldapconnector.profiles.delta._run import (
    SUPPORTED_SOURCES,
    ChangeBatch,
    DeltaImportResult,
    make_reader,
    run_delta_import,
    watermark_source,
)
from ldapconnector.profiles.delta._scope import (
    ChangeScope,
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

__all__ = [
    "ACCESSLOG_ATTRIBUTES",
    "BIND_STATE_ATTRIBUTES",
    "CHANGELOG_ATTRIBUTES",
    "IGNORED_ATTRIBUTES",
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
    "DeltaImportResult",
    "DirSyncFlag",
    "DirSyncReader",
    "LogItem",
    "TimestampReader",
    "UsnReader",
    "accesslog_position",
    "accesslog_search",
    "accesslog_sort_key",
    "changelog_position",
    "changelog_search",
    "changelog_sort_key",
    "decode_accesslog_entry",
    "decode_changelog_entry",
    "deleted_objects_visible",
    "dirsync_permitted",
    "make_reader",
    "parse_changes",
    "run_delta_import",
    "watermark_source",
]
