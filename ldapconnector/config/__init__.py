"""Frozen configuration objects, one per section of the connector's config file.

How this layer works: every section of the TOML file (docs/configuration.md) has a frozen
attrs class here, and the keys mirror the pages of Microsoft's Generic LDAP connector
(Connectivity, Global, Partitions, Run profiles, Object types, Select attributes,
Deprovisioning) plus the Entra ID attribute mappings; ``[[object_types]]`` names several
object types (users, groups), each with its own mappings. Each class checks itself when it is
built, so an instance that exists is valid; a bad value raises one
:class:`~ldapconnector.errors.ConfigurationError` listing every problem with its key path.
:meth:`ConnectorConfig.from_file` and :meth:`ConnectorConfig.from_dict` do the same for
untyped input and also report unknown keys (with a did-you-mean), resolve the password from
``password_env``/``password_file`` and check that referenced files exist. Passwords are
held in :class:`Secret` and never appear in ``repr``, ``str``, messages or
:meth:`ConnectorConfig.to_dict`. Expressions are stored as text; pass
``compile_expression`` to the loaders (or call :meth:`ConnectorConfig.check_expressions`)
to have them compiled and their errors reported with the rest.
"""

from ldapconnector.config._connectivity import Binding, ConnectivityConfig, Security
from ldapconnector.config._connector import ConnectorConfig
from ldapconnector.config._membership import MembershipConfig
from ldapconnector.config._object_types import ObjectTypeDefinition
from ldapconnector.config._secret import Secret
from ldapconnector.config._sections import (
    ApplyWhen,
    AttributeConfig,
    DeprovisionAction,
    DeprovisioningConfig,
    GlobalConfig,
    MappingConfig,
    MappingType,
    ObjectTypeConfig,
    Paging,
    RunProfilesConfig,
    SetAttributeValue,
    SpaceBackend,
    SpaceConfig,
)
from ldapconnector.config._targets import DN_TARGET

__all__ = [
    "DN_TARGET",
    "ApplyWhen",
    "AttributeConfig",
    "Binding",
    "ConnectivityConfig",
    "ConnectorConfig",
    "DeprovisionAction",
    "DeprovisioningConfig",
    "GlobalConfig",
    "MappingConfig",
    "MappingType",
    "MembershipConfig",
    "ObjectTypeConfig",
    "ObjectTypeDefinition",
    "Paging",
    "RunProfilesConfig",
    "Secret",
    "Security",
    "SetAttributeValue",
    "SpaceBackend",
    "SpaceConfig",
]
