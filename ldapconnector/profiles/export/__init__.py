"""Export: bring the directory in line with source records.

How this layer works: the planners are pure. A source record mapped to a
:class:`~ldapconnector.mapping.DesiredEntry` becomes an :class:`AddOperation`
(:func:`plan_create`, schema-checked first) or the minimal :class:`ModifyDnOperation` and
:class:`ModifyOperation` against the entry the directory holds (:func:`plan_update`);
the deprovisioning :class:`DeprovisionFlow` plans disable, enable and delete, and
:func:`check_mass_deletion` is the accidental-deletion guard. A planner that cannot plan
returns a :class:`PlanFailure`. :func:`export_request` compiles and checks what a run
needs from an :class:`ExportTarget` (the ``Connector``) into one frozen
:class:`ExportRequest`; :func:`run_export` is the runner working from it alone: the link
store, :func:`resolve_anchor`, a decision table (flag x link x entry found x flow kind →
step) shared with the guard, correlation, a sink that sends (or, for a plan, only
records), reconnecting and pruning. Each record ends as one :class:`ObjectResult` in an
:class:`ExportReport`. Group members are a second step (docs/groups.md): :func:`run_memberships`
resolves a group record's member source ids through the members' link store and sends
:func:`plan_membership`'s chunked adds and deletes of values.
"""

from ldapconnector.profiles.export._diff import (
    exposed_attributes,
)
from ldapconnector.profiles.export._flows import (
    DeprovisionFlow,
    FlowKind,
    check_mass_deletion,
    plan_delete,
    plan_disable,
    plan_enable,
)
from ldapconnector.profiles.export._ldif_out import (
    REDACTED_PLACEHOLDER,
)
from ldapconnector.profiles.export._member_ids import MemberResolver
from ldapconnector.profiles.export._members import (
    MemberSettings,
    member_settings,
    placeholder_mappings,
    plan_membership,
)
from ldapconnector.profiles.export._memberships import (
    GroupMembershipResult,
    MembershipReport,
    MembershipRequest,
    run_memberships,
)
from ldapconnector.profiles.export._operations import (
    AddOperation,
    DeleteOperation,
    ModifyDnOperation,
    ModifyOperation,
    Operation,
    PasswordSetOperation,
    PlanFailure,
)
from ldapconnector.profiles.export._plan import (
    PlanOptions,
    plan_create,
    plan_update,
)
from ldapconnector.profiles.export._report import (
    ExportOutcome,
    ExportReport,
    ObjectResult,
)
from ldapconnector.profiles.export._request import (
    ExportRequest,
    export_request,
)
from ldapconnector.profiles.export._resolve import (
    resolve_anchor,
)
from ldapconnector.profiles.export._runner import (
    run_export,
)
from ldapconnector.profiles.export._target import (
    ExportTarget,
)

__all__ = [
    "REDACTED_PLACEHOLDER",
    "AddOperation",
    "DeleteOperation",
    "DeprovisionFlow",
    "ExportOutcome",
    "ExportReport",
    "ExportRequest",
    "ExportTarget",
    "FlowKind",
    "GroupMembershipResult",
    "MemberResolver",
    "MemberSettings",
    "MembershipReport",
    "MembershipRequest",
    "ModifyDnOperation",
    "ModifyOperation",
    "ObjectResult",
    "Operation",
    "PasswordSetOperation",
    "PlanFailure",
    "PlanOptions",
    "check_mass_deletion",
    "export_request",
    "exposed_attributes",
    "member_settings",
    "placeholder_mappings",
    "plan_create",
    "plan_delete",
    "plan_disable",
    "plan_enable",
    "plan_membership",
    "plan_update",
    "resolve_anchor",
    "run_export",
    "run_memberships",
]
