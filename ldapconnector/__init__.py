"""ldapconnector: a generic LDAP connector.

Detects the directory server, reads its schema, maps source users to entries with the
Entra ID expression language, and runs full imports, delta imports and exports safely.

This top level holds the names a user of the library needs: the configuration, the
errors, the connector and its results, the values that cross the layers, detection,
schema and expressions, and the test servers. Everything else stays importable from its
own sub-package (``docs/index.md`` maps them). Importing the package loads no LDAP wire
library: the names that talk to a server (``Connector``, ``open_connection``, the run
results, the test servers) are imported on first use.
"""

from __future__ import annotations

import importlib
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ldapconnector.anchors import (
    Anchor,
    AnchorKind,
    choose_anchor,
)
from ldapconnector.config import (
    DN_TARGET,
    ApplyWhen,
    AttributeConfig,
    Binding,
    ConnectivityConfig,
    ConnectorConfig,
    DeprovisionAction,
    DeprovisioningConfig,
    GlobalConfig,
    MappingConfig,
    MappingType,
    ObjectTypeConfig,
    Paging,
    RunProfilesConfig,
    Secret,
    Security,
    SetAttributeValue,
)
from ldapconnector.detect import (
    Confidence,
    DeltaSource,
    DisableMethod,
    RootDSE,
    ServerInfo,
    Vendor,
    fingerprint,
)
from ldapconnector.dn import (
    Rdn,
    dn_equal,
    format_dn,
    normalize_dn,
    parent_dn,
    parse_dn,
)
from ldapconnector.errors import (
    AdminLimitExceededError,
    AlreadyExistsError,
    AttributeOrValueExistsError,
    AuthenticationFailedError,
    AuthMethodNotSupportedError,
    BusyError,
    CertificateVerificationError,
    ChangeLogDecodeError,
    ConfidentialityRequiredError,
    ConfigurationError,
    ConstraintViolationError,
    DetectionError,
    ExpressionError,
    ExpressionEvaluationError,
    ExpressionSyntaxError,
    FullImportRequiredError,
    InsecureOperationError,
    InsufficientAccessError,
    InvalidAttributeSyntaxError,
    InvalidDNSyntaxError,
    InvalidRequestError,
    LdapConnectorError,
    LdapOperationError,
    LdifError,
    LinkStoreError,
    NamingViolationError,
    NoSuchAttributeError,
    NoSuchObjectError,
    NotAllowedOnNonLeafError,
    NotAllowedOnRDNError,
    ObjectClassModsProhibitedError,
    ObjectClassViolationError,
    OperationsError,
    OperationTimeoutError,
    ProtocolError,
    SaslBindInProgressError,
    SchemaError,
    ServerUnreachableError,
    SizeLimitExceededError,
    SourceFileError,
    StrongerAuthRequiredError,
    TimeLimitExceededError,
    TLSError,
    TransportError,
    UnavailableCriticalExtensionError,
    UnavailableError,
    UndefinedAttributeTypeError,
    UnsupportedFeatureError,
    UnwillingToPerformError,
    error_class_for_code,
    redact_secrets,
)
from ldapconnector.escaping import (
    equality_filter,
    escape_dn_value,
    escape_filter_value,
)
from ldapconnector.expressions import (
    EvaluationContext,
    Expression,
    compile_expression,
    evaluate_expression,
)
from ldapconnector.mapping import (
    DesiredEntry,
    MappingSet,
)
from ldapconnector.model import (
    ConnectionStage,
    Entry,
    Modification,
    ModifyOp,
    SearchScope,
    ServerCertificate,
    Value,
)
from ldapconnector.schema import (
    AttributeType,
    ObjectClass,
    ObjectClassKind,
    ProblemKind,
    Schema,
    SchemaOptions,
    SchemaProblem,
    ValueType,
)
from ldapconnector.space import (
    ImportedObject,
    Link,
    LinkState,
    LinkStore,
    SqliteLinkStore,
    Watermark,
)

if TYPE_CHECKING:
    from ldapconnector.connection import (
        ConnectionTestReport,
        LdapConnection,
        StageResult,
        open_connection,
        test_connection,
    )
    from ldapconnector.connector import (
        Connector,
    )
    from ldapconnector.profiles import (
        AttributeChange,
        ChangeRecord,
        ChangeType,
        DeltaImportResult,
        ExportOutcome,
        ExportReport,
        ImportedEntry,
        ImportProgress,
        ImportResult,
        ObjectResult,
    )
    from ldapconnector.testing import (
        DS389Server,
        OpenLDAPServer,
        SambaADServer,
    )

# Names whose modules import ldap3: loaded by ``__getattr__`` when first asked for.
_LAZY_HOMES = MappingProxyType(
    {
        "AttributeChange": "ldapconnector.profiles",
        "ChangeRecord": "ldapconnector.profiles",
        "ChangeType": "ldapconnector.profiles",
        "ConnectionTestReport": "ldapconnector.connection",
        "Connector": "ldapconnector.connector",
        "DS389Server": "ldapconnector.testing",
        "DeltaImportResult": "ldapconnector.profiles",
        "ExportOutcome": "ldapconnector.profiles",
        "ExportReport": "ldapconnector.profiles",
        "ImportProgress": "ldapconnector.profiles",
        "ImportResult": "ldapconnector.profiles",
        "ImportedEntry": "ldapconnector.profiles",
        "LdapConnection": "ldapconnector.connection",
        "ObjectResult": "ldapconnector.profiles",
        "OpenLDAPServer": "ldapconnector.testing",
        "SambaADServer": "ldapconnector.testing",
        "StageResult": "ldapconnector.connection",
        "open_connection": "ldapconnector.connection",
        "test_connection": "ldapconnector.connection",
    }
)


def __getattr__(name: str) -> Any:
    home = _LAZY_HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'ldapconnector' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # later look-ups find it without coming here
    return value


def detect(target: ConnectivityConfig | LdapConnection) -> ServerInfo:
    """Identify the server behind a connection (or the settings to open one).

    The live counterpart of :func:`fingerprint`; see
    :func:`ldapconnector.connector.detect`, which this calls.
    """
    from ldapconnector.connector import detect as detect_live

    return detect_live(target)


__all__ = [
    "DN_TARGET",
    "AdminLimitExceededError",
    "AlreadyExistsError",
    "Anchor",
    "AnchorKind",
    "ApplyWhen",
    "AttributeChange",
    "AttributeConfig",
    "AttributeOrValueExistsError",
    "AttributeType",
    "AuthMethodNotSupportedError",
    "AuthenticationFailedError",
    "Binding",
    "BusyError",
    "CertificateVerificationError",
    "ChangeLogDecodeError",
    "ChangeRecord",
    "ChangeType",
    "Confidence",
    "ConfidentialityRequiredError",
    "ConfigurationError",
    "ConnectionStage",
    "ConnectionTestReport",
    "ConnectivityConfig",
    "Connector",
    "ConnectorConfig",
    "ConstraintViolationError",
    "DS389Server",
    "DeltaImportResult",
    "DeltaSource",
    "DeprovisionAction",
    "DeprovisioningConfig",
    "DesiredEntry",
    "DetectionError",
    "DisableMethod",
    "Entry",
    "EvaluationContext",
    "ExportOutcome",
    "ExportReport",
    "Expression",
    "ExpressionError",
    "ExpressionEvaluationError",
    "ExpressionSyntaxError",
    "FullImportRequiredError",
    "GlobalConfig",
    "ImportProgress",
    "ImportResult",
    "ImportedEntry",
    "ImportedObject",
    "InsecureOperationError",
    "InsufficientAccessError",
    "InvalidAttributeSyntaxError",
    "InvalidDNSyntaxError",
    "InvalidRequestError",
    "LdapConnection",
    "LdapConnectorError",
    "LdapOperationError",
    "LdifError",
    "Link",
    "LinkState",
    "LinkStore",
    "LinkStoreError",
    "MappingConfig",
    "MappingSet",
    "MappingType",
    "Modification",
    "ModifyOp",
    "NamingViolationError",
    "NoSuchAttributeError",
    "NoSuchObjectError",
    "NotAllowedOnNonLeafError",
    "NotAllowedOnRDNError",
    "ObjectClass",
    "ObjectClassKind",
    "ObjectClassModsProhibitedError",
    "ObjectClassViolationError",
    "ObjectResult",
    "ObjectTypeConfig",
    "OpenLDAPServer",
    "OperationTimeoutError",
    "OperationsError",
    "Paging",
    "ProblemKind",
    "ProtocolError",
    "Rdn",
    "RootDSE",
    "RunProfilesConfig",
    "SambaADServer",
    "SaslBindInProgressError",
    "Schema",
    "SchemaError",
    "SchemaOptions",
    "SchemaProblem",
    "SearchScope",
    "Secret",
    "Security",
    "ServerCertificate",
    "ServerInfo",
    "ServerUnreachableError",
    "SetAttributeValue",
    "SizeLimitExceededError",
    "SourceFileError",
    "SqliteLinkStore",
    "StageResult",
    "StrongerAuthRequiredError",
    "TLSError",
    "TimeLimitExceededError",
    "TransportError",
    "UnavailableCriticalExtensionError",
    "UnavailableError",
    "UndefinedAttributeTypeError",
    "UnsupportedFeatureError",
    "UnwillingToPerformError",
    "Value",
    "ValueType",
    "Vendor",
    "Watermark",
    "choose_anchor",
    "compile_expression",
    "detect",
    "dn_equal",
    "equality_filter",
    "error_class_for_code",
    "escape_dn_value",
    "escape_filter_value",
    "evaluate_expression",
    "fingerprint",
    "format_dn",
    "normalize_dn",
    "open_connection",
    "parent_dn",
    "parse_dn",
    "redact_secrets",
    "test_connection",
]


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
