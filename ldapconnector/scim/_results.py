"""Export results as SCIM answers: the provisioning-log notes and the SCIM error of a failure.

Shared by the ``/Users`` and ``/Groups`` storages: each write notes its outcome, anchor
and DN on the request's log line, and a failed (or skipped) export becomes the SCIM error
that carries the LDAP reason (409 ``uniqueness`` for an entry that already exists).
"""

from __future__ import annotations

from typing import Any

from scim2_models import InvalidValueException, SCIMException, UniquenessException

from ldapconnector.anchors import Anchor
from ldapconnector.profiles import ExportOutcome, ObjectResult
from ldapconnector.scim._log import current_record

__all__ = ["ServiceUnavailableException", "failure", "note", "outcome", "unavailable"]


class ServiceUnavailableException(SCIMException):
    """503: the connector space is still being filled by the first import."""

    status = 503


def unavailable() -> ServiceUnavailableException:
    """The 503 answered while the first import runs (never an empty list: Entra would
    create duplicates)."""
    return ServiceUnavailableException(
        detail="The connector is importing the directory; retry shortly"
    )


def note(**values: Any) -> None:
    """Set fields of the current request's provisioning-log line (if one is recorded)."""
    record = current_record()
    if record is not None:
        for key, value in values.items():
            setattr(record, key, value)


def failure(result: ObjectResult, kind: str = "user") -> SCIMException:
    """The SCIM error of a failed (or skipped) export result, with the LDAP reason."""
    reason = result.error or f"the export {result.outcome.value} the {kind}"
    if "already exists" in reason.lower():
        return UniquenessException(detail=reason)
    return InvalidValueException(detail=reason)


def outcome(result: ObjectResult, existing: Anchor | None, kind: str = "user") -> Anchor | None:
    """Note an export result for the log; raise its SCIM error when it failed.

    Returns:
        The entry's anchor (the result's, else ``existing``).
    """
    anchor = result.anchor or existing
    note(outcome=result.outcome.value, reason=result.error, dn=result.dn,
         anchor=anchor.value if anchor is not None else None)  # fmt: skip
    if result.outcome in (ExportOutcome.FAILED, ExportOutcome.SKIPPED):
        raise failure(result, kind)
    return anchor
