"""The one exception tree of ldapconnector.

Every error the library raises on purpose derives from :class:`LdapConnectorError`, so a
caller can catch everything with one ``except`` clause and still tell the cases apart::

    LdapConnectorError
    ├── ChangeLogDecodeError          a change-log entry could not be decoded; names its position
    ├── ConfigurationError            bad configuration; lists every problem with its key path
    ├── FullImportRequiredError       the watermark is older than the change log
    ├── InsecureOperationError        refused for safety (clear-text simple bind, ...)
    ├── UnsupportedFeatureError       an optional part is missing (gssapi for Kerberos, ...)
    ├── LdifError                     malformed LDIF input; names the line
    ├── SchemaError                   not a subschema at all, or an unknown object class
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

Result codes map to classes through the declarative ``code`` class attribute (see
:func:`error_class_for_code`). No message built here ever contains a credential: callers
pass DNs, attribute names and server diagnostics, never passwords, and
:func:`redact_secrets` scrubs diagnostics that echo a request back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import ClassVar

from ldapconnector.model import ConnectionStage

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


class LdapConnectorError(Exception):
    """Base class of every error ldapconnector raises on purpose."""


class ChangeLogDecodeError(LdapConnectorError):
    """A change-log entry could not be decoded (a malformed ``reqMod``, a missing DN ...).

    The message names the log entry (its position) and what was wrong with it. A reader
    stops rather than skip it: skipping would lose a change.
    """


class ConfigurationError(LdapConnectorError):
    """The configuration is invalid.

    Attributes:
        problems: one line per problem, each starting with the key path at fault
            (``connectivity.port: must be 1-65535, got 0``).
    """

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        count = len(self.problems)
        header = f"invalid configuration ({count} problem{'s' if count != 1 else ''}):"
        super().__init__("\n".join([header, *(f"  - {p}" for p in self.problems)]))


class FullImportRequiredError(LdapConnectorError):
    """The stored watermark cannot be resumed: only a full import is complete now.

    Raised when the change source no longer reaches back to the watermark (OpenLDAP's
    accesslog purged, a ``cn=changelog`` trimmed past it), when it belongs to another
    source or server (another ``invocationId``/``dsServiceName``, a changelog whose last
    number is below the watermark), or when it cannot be read. Run a full import, then
    establish a new watermark (``delta_import(reset=True)``, best taken *before* the full
    import starts so nothing made during it is lost).

    Attributes:
        reason: what was found, in one sentence.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"full import required: {reason}")


class InsecureOperationError(LdapConnectorError):
    """An operation was refused because it would expose credentials or skip verification."""


class UnsupportedFeatureError(LdapConnectorError):
    """A feature needs an optional dependency or server capability that is not present."""


class LdifError(LdapConnectorError):
    """Malformed LDIF input.

    Attributes:
        line: the 1-based line number at fault, when known.
        source: a name for the input (a file path), when known.
    """

    def __init__(self, message: str, *, line: int | None = None, source: str | None = None):
        self.line = line
        self.source = source
        where = ""
        if source is not None:
            where = f"{source}:"
        if line is not None:
            where += f"{line}:"
        super().__init__(f"{where} {message}" if where else message)


class SchemaError(LdapConnectorError):
    """Input that cannot be read as a subschema at all, or a question about a schema element
    it does not define (an unknown object class). Vendor quirks are warnings, not errors."""


class DetectionError(LdapConnectorError):
    """Detection could not run (an unknown vendor is a result, not an error)."""


class InvalidRequestError(LdapConnectorError):
    """A request was malformed (filter, DN, attribute value) and was not sent."""


class LinkStoreError(LdapConnectorError):
    """The link store refused an operation or could not be opened.

    Raised for a file written by a newer ldapconnector, a file that is not a link store,
    an anchor already linked to another live source id, and a state change for a source
    id the store does not know.
    """


class ExpressionError(LdapConnectorError):
    """Base class of attribute-mapping expression errors."""


class ExpressionSyntaxError(ExpressionError):
    """An expression could not be compiled.

    Attributes:
        source: the expression text.
        position: 0-based character offset of the fault in ``source``.
        reason: the message without the caret drawing.
    """

    def __init__(self, reason: str, *, source: str, position: int) -> None:
        self.reason = reason
        self.source = source
        self.position = position
        super().__init__(self._render())

    def _render(self) -> str:
        # Show the line holding the fault with a caret under the offending character.
        line_start = self.source.rfind("\n", 0, self.position) + 1
        line_end = self.source.find("\n", self.position)
        if line_end == -1:
            line_end = len(self.source)
        line_no = self.source.count("\n", 0, self.position) + 1
        column = self.position - line_start
        text = self.source[line_start:line_end]
        return (
            f"{self.reason} at line {line_no}, column {column + 1} (position {self.position})\n"
            f"  {text}\n  {' ' * column}^"
        )


class ExpressionEvaluationError(ExpressionError):
    """An expression failed while being evaluated.

    Attributes:
        function: the function that failed, when one did.
        value: a printable form of the offending value, when there is one.
    """

    def __init__(self, message: str, *, function: str | None = None, value: object = None) -> None:
        self.function = function
        self.value = value
        super().__init__(f"{function}: {message}" if function else message)


class TransportError(LdapConnectorError):
    """The connection to the server could not be made or was lost.

    Attributes:
        stage: the step that failed, a :class:`~ldapconnector.model.ConnectionStage`: TCP
            unless the class says otherwise (TLSError: TLS, CertificateVerificationError:
            CERTIFICATE) or ``stage=`` does (DNS for a name that does not resolve).
        host: the server the connection was for.
    """

    stage: ConnectionStage = ConnectionStage.TCP

    def __init__(
        self, message: str, *, host: str | None = None, stage: ConnectionStage | None = None
    ):
        self.host = host
        if stage is not None:
            self.stage = stage
        super().__init__(message)


class ServerUnreachableError(TransportError):
    """The host name did not resolve or nothing accepted the TCP connection."""


class OperationTimeoutError(TransportError):
    """The server did not answer in time."""


class TLSError(TransportError):
    """The TLS handshake failed."""

    stage = ConnectionStage.TLS


class CertificateVerificationError(TLSError):
    """The server certificate could not be verified against the trusted CAs."""

    stage = ConnectionStage.CERTIFICATE


class LdapOperationError(LdapConnectorError):
    """The server answered an operation with a non-success result code.

    Class attributes ``code``/``codes`` declare which result codes a subclass stands for.

    Attributes:
        result_code: the LDAP result code the server sent (RFC 4511 section 4.1.9).
        result_name: the RFC name of the code (``noSuchObject``).
        dn: the entry the operation was about, when there is one.
        operation: the operation name ("add", "modify", "bind", ...).
        diagnostic: the server's diagnostic message, with secrets scrubbed.
        matched_dn: the server's matchedDN, when it gave one.
    """

    code: ClassVar[int | None] = None
    codes: ClassVar[tuple[int, ...]] = ()

    def __init__(
        self,
        *,
        code: int,
        result_name: str = "",
        operation: str = "",
        dn: str | None = None,
        diagnostic: str = "",
        matched_dn: str = "",
    ) -> None:
        self.result_code = code
        self.result_name = result_name
        self.operation = operation
        self.dn = dn
        self.diagnostic = redact_secrets(diagnostic)
        self.matched_dn = matched_dn
        parts = [f"{operation or 'operation'} failed"]
        if dn is not None:
            parts.append(f"for {dn!r}")
        parts.append(f"with result {code} ({result_name or 'unknown'})")
        message = " ".join(parts)
        if self.diagnostic:
            message += f": {self.diagnostic}"
        if matched_dn and dn is not None and matched_dn.lower() != dn.lower():
            message += f" (the server found up to {matched_dn!r})"
        hint = self.hint()
        if hint:
            message += f". {hint}"
        super().__init__(message)

    def hint(self) -> str:
        """A sentence telling the user what usually causes this error (may be empty)."""
        return ""


class OperationsError(LdapOperationError):
    """Result 1: operationsError."""

    code = 1
    codes = (1,)


class ProtocolError(LdapOperationError):
    """Result 2: protocolError."""

    code = 2
    codes = (2,)


class TimeLimitExceededError(LdapOperationError):
    """Result 3: timeLimitExceeded."""

    code = 3
    codes = (3,)


class SizeLimitExceededError(LdapOperationError):
    """Result 4: sizeLimitExceeded: the bind account may read fewer entries than asked."""

    code = 4
    codes = (4,)

    def hint(self) -> str:
        return "The bind account's size limit is lower than the result; raise it on the server"


class AuthMethodNotSupportedError(LdapOperationError):
    """Result 7: authMethodNotSupported."""

    code = 7
    codes = (7,)


class StrongerAuthRequiredError(LdapOperationError):
    """Result 8: strongerAuthRequired (often: a bind over clear text, or anonymous write)."""

    code = 8
    codes = (8,)

    def hint(self) -> str:
        return "The server wants an authenticated or encrypted connection (StartTLS or LDAPS)"


class AdminLimitExceededError(LdapOperationError):
    """Result 11: adminLimitExceeded."""

    code = 11
    codes = (11,)


class UnavailableCriticalExtensionError(LdapOperationError):
    """Result 12: a critical control is not supported by the server."""

    code = 12
    codes = (12,)


class ConfidentialityRequiredError(LdapOperationError):
    """Result 13: confidentialityRequired."""

    code = 13
    codes = (13,)


class SaslBindInProgressError(LdapOperationError):
    """Result 14: saslBindInProgress."""

    code = 14
    codes = (14,)


class NoSuchAttributeError(LdapOperationError):
    """Result 16: noSuchAttribute (e.g. deleting a value that is not there)."""

    code = 16
    codes = (16,)


class UndefinedAttributeTypeError(LdapOperationError):
    """Result 17: undefinedAttributeType."""

    code = 17
    codes = (17,)


class ConstraintViolationError(LdapOperationError):
    """Result 19: constraintViolation (password policy, uniqueness, ...)."""

    code = 19
    codes = (19,)


class AttributeOrValueExistsError(LdapOperationError):
    """Result 20: attributeOrValueExists."""

    code = 20
    codes = (20,)


class InvalidAttributeSyntaxError(LdapOperationError):
    """Result 21: invalidAttributeSyntax."""

    code = 21
    codes = (21,)


class NoSuchObjectError(LdapOperationError):
    """Result 32: noSuchObject."""

    code = 32
    codes = (32,)

    def hint(self) -> str:
        if self.operation == "add":
            return "The parent entry does not exist; containers are never created implicitly"
        return ""


class InvalidDNSyntaxError(LdapOperationError):
    """Result 34: invalidDNSyntax."""

    code = 34
    codes = (34,)


class AuthenticationFailedError(LdapOperationError):
    """Results 48/49: inappropriateAuthentication / invalidCredentials."""

    code = 49
    codes = (48, 49)

    def hint(self) -> str:
        return "Check the bind DN and the password source (the password is never shown)"


class InsufficientAccessError(LdapOperationError):
    """Result 50: insufficientAccessRights."""

    code = 50
    codes = (50,)

    def hint(self) -> str:
        return "The bind account lacks the access rights for this operation"


class BusyError(LdapOperationError):
    """Result 51: busy."""

    code = 51
    codes = (51,)


class UnavailableError(LdapOperationError):
    """Result 52: unavailable."""

    code = 52
    codes = (52,)


class UnwillingToPerformError(LdapOperationError):
    """Result 53: unwillingToPerform (also: a locked account on 389 DS)."""

    code = 53
    codes = (53,)


class NamingViolationError(LdapOperationError):
    """Result 64: namingViolation."""

    code = 64
    codes = (64,)


class ObjectClassViolationError(LdapOperationError):
    """Result 65: objectClassViolation: the entry does not fit the schema."""

    code = 65
    codes = (65,)

    def hint(self) -> str:
        return "Check the attributes against the object classes' MUST/MAY lists"


class NotAllowedOnNonLeafError(LdapOperationError):
    """Result 66: notAllowedOnNonLeaf."""

    code = 66
    codes = (66,)


class NotAllowedOnRDNError(LdapOperationError):
    """Result 67: notAllowedOnRDN."""

    code = 67
    codes = (67,)


class AlreadyExistsError(LdapOperationError):
    """Result 68: entryAlreadyExists."""

    code = 68
    codes = (68,)


class ObjectClassModsProhibitedError(LdapOperationError):
    """Result 69: objectClassModsProhibited."""

    code = 69
    codes = (69,)


def _build_code_table() -> dict[int, type[LdapOperationError]]:
    table: dict[int, type[LdapOperationError]] = {}
    pending: list[type[LdapOperationError]] = list(LdapOperationError.__subclasses__())
    while pending:
        cls = pending.pop()
        for code in cls.codes:
            table[code] = cls
        pending.extend(cls.__subclasses__())
    return table


_ERROR_CLASS_BY_CODE = _build_code_table()


def error_class_for_code(code: int) -> type[LdapOperationError]:
    """Return the exception class for an LDAP result code (the base class when unmapped)."""
    return _ERROR_CLASS_BY_CODE.get(code, LdapOperationError)


# Server diagnostics sometimes echo a request; scrub anything that looks like a credential.
_SECRET_PATTERNS = (
    re.compile(r"(?i)\b(userPassword|unicodePwd|password|passwd|pwd|secret|token)\s*[:=]\s*\S+"),
)


def redact_secrets(text: str) -> str:
    """Replace credential-looking ``name=value`` pairs in free text with ``name=***``."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: f"{m.group(1)}=***", text)
    return text
