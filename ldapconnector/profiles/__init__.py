"""Run profiles: full import, delta import and export runners, and the pure planners
they use.

How this layer works: runners talk to the server through ``connection/``; everything they
decide is made by pure functions that take plain values and return frozen ones, so it is
tested without a socket. For export, a source record is mapped to a
:class:`~ldapconnector.mapping.DesiredEntry`; :func:`plan_create` turns it into an
:class:`AddOperation` (validated against the schema first), :func:`plan_update` compares
it with the entry the directory holds and returns the minimal :class:`ModifyDnOperation`
and :class:`ModifyOperation` (values compared by each attribute's equality rule),
:func:`plan_disable`/:func:`plan_enable`/:func:`plan_delete` run the deprovisioning
:class:`DeprovisionFlow`, and :func:`check_mass_deletion` is the accidental-deletion guard.
A planner that cannot plan returns a :class:`PlanFailure` rather than raising.
:func:`run_export` is the runner: link store, correlation, sending, reconnecting, the
mass-deletion guard and pruning, against any :class:`ExportTarget` (the Connector). Each record
ends as one :class:`ObjectResult` in an :class:`ExportReport`, which serialises to the
CLI's JSON and renders every operation as RFC 2849 LDIF (``.to_ldif()``); no password or
redacted value can appear in either.

For imports, :func:`plan_full_import` works out the searches and :func:`run_full_import`
streams the objects page by page into an :class:`ImportResult` while recording the
connector space. For delta imports, each change source has a pure decoder that turns one
log entry into a :class:`ChangeRecord` (:func:`decode_accesslog_entry` for OpenLDAP's
accesslog, :func:`decode_changelog_entry` for ``cn=changelog``) and a function giving the
search its reader sends.
"""

from ldapconnector.profiles._accesslog import (
    ACCESSLOG_ATTRIBUTES,
    accesslog_position,
    accesslog_search,
    accesslog_sort_key,
    decode_accesslog_entry,
)
from ldapconnector.profiles._changes import (
    BIND_STATE_ATTRIBUTES,
    IGNORED_ATTRIBUTES,
    AttributeChange,
    ChangeLogSearch,
    ChangeRecord,
    ChangeType,
)
from ldapconnector.profiles._delta_accesslog import AccesslogReader
from ldapconnector.profiles._delta_changelog import ChangelogReader
from ldapconnector.profiles._delta_dirsync import DirSyncFlag, DirSyncReader, dirsync_permitted
from ldapconnector.profiles._delta_import import (
    SUPPORTED_SOURCES,
    ChangeBatch,
    DeltaImportResult,
    make_reader,
    run_delta_import,
)
from ldapconnector.profiles._delta_reader import ChangeReader, LogItem
from ldapconnector.profiles._delta_scope import ChangeScope
from ldapconnector.profiles._delta_timestamps import TimestampReader
from ldapconnector.profiles._delta_tombstones import deleted_objects_visible
from ldapconnector.profiles._delta_usn import UsnReader
from ldapconnector.profiles._export_runner import run_export
from ldapconnector.profiles._export_target import ExportTarget
from ldapconnector.profiles._flows import (
    DeprovisionFlow,
    FlowKind,
    check_mass_deletion,
    plan_delete,
    plan_disable,
    plan_enable,
)
from ldapconnector.profiles._full_import import (
    ImportedEntry,
    ImportProgress,
    ImportResult,
    run_full_import,
)
from ldapconnector.profiles._import_plan import ImportPlan, choose_paging, plan_full_import
from ldapconnector.profiles._ldif_out import REDACTED_PLACEHOLDER
from ldapconnector.profiles._operations import (
    AddOperation,
    DeleteOperation,
    ModifyDnOperation,
    ModifyOperation,
    Operation,
    PasswordSetOperation,
    PlanFailure,
)
from ldapconnector.profiles._plan_export import PlanOptions, plan_create, plan_update
from ldapconnector.profiles._report import ExportOutcome, ExportReport, ObjectResult
from ldapconnector.profiles._retro_changelog import (
    CHANGELOG_ATTRIBUTES,
    changelog_position,
    changelog_search,
    changelog_sort_key,
    decode_changelog_entry,
    parse_changes,
)

__all__ = [
    "ACCESSLOG_ATTRIBUTES",
    "BIND_STATE_ATTRIBUTES",
    "CHANGELOG_ATTRIBUTES",
    "IGNORED_ATTRIBUTES",
    "REDACTED_PLACEHOLDER",
    "SUPPORTED_SOURCES",
    "AccesslogReader",
    "AddOperation",
    "AttributeChange",
    "ChangeBatch",
    "ChangeLogSearch",
    "ChangeReader",
    "ChangeRecord",
    "ChangeScope",
    "ChangeType",
    "ChangelogReader",
    "DeleteOperation",
    "DeltaImportResult",
    "DeprovisionFlow",
    "DirSyncFlag",
    "DirSyncReader",
    "ExportOutcome",
    "ExportReport",
    "ExportTarget",
    "FlowKind",
    "ImportPlan",
    "ImportProgress",
    "ImportResult",
    "ImportedEntry",
    "LogItem",
    "ModifyDnOperation",
    "ModifyOperation",
    "ObjectResult",
    "Operation",
    "PasswordSetOperation",
    "PlanFailure",
    "PlanOptions",
    "TimestampReader",
    "UsnReader",
    "accesslog_position",
    "accesslog_search",
    "accesslog_sort_key",
    "changelog_position",
    "changelog_search",
    "changelog_sort_key",
    "check_mass_deletion",
    "choose_paging",
    "decode_accesslog_entry",
    "decode_changelog_entry",
    "deleted_objects_visible",
    "dirsync_permitted",
    "make_reader",
    "parse_changes",
    "plan_create",
    "plan_delete",
    "plan_disable",
    "plan_enable",
    "plan_full_import",
    "plan_update",
    "run_delta_import",
    "run_export",
    "run_full_import",
]
