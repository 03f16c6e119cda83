"""The discovery documents (``/Schemas``, ``/ResourceTypes``, ``/ServiceProviderConfig``).

``/Schemas`` publishes the core User schema and the enterprise User extension cut down
to what the connector stores (RFC 7643 lets a service provider publish the attributes it
supports), and the ``urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User``
extension generated from the connector's ``[[attributes]]``: this is the attribute list
Entra ID's provisioning page shows. The service provider configuration announces what
the bridge does: PATCH and filters yes; bulk, sort, ETags and password change no.
"""

from __future__ import annotations

from typing import Any

from scim2_models import ResourceType, Schema, ScimPolicy, ScimProvider, ServiceProviderConfig
from scim2_server.utils import load_default_schemas

from ldapconnector.scim._group_view import GROUP_SCHEMA
from ldapconnector.scim._settings import BridgeMode
from ldapconnector.scim._view import (
    ECMA_EXTENSION,
    ENTERPRISE_EXTENSION,
    USER_SCHEMA,
    ExtensionAttribute,
    UserView,
)

__all__ = [
    "ENTRA_POLICY",
    "MAX_RESULTS",
    "group_schema_document",
    "provider_for",
    "schema_documents",
    "service_provider_config",
]

#: The largest page a list or filter returns (``filter.maxResults``).
MAX_RESULTS = 200

_SERVICE_PROVIDER_CONFIG: dict[str, Any] = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
    "patch": {"supported": True},
    "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
    "filter": {"supported": True, "maxResults": MAX_RESULTS},
    "changePassword": {"supported": False},
    "sort": {"supported": False},
    "etag": {"supported": False},
    "authenticationSchemes": [
        {
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "The connector's secret token: Authorization: Bearer <token>",
            "specUri": "https://www.rfc-editor.org/rfc/rfc6750",
            "primary": True,
        }
    ],
}


#: What Entra ID sends that RFC 7644 does not say: a PATCH path filter that matches nothing
#: (``emails[type eq "work"].value`` on a user without a work email) creates the entry it
#: describes, and ``remove`` with a value removes the values given. Unknown attributes stay
#: an error (a 400 naming them).
ENTRA_POLICY = ScimPolicy(
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
)


def service_provider_config() -> ServiceProviderConfig:
    """What the bridge supports (RFC 7643 section 5)."""
    return ServiceProviderConfig.model_validate(_SERVICE_PROVIDER_CONFIG)


def _extension_attribute(attribute: ExtensionAttribute) -> dict[str, Any]:
    return {
        "name": attribute.name,
        "type": attribute.type.value,
        "multiValued": attribute.multi_valued,
        "description": f"The LDAP attribute {attribute.name}"
        if attribute.name != "-dn-"
        else "The entry's distinguished name (a change renames the entry)",
        "required": attribute.required,
        "caseExact": False,
        "mutability": "writeOnly" if attribute.write_only else "readWrite",
        "returned": "never" if attribute.write_only else "default",
        "uniqueness": "none",
    }


def _ecma_schema(view: UserView) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": ECMA_EXTENSION,
        "name": "ECMA2Host User",
        "description": "The connector's selected LDAP attributes, names kept exactly",
        "attributes": [_extension_attribute(a) for a in view.extension],
    }


def _kept(
    attributes: list[dict[str, Any]], paths: set[str], required: set[str]
) -> list[dict[str, Any]]:
    """The attributes (and sub-attributes) whose path is in ``paths``; ``required`` marked."""
    kept = []
    for attribute in attributes:
        name = attribute["name"]
        subs = {p.partition(".")[2] for p in paths if p.startswith(name + ".")}
        if name in paths:
            kept.append({**attribute, "required": attribute["required"] or name in required})
        elif subs:
            sub_attributes = [
                {**s, "required": s["required"] or f"{name}.{s['name']}" in required}
                for s in attribute.get("subAttributes", [])
                if s["name"] in subs
            ]
            # A required sub-attribute makes its parent required (sn -> name.familyName).
            needed = attribute["required"] or any(s["required"] for s in sub_attributes)
            kept.append({**attribute, "required": needed, "subAttributes": sub_attributes})
    return kept


def _core_paths(view: UserView) -> set[str]:
    if view.mode is BridgeMode.PASS_THROUGH:
        return {"userName", "active"}
    return {p.path for p in view.core} | {"userName", "active"}


def schema_documents(view: UserView) -> list[dict[str, Any]]:
    """The three schemas ``/Schemas`` lists, as JSON documents."""
    defaults = load_default_schemas()
    paths = _core_paths(view)
    user = defaults[USER_SCHEMA].model_dump(mode="json")
    # ``active`` is required: every entry is enabled or disabled (a POST without it is
    # taken as active, see _quirks); MUST attributes' paths are required too.
    required = {"active", *view.required}
    user["attributes"] = _kept(user["attributes"], paths, required)
    if view.mode is BridgeMode.PASS_THROUGH:
        # The ECMA host's clients send the LDAP attributes in the extension; userName
        # (the attribute behind it, ``uid``) may come from there instead.
        for attribute in user["attributes"]:
            if attribute["name"] == "userName":
                attribute["required"] = False
    enterprise = defaults[ENTERPRISE_EXTENSION].model_dump(mode="json")
    enterprise["attributes"] = _kept(
        enterprise["attributes"], {p.path for p in view.core}, required
    )
    return [user, enterprise, _ecma_schema(view)]


#: The member sub-attributes the bridge stores (RFC 7643 section 8.7.1 lists these
#: three; ``display`` is not kept: the directory holds the member, not a label).
_MEMBER_FIELDS = ("value", "$ref", "type")


def group_schema_document() -> dict[str, Any]:
    """The core Group schema as the bridge serves it: members are Users (no nesting)."""
    group: dict[str, Any] = load_default_schemas()[GROUP_SCHEMA].model_dump(mode="json")
    for attribute in group["attributes"]:
        if attribute["name"] == "members":
            subs = [s for s in attribute["subAttributes"] if s["name"] in _MEMBER_FIELDS]
            for sub in subs:
                if sub["name"] == "$ref":
                    sub["referenceTypes"] = ["User"]
                if sub["name"] == "type":
                    sub["canonicalValues"] = ["User"]
            attribute["subAttributes"] = subs
    return group


_GROUP_RESOURCE_TYPE: dict[str, Any] = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
    "id": "Group", "name": "Group", "description": "Group", "endpoint": "/Groups",
    "schema": GROUP_SCHEMA, "schemaExtensions": [],
}  # fmt: skip


def _resource_type(view: UserView) -> dict[str, Any]:
    extensions = [{"schema": ECMA_EXTENSION, "required": False}]
    if any(p.schema == ENTERPRISE_EXTENSION for p in view.core):
        extensions.insert(0, {"schema": ENTERPRISE_EXTENSION, "required": False})
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "User",
        "name": "User",
        "description": "User Account",
        "endpoint": "/Users",
        "schema": USER_SCHEMA,
        "schemaExtensions": extensions,
    }


def provider_for(view: UserView, *, groups: bool = False) -> ScimProvider:
    """The scim2-models description of one connector's service (models built from it).

    Args:
        view: what the users show.
        groups: also serve ``/Groups`` (the Group schema and resource type).
    """
    documents = schema_documents(view) + ([group_schema_document()] if groups else [])
    schemas = [Schema.model_validate(document) for document in documents]
    types = [_resource_type(view)] + ([_GROUP_RESOURCE_TYPE] if groups else [])
    resource_types = [ResourceType.model_validate(t) for t in types]
    return ScimProvider.from_discovery(
        schemas, resource_types, config=service_provider_config(), policy=ENTRA_POLICY
    )
