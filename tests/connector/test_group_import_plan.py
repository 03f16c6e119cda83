"""A group type's full import reads its membership attribute even when attributes are named."""

from __future__ import annotations

from ldapconnector.anchors import strategy_for
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector._groups import member_resolver, reading_members
from ldapconnector.profiles import plan_full_import
from ldapconnector.space import SqliteLinkStore


def config(**sections: object) -> ConnectorConfig:
    """A posixGroup type whose members are users, reading only ``cn``."""
    return ConnectorConfig.from_dict({
        "connectivity": {"host": "ldap.example", "security": "none",
                         "allow_cleartext_bind": True, "binding": "anonymous"},
        "object_type": {"target": "posixGroup", "membership": {"members_of": "users"}},
        **sections,
    })  # fmt: skip


def test_the_membership_attribute_joins_named_attributes() -> None:
    """With ``[[attributes]]`` naming others, ``memberUid`` is asked for too; with ``*``
    the plan is left alone; without the members' store nothing changes."""
    strategy = strategy_for("entryUUID")
    named = config(attributes=[{"name": "cn"}])
    with SqliteLinkStore.in_memory() as users:
        resolver = member_resolver(named, users)
        plan = plan_full_import(named, strategy, ("ou=groups,dc=a",))
        assert "memberUid" not in plan.attributes
        assert reading_members(plan, resolver).attributes == (*plan.attributes, "memberUid")
        everything = plan_full_import(config(), strategy, ("ou=groups,dc=a",))
        assert reading_members(everything, member_resolver(config(), users)) == everything
    assert member_resolver(named, None) is None
    assert reading_members(plan, None) == plan
