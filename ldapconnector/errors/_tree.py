"""The root of the tree and every error that is not an LDAP result code.

Each class is a plain subclass with a docstring; the few that carry facts (the problems of
a configuration, the caret of an expression, the stage of a transport failure) take them
as keyword arguments and build their message from them.
"""

from __future__ import annotations

from collections.abc import Iterable

from ldapconnector.model import ConnectionStage

__all__ = [
    "CertificateVerificationError",
    "ChangeLogDecodeError",
    "ConfigurationError",
    "DetectionError",
    "ExpressionError",
    "ExpressionEvaluationError",
    "ExpressionSyntaxError",
    "FullImportRequiredError",
    "InsecureOperationError",
    "InvalidRequestError",
    "LdapConnectorError",
    "LdifError",
    "LinkStoreError",
    "OperationTimeoutError",
    "SchemaError",
    "ServerUnreachableError",
    "TLSError",
    "TransportError",
    "UnsupportedFeatureError",
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


class SourceFileError(LdapConnectorError):
    """A file of source records (JSON Lines) cannot be used: nothing was exported from it.

    Every bad line is listed, not only the first, each as ``FILE:LINE:COLUMN: what``.

    Attributes:
        path: the file.
        problems: one line per problem, in file order.
    """

    def __init__(self, path: str, problems: Iterable[str]) -> None:
        self.path = path
        self.problems: tuple[str, ...] = tuple(problems)
        count = len(self.problems)
        header = f"cannot use the source file {path} ({count} bad line{'s' if count != 1 else ''}):"
        super().__init__("\n".join([header, *(f"  - {p}" for p in self.problems)]))


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
