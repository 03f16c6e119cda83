"""The one exception tree of ldapconnector.

How this layer works: every error the library raises on purpose derives from
:class:`LdapConnectorError`, so a caller can catch everything with one ``except`` clause
and still tell the cases apart. The layer is pure: it imports nothing but
:mod:`ldapconnector.model` (for :class:`~ldapconnector.model.ConnectionStage`), so every
other layer can raise from it. The tree::

    LdapConnectorError
    ├── ChangeLogDecodeError          a change-log entry could not be decoded; names its position
    ├── ConfigurationError            bad configuration; lists every problem with its key path
    ├── FullImportRequiredError       the watermark is older than the change log
    ├── InsecureOperationError        refused for safety (clear-text simple bind, ...)
    ├── UnsupportedFeatureError       an optional part or feature is missing
    ├── LdifError                     malformed LDIF input; names the line
    ├── SchemaError                   not a subschema at all, or an unknown object class
    ├── SourceFileError               a JSON Lines source file with bad lines (all listed)
    ├── DetectionError                detection could not run (not: "unknown vendor")
    ├── TestServerError               a throwaway test server would not start (in
    │                                 ldapconnector.testing; carries the server log's tail)
    ├── InvalidRequestError           a malformed filter, DN or value, caught before sending
    ├── LinkStoreError                the link store refused an operation or cannot be opened
    ├── ExpressionError               attribute-mapping expressions
    │   ├── ExpressionSyntaxError     .source, .position; str() draws a caret under it
    │   └── ExpressionEvaluationError .function, .value: a run-time failure
    ├── TransportError                the connection itself failed; .stage says where
    │   ├── ServerUnreachableError    DNS or TCP
    │   ├── OperationTimeoutError     connect or response timeout
    │   └── TLSError                  handshake failed
    │       └── CertificateVerificationError   the server certificate was not trusted
    └── LdapOperationError            the server answered with a non-success result code
        ├── OperationsError                    1
        ├── ProtocolError                      2
        ├── TimeLimitExceededError             3
        ├── SizeLimitExceededError             4
        ├── AuthMethodNotSupportedError        7
        ├── StrongerAuthRequiredError          8
        ├── AdminLimitExceededError           11
        ├── UnavailableCriticalExtensionError 12
        ├── ConfidentialityRequiredError      13
        ├── SaslBindInProgressError           14
        ├── NoSuchAttributeError              16
        ├── UndefinedAttributeTypeError       17
        ├── ConstraintViolationError          19
        ├── AttributeOrValueExistsError       20
        ├── InvalidAttributeSyntaxError       21
        ├── NoSuchObjectError                 32
        ├── InvalidDNSyntaxError              34
        ├── AuthenticationFailedError         48, 49
        ├── InsufficientAccessError           50
        ├── BusyError                         51
        ├── UnavailableError                  52
        ├── UnwillingToPerformError           53
        ├── NamingViolationError              64
        ├── ObjectClassViolationError         65
        ├── NotAllowedOnNonLeafError          66
        ├── NotAllowedOnRDNError              67
        ├── AlreadyExistsError                68
        └── ObjectClassModsProhibitedError    69

Each result-code class declares its codes in its class statement
(``class BusyError(LdapOperationError, codes=(51,))``); :func:`error_class_for_code` looks
them up in a read-only table built once from those classes. No message built here ever
contains a credential: callers pass DNs, attribute names and server diagnostics, never
passwords, and :func:`redact_secrets` scrubs diagnostics that echo a request back.
"""

from ldapconnector.errors._redact import redact_secrets
from ldapconnector.errors._results import (
    AdminLimitExceededError,
    AlreadyExistsError,
    AttributeOrValueExistsError,
    AuthenticationFailedError,
    AuthMethodNotSupportedError,
    BusyError,
    ConfidentialityRequiredError,
    ConstraintViolationError,
    InsufficientAccessError,
    InvalidAttributeSyntaxError,
    InvalidDNSyntaxError,
    LdapOperationError,
    NamingViolationError,
    NoSuchAttributeError,
    NoSuchObjectError,
    NotAllowedOnNonLeafError,
    NotAllowedOnRDNError,
    ObjectClassModsProhibitedError,
    ObjectClassViolationError,
    OperationsError,
    ProtocolError,
    SaslBindInProgressError,
    SizeLimitExceededError,
    StrongerAuthRequiredError,
    TimeLimitExceededError,
    UnavailableCriticalExtensionError,
    UnavailableError,
    UndefinedAttributeTypeError,
    UnwillingToPerformError,
    error_class_for_code,
)
from ldapconnector.errors._tree import (
    CertificateVerificationError,
    ChangeLogDecodeError,
    ConfigurationError,
    DetectionError,
    ExpressionError,
    ExpressionEvaluationError,
    ExpressionSyntaxError,
    FullImportRequiredError,
    InsecureOperationError,
    InvalidRequestError,
    LdapConnectorError,
    LdifError,
    LinkStoreError,
    OperationTimeoutError,
    SchemaError,
    ServerUnreachableError,
    SourceFileError,
    TLSError,
    TransportError,
    UnsupportedFeatureError,
)

__all__ = [
    "AdminLimitExceededError",
    "AlreadyExistsError",
    "AttributeOrValueExistsError",
    "AuthMethodNotSupportedError",
    "AuthenticationFailedError",
    "BusyError",
    "CertificateVerificationError",
    "ChangeLogDecodeError",
    "ConfidentialityRequiredError",
    "ConfigurationError",
    "ConstraintViolationError",
    "DetectionError",
    "ExpressionError",
    "ExpressionEvaluationError",
    "ExpressionSyntaxError",
    "FullImportRequiredError",
    "InsecureOperationError",
    "InsufficientAccessError",
    "InvalidAttributeSyntaxError",
    "InvalidDNSyntaxError",
    "InvalidRequestError",
    "LdapConnectorError",
    "LdapOperationError",
    "LdifError",
    "LinkStoreError",
    "NamingViolationError",
    "NoSuchAttributeError",
    "NoSuchObjectError",
    "NotAllowedOnNonLeafError",
    "NotAllowedOnRDNError",
    "ObjectClassModsProhibitedError",
    "ObjectClassViolationError",
    "OperationTimeoutError",
    "OperationsError",
    "ProtocolError",
    "SaslBindInProgressError",
    "SchemaError",
    "ServerUnreachableError",
    "SizeLimitExceededError",
    "SourceFileError",
    "StrongerAuthRequiredError",
    "TLSError",
    "TimeLimitExceededError",
    "TransportError",
    "UnavailableCriticalExtensionError",
    "UnavailableError",
    "UndefinedAttributeTypeError",
    "UnsupportedFeatureError",
    "UnwillingToPerformError",
    "error_class_for_code",
    "redact_secrets",
]

# The classes are written in private modules, but tracebacks, reprs and pickles name them
# by their documented home, as they did when this package was one module.
for _name in __all__:
    _value = globals()[_name]
    if isinstance(_value, type):
        _value.__module__ = __name__
del _name, _value
