"""What the import profiles of a group type need: the member resolver, the attribute read."""

from __future__ import annotations

import attrs

from ldapconnector.config import ConnectorConfig
from ldapconnector.profiles import ImportPlan, MemberResolver, member_settings
from ldapconnector.space import LinkStore

__all__ = ["member_resolver", "reading_members"]


def member_resolver(config: ConnectorConfig, members: LinkStore | None) -> MemberResolver | None:
    """The resolver of a group type's member values, or None.

    None for a type without ``membership`` and when no members' link store was given
    (the import then reports the membership attribute's values as read, and no more).
    """
    settings = member_settings(config.object_type)
    if settings is None or members is None:
        return None
    return MemberResolver(settings=settings, store=members)


def reading_members(plan: ImportPlan, resolver: MemberResolver | None) -> ImportPlan:
    """The plan, asking for the membership attribute too when it names its attributes."""
    if resolver is None or "*" in plan.attributes:
        return plan
    attribute = resolver.settings.attribute
    if attribute.lower() in {name.lower() for name in plan.attributes}:
        return plan
    return attrs.evolve(plan, attributes=(*plan.attributes, attribute))
