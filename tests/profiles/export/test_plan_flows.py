"""Deprovisioning flows (disable, enable, delete) and the mass-deletion guard."""

from __future__ import annotations

import pytest

from ldapconnector.config import DeprovisionAction, SetAttributeValue
from ldapconnector.detect import DisableMethod
from ldapconnector.model import Entry, Modification, ModifyOp
from ldapconnector.profiles import (
    DeleteOperation,
    DeprovisionFlow,
    FlowKind,
    ModifyOperation,
    Operation,
    PlanFailure,
    check_mass_deletion,
    plan_delete,
    plan_disable,
    plan_enable,
)

DN = "cn=bsimon,dc=contoso,dc=lab"
PPOLICY = DisableMethod(attribute="pwdAccountLockedTime", value="000001010000Z")
DS389 = DisableMethod(attribute="nsAccountLock", value="true")
AD = DisableMethod(attribute="userAccountControl", value="0x2")


def entry(**attributes: tuple[str, ...]) -> Entry:
    """A user entry with ``attributes``."""
    return Entry(DN, {"cn": ("bsimon",), **attributes})


def change(result: tuple[Operation, ...] | PlanFailure) -> Modification:
    """The one change of a plan that must be one single-change modify."""
    assert isinstance(result, tuple), result
    (modify,) = result
    assert isinstance(modify, ModifyOperation)
    (only,) = modify.changes
    return only


def test_none_flow_does_nothing() -> None:
    """The none flow plans no operation, to disable or to enable."""
    flow = DeprovisionFlow.from_config(DeprovisionAction.NONE)
    assert plan_disable(flow, entry()) == ()
    assert plan_enable(flow, entry()) == ()


def test_delete_flow_deletes() -> None:
    """The delete flow deletes the entry; plan_delete does the same."""
    flow = DeprovisionFlow.from_config(DeprovisionAction.DELETE)
    assert plan_disable(flow, entry()) == (DeleteOperation(dn=DN),)
    assert plan_delete(entry()) == (DeleteOperation(dn=DN),)


def test_set_attribute_writes_a_boolean_and_its_opposite() -> None:
    """set_attribute writes TRUE to disable and FALSE to enable, only when needed."""
    flow = DeprovisionFlow.from_config(SetAttributeValue(set_attribute="nsAccountLock", value=True))
    assert flow.kind is FlowKind.SET_ATTRIBUTE
    assert change(plan_disable(flow, entry())) == Modification(
        ModifyOp.REPLACE, "nsAccountLock", ("TRUE",)
    )
    assert plan_disable(flow, entry(nsAccountLock=("true",))) == ()
    assert change(plan_enable(flow, entry(nsAccountLock=("TRUE",)))) == Modification(
        ModifyOp.REPLACE, "nsAccountLock", ("FALSE",)
    )
    assert plan_enable(flow, entry()) == ()


def test_openldap_ppolicy_lock_is_set_and_deleted() -> None:
    """The vendor flow on OpenLDAP sets pwdAccountLockedTime and deletes it to unlock."""
    flow = DeprovisionFlow.from_config("vendor", vendor_method=PPOLICY)
    assert change(plan_disable(flow, entry())) == Modification(
        ModifyOp.REPLACE, "pwdAccountLockedTime", ("000001010000Z",)
    )
    locked = entry(pwdAccountLockedTime=("000001010000Z",))
    assert plan_disable(flow, locked) == ()
    assert change(plan_enable(flow, locked)) == Modification(
        ModifyOp.DELETE, "pwdAccountLockedTime", ()
    )
    assert plan_enable(flow, entry()) == ()


def test_389_lock_flips_the_boolean_in_its_spelling() -> None:
    """nsAccountLock: true is undone with false."""
    flow = DeprovisionFlow.vendor(DS389)
    assert change(plan_enable(flow, entry(nsAccountLock=("true",)))) == Modification(
        ModifyOp.REPLACE, "nsAccountLock", ("false",)
    )


def test_active_directory_bit_keeps_the_other_bits() -> None:
    """userAccountControl gets bit 0x2 set or cleared; 512 becomes 514 and back."""
    flow = DeprovisionFlow.vendor(AD)
    assert change(plan_disable(flow, entry(userAccountControl=("512",)))) == Modification(
        ModifyOp.REPLACE, "userAccountControl", ("514",)
    )
    assert plan_disable(flow, entry(userAccountControl=("514",))) == ()
    assert change(plan_enable(flow, entry(userAccountControl=("66050",)))) == Modification(
        ModifyOp.REPLACE, "userAccountControl", ("66048",)
    )


def test_bit_flow_without_the_current_value_fails() -> None:
    """The bit cannot be set without reading the current flags."""
    assert isinstance(plan_disable(DeprovisionFlow.vendor(AD), entry()), PlanFailure)


def test_vendor_flow_needs_a_detected_method() -> None:
    """Asking for the vendor flow on a server without one is an error."""
    with pytest.raises(ValueError, match="disable method"):
        DeprovisionFlow.from_config("vendor")


@pytest.mark.parametrize(
    ("planned", "limit", "force", "allowed"),
    [(10, 10, False, True), (11, 10, False, False), (11, 10, True, True), (0, 0, False, True)],
)
def test_mass_deletion_guard(planned: int, limit: int, force: bool, allowed: bool) -> None:
    """More deletes than max_deletes are refused unless forced."""
    verdict = check_mass_deletion(planned, limit, force=force)
    assert (verdict is None) is allowed
    if verdict is not None:
        assert f"refusing to delete {planned} entries" in verdict
