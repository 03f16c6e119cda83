"""What ``/Groups`` shows and stores: the group type of the configuration, over SCIM.

The bridge file names the ``[[object_types]]`` behind ``/Users`` and ``/Groups``
(``users``, ``groups``). A Group resource becomes a source record of the group type, as
a source does for ``export``: ``displayName`` and ``externalId`` under those names (the
type's ``[[mappings]]`` use them: ``-dn-``, ``cn``...), and ``members[].value`` -- SCIM
user ids -- as the membership's ``source`` key, resolved by the bridge to the users'
source ids. Reading a group back, its ``displayName`` and ``externalId`` come from the
LDAP attributes their direct mappings fill, its members from the membership attribute.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ldapconnector.config import ConnectorConfig, MappingType
from ldapconnector.errors import ConfigurationError
from ldapconnector.profiles import MemberSettings, member_settings
from ldapconnector.scim._convert import CachedUser, scim_id
from ldapconnector.scim._settings import EndpointSettings

__all__ = [
    "GROUP_SCHEMA",
    "GroupView",
    "ServedTypes",
    "build_group_view",
    "group_bridge_config",
    "group_document",
    "group_record",
    "member_values",
    "split_config",
]

GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
#: The source names a group type's mappings read (RFC 7643 section 4.2 attributes).
DISPLAY_NAME = "displayName"
EXTERNAL_ID = "externalId"


@attrs.frozen(kw_only=True)
class GroupView:
    """How the group type shows over SCIM.

    Attributes:
        display_name: the LDAP attribute behind ``displayName`` (its direct mapping's
            target).
        external_id: the LDAP attribute behind ``externalId``, if a direct mapping fills it.
        members: the type's membership settings (attribute, DN or uid values, source key).
    """

    display_name: str
    external_id: str | None
    members: MemberSettings


def _object_type_of(config: ConnectorConfig, name: str, key: str) -> ConnectorConfig:
    if name not in config.object_type_names:
        listed = ", ".join(config.object_type_names) or "none: the file has [object_type]"
        raise ConfigurationError([f"{key}: no object type {name!r} (configured: {listed})"])
    return config.for_object_type(name)


@attrs.frozen(kw_only=True)
class ServedTypes:
    """The single-type configurations an endpoint serves.

    Attributes:
        users: the configuration behind ``/Users``.
        groups: the group type's, behind ``/Groups``; None serves no groups.
        users_name: the users' ``[[object_types]]`` name (None for ``[object_type]``).
        groups_name: the group type's name.
    """

    users: ConnectorConfig
    groups: ConnectorConfig | None = None
    users_name: str | None = None
    groups_name: str | None = None


def split_config(endpoint: EndpointSettings, config: ConnectorConfig) -> ServedTypes:
    """The users' and the groups' single-type configurations an endpoint serves.

    An ``[object_type]`` file serves users only. With ``[[object_types]]``, ``groups``
    names the group type and ``users`` the users' type (by default the one the group
    type's members belong to, which it must be).

    Raises:
        ConfigurationError: a name the file lacks, ``groups`` without ``[[object_types]]``
            or without ``membership``, members of another type than ``users``; the
            problem names the ``[[connectors]]`` table (``connectors[LDAP].groups``).
    """
    where = f"connectors[{endpoint.name}]."
    if not config.object_types:
        if endpoint.groups is not None or endpoint.users is not None:
            raise ConfigurationError(
                [f"{where}groups: /Groups needs a configuration with [[object_types]] "
                 "(users and a group type); this one has [object_type]"]
            )  # fmt: skip
        return ServedTypes(users=config)
    groups = _object_type_of(config, endpoint.groups, f"{where}groups") if endpoint.groups else None
    membership = groups.object_type.membership if groups and groups.object_type else None
    if groups is not None and membership is None:
        raise ConfigurationError(
            [f"{where}groups: the object type {endpoint.groups!r} has no membership table"]
        )
    users_name = endpoint.users or (membership.members_of if membership else None)
    if users_name is None:
        raise ConfigurationError(
            [f"{where}users: required: name the object type served as /Users "
             f"({', '.join(config.object_type_names)})"]
        )  # fmt: skip
    if membership is not None and membership.members_of != users_name:
        raise ConfigurationError(
            [f"{where}users: the group type's members are {membership.members_of!r}, "
             f"not {users_name!r}"]
        )  # fmt: skip
    return ServedTypes(
        users=_object_type_of(config, users_name, f"{where}users"), groups=groups,
        users_name=users_name, groups_name=endpoint.groups,
    )  # fmt: skip


def group_bridge_config(config: ConnectorConfig) -> ConnectorConfig:
    """The group type's configuration the bridge exports with: nulls flow (a PUT or
    PATCH is the whole new state: an ``externalId`` it lacks is cleared)."""
    return attrs.evolve(config, global_=attrs.evolve(config.global_, flow_nulls=True))


def _direct_target(config: ConnectorConfig, source: str) -> str | None:
    for mapping in config.mappings:
        if mapping.type is MappingType.DIRECT and mapping.source == source:
            return mapping.target
    return None


def build_group_view(config: ConnectorConfig, where: str = "groups") -> GroupView:
    """The view of the group type (its single-type configuration).

    Raises:
        ConfigurationError: no direct mapping from ``displayName`` (a group's name must
            be read back), or the type has no membership.
    """
    settings = member_settings(config.object_type)
    display_name = _direct_target(config, DISPLAY_NAME)
    if settings is None or display_name is None:
        raise ConfigurationError(
            [f"{where}: the group type served as /Groups needs a membership table and a "
             'direct mapping from "displayName" (e.g. source = "displayName", target = "cn")']
        )  # fmt: skip
    return GroupView(
        display_name=display_name, external_id=_direct_target(config, EXTERNAL_ID),
        members=settings,
    )  # fmt: skip


def group_document(
    group: CachedUser, view: GroupView, member_ids: list[str], pending: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The SCIM Group document of a group entry.

    Args:
        group: the group entry.
        view: the group view.
        member_ids: the SCIM ids of the users its membership attribute names.
        pending: member ids not provisioned yet (kept, shown without a ``$ref``).
    """
    document: dict[str, Any] = {"schemas": [GROUP_SCHEMA], "id": scim_id(group.anchor)}
    if names := group.texts(view.display_name):
        document["displayName"] = names[0]
    if view.external_id and (ids := group.texts(view.external_id)):
        document["externalId"] = ids[0]
    members: list[dict[str, Any]] = [
        {"value": user_id, "$ref": f"Users/{user_id}", "type": "User"} for user_id in member_ids
    ]
    members += [{"value": member, "type": "User"} for member in pending]
    if members:
        document["members"] = members
    return document


def member_values(document: Mapping[str, Any]) -> list[str]:
    """The ``members[].value`` of a Group document, in order, each once."""
    values = [
        m.get("value") for m in document.get("members") or () if isinstance(m, Mapping)
    ]  # fmt: skip
    return list(dict.fromkeys(v for v in values if isinstance(v, str) and v))


def group_record(
    document: Mapping[str, Any], view: GroupView, source_id: str, member_ids: list[str]
) -> dict[str, Any]:
    """The group type's source record for the new state of a group.

    Args:
        document: the Group document (JSON, by alias) after the request was applied.
        view: the group view.
        source_id: the record's ``id`` (the group type's link-store source id).
        member_ids: the members' source ids in the users' link store.
    """
    return {
        "id": source_id,
        DISPLAY_NAME: document.get("displayName"),
        EXTERNAL_ID: document.get("externalId"),
        view.members.source: member_ids,
    }
