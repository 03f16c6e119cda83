"""Deprovisioning flows (disable, enable, delete) and the mass-deletion guard, as pure planners.

A flow is what happens to a user who leaves: nothing, a delete, setting a boolean attribute
(``nsAccountLock: TRUE``, ``msDS-UserAccountDisabled: TRUE``; booleans only, as in
Microsoft's Generic LDAP connector), or the detected server's own method
(:class:`~ldapconnector.detect.DisableMethod`: the OpenLDAP ppolicy lock
``pwdAccountLockedTime: 000001010000Z``, 389 DS ``nsAccountLock``, the AD
``userAccountControl`` ACCOUNTDISABLE bit ``0x2`` kept with the other bits). Every planner
compares with the entry's current values first, so a repeated run writes nothing.
"""

from __future__ import annotations

import enum

import attrs

from ldapconnector.config import DeprovisionAction, SetAttributeValue
from ldapconnector.detect import DisableMethod
from ldapconnector.model import Entry, Modification, ModifyOp
from ldapconnector.profiles.export._operations import (
    DeleteOperation,
    ModifyOperation,
    Operation,
    PlanFailure,
)

__all__ = [
    "DeprovisionFlow",
    "FlowKind",
    "check_mass_deletion",
    "plan_delete",
    "plan_disable",
    "plan_enable",
]

_BOOLEANS = {"true": "false", "false": "true", "TRUE": "FALSE", "FALSE": "TRUE"}


class FlowKind(enum.Enum):
    """What a deprovisioning flow does."""

    NONE = "none"
    DELETE = "delete"
    SET_ATTRIBUTE = "set_attribute"
    VENDOR = "vendor"


@attrs.frozen(kw_only=True)
class DeprovisionFlow:
    """One configured flow, ready to plan with.

    Attributes:
        kind: none, delete, set attribute, or the vendor's method.
        attribute: the attribute set (set_attribute) or the vendor method's attribute.
        value: the LDAP value that means "disabled": ``TRUE``/``FALSE`` for set_attribute,
            the vendor's value (``000001010000Z``, ``true``, ``0x2`` for a bit) otherwise.
    """

    kind: FlowKind
    attribute: str | None = None
    value: str | None = None

    @classmethod
    def from_config(
        cls,
        flow: DeprovisionAction | SetAttributeValue | str,
        *,
        vendor_method: DisableMethod | None = None,
    ) -> DeprovisionFlow:
        """Build from a ``[deprovisioning]`` value (``"vendor"`` takes ``vendor_method``).

        Raises:
            ValueError: ``vendor`` without a method (the server has none detected).
        """
        if isinstance(flow, SetAttributeValue):
            value = "TRUE" if flow.value else "FALSE"  # RFC 4517 3.3.3
            return cls(kind=FlowKind.SET_ATTRIBUTE, attribute=flow.set_attribute, value=value)
        kind = FlowKind(flow.value if isinstance(flow, enum.Enum) else flow)
        if kind is FlowKind.VENDOR:
            if vendor_method is None:
                raise ValueError("the vendor flow needs the server's disable method; none detected")
            return cls.vendor(vendor_method)
        return cls(kind=kind)

    @classmethod
    def vendor(cls, method: DisableMethod) -> DeprovisionFlow:
        """The flow of a detected server's own disable method."""
        return cls(kind=FlowKind.VENDOR, attribute=method.attribute, value=method.value)

    @property
    def bit_mask(self) -> int | None:
        """The flag bit for a ``0x..`` value (AD ``userAccountControl``), else None."""
        if self.value is not None and self.value.lower().startswith("0x"):
            return int(self.value, 16)
        return None


def _modify(dn: str, op: ModifyOp, attribute: str, *values: str) -> tuple[Operation, ...]:
    return (ModifyOperation(dn=dn, changes=(Modification(op, attribute, values),)),)


def _flags(current: Entry, attribute: str) -> int | PlanFailure:
    text = current.texts(attribute)
    if not text:
        return PlanFailure(message=f"{current.dn} has no {attribute} to change the flag in")
    try:
        return int(text[0])
    except ValueError:
        return PlanFailure(message=f"{attribute} of {current.dn} is not an integer")


def _set_bits(
    flow: DeprovisionFlow, current: Entry, attribute: str, *, on: bool
) -> tuple[Operation, ...] | PlanFailure:
    mask = flow.bit_mask or 0
    flags = _flags(current, attribute)
    if isinstance(flags, PlanFailure):
        return flags
    wanted = flags | mask if on else flags & ~mask
    if wanted == flags:
        return ()
    return _modify(current.dn, ModifyOp.REPLACE, attribute, str(wanted))


def _set_value(current: Entry, attribute: str, value: str) -> tuple[Operation, ...]:
    held = current.texts(attribute)
    if len(held) == 1 and held[0].lower() == value.lower():
        return ()
    return _modify(current.dn, ModifyOp.REPLACE, attribute, value)


def plan_disable(flow: DeprovisionFlow, current: Entry) -> tuple[Operation, ...] | PlanFailure:
    """Plan a deprovisioning flow for an entry: the disable flow or the delete flow.

    Returns:
        Nothing for ``none`` or an entry already in the flow's state; a delete; or a
        modify setting the attribute (for a bit, the current value with the bit set).
    """
    if flow.kind is FlowKind.NONE:
        return ()
    if flow.kind is FlowKind.DELETE:
        return plan_delete(current)
    attribute, value = flow.attribute or "", flow.value or ""
    if flow.bit_mask is not None:
        return _set_bits(flow, current, attribute, on=True)
    return _set_value(current, attribute, value)


def plan_enable(flow: DeprovisionFlow, current: Entry) -> tuple[Operation, ...] | PlanFailure:
    """Plan undoing ``flow`` for a user whose ``isSoftDeleted`` went back to false.

    A boolean attribute gets the opposite value in the same spelling (``TRUE`` ->
    ``FALSE``); a bit is cleared, the other bits kept; another value (the ppolicy lock
    time) is deleted. ``none``/``delete`` flows and entries that are not disabled give
    nothing (a deleted user is created again by the next export).
    """
    if flow.kind in (FlowKind.NONE, FlowKind.DELETE):
        return ()
    attribute, value = flow.attribute or "", flow.value or ""
    if flow.bit_mask is not None:
        return _set_bits(flow, current, attribute, on=False)
    held = current.texts(attribute)
    if not held or all(v.lower() != value.lower() for v in held):
        return ()
    opposite = _BOOLEANS.get(value) or _BOOLEANS.get(value.upper())
    if opposite is not None:
        return _modify(current.dn, ModifyOp.REPLACE, attribute, opposite)
    return _modify(current.dn, ModifyOp.DELETE, attribute)


def plan_delete(current: Entry) -> tuple[Operation, ...]:
    """Plan deleting the entry (a leaf; the runner counts an already-missing one as done)."""
    return (DeleteOperation(dn=current.dn),)


def check_mass_deletion(planned_deletes: int, max_deletes: int, *, force: bool) -> str | None:
    """The mass-deletion guard: may a run delete (or prune-disable) this many entries?

    Args:
        planned_deletes: entries the run would delete, or disable because of ``--prune``.
        max_deletes: ``[deprovisioning] max_deletes``.
        force: the operator insisted.

    Returns:
        None when the run may go on; otherwise the message to fail the whole run with
        (and nothing is deleted).
    """
    if force or planned_deletes <= max_deletes:
        return None
    return (
        f"refusing to delete {planned_deletes} entries: more than max_deletes = "
        f"{max_deletes} in one run (accidental-deletion guard); nothing was deleted. "
        "Check the source, raise [deprovisioning] max_deletes, or force the run."
    )
