"""LDAP result codes as exception classes: one short class per code, found by code.

A subclass of :class:`LdapOperationError` names its result codes (and the hint its message
ends with) in its class statement; :func:`error_class_for_code` reads a table built once
from those classes, after the last one is defined, into a read-only mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

from ldapconnector.errors._redact import redact_secrets
from ldapconnector.errors._tree import LdapConnectorError

__all__ = [
    "AdminLimitExceededError",
    "AlreadyExistsError",
    "AttributeOrValueExistsError",
    "AuthMethodNotSupportedError",
    "AuthenticationFailedError",
    "BusyError",
    "ConfidentialityRequiredError",
    "ConstraintViolationError",
    "InsufficientAccessError",
    "InvalidAttributeSyntaxError",
    "InvalidDNSyntaxError",
    "LdapOperationError",
    "NamingViolationError",
    "NoSuchAttributeError",
    "NoSuchObjectError",
    "NotAllowedOnNonLeafError",
    "NotAllowedOnRDNError",
    "ObjectClassModsProhibitedError",
    "ObjectClassViolationError",
    "OperationsError",
    "ProtocolError",
    "SaslBindInProgressError",
    "SizeLimitExceededError",
    "StrongerAuthRequiredError",
    "TimeLimitExceededError",
    "UnavailableCriticalExtensionError",
    "UnavailableError",
    "UndefinedAttributeTypeError",
    "UnwillingToPerformError",
    "error_class_for_code",
]


class LdapOperationError(LdapConnectorError):
    """The server answered an operation with a non-success result code.

    A subclass names the result codes it stands for, and optionally the sentence
    :meth:`hint` adds to the message, in its class statement
    (``class InsufficientAccessError(LdapOperationError, codes=(50,), hint="...")``).

    Attributes:
        codes: (class attribute) the result codes the class stands for; empty on this base
            class, which stands for every code no subclass claims.
        result_code: the LDAP result code the server sent (RFC 4511 section 4.1.9).
        result_name: the RFC name of the code (``noSuchObject``).
        dn: the entry the operation was about, when there is one.
        operation: the operation name ("add", "modify", "bind", ...).
        diagnostic: the server's diagnostic message, with secrets scrubbed.
        matched_dn: the server's matchedDN, when it gave one.
    """

    codes: ClassVar[tuple[int, ...]] = ()
    _hint: ClassVar[str] = ""

    def __init_subclass__(
        cls, *, codes: tuple[int, ...] = (), hint: str | None = None, **kwargs: Any
    ) -> None:
        """Record the result codes and the hint a subclass declares in its class statement.

        A subclass that declares no codes inherits its parent's but is not in the table
        :func:`error_class_for_code` reads (only classes declaring codes are).

        Raises:
            TypeError: a declared code is not a positive integer (0 is success).
        """
        super().__init_subclass__(**kwargs)
        if any(isinstance(c, bool) or not isinstance(c, int) or c <= 0 for c in codes):
            raise TypeError(f"{cls.__name__}: result codes are positive integers, got {codes}")
        if codes:
            cls.codes = tuple(codes)
        if hint is not None:
            cls._hint = hint

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
        super().__init__(self._message())

    def _message(self) -> str:
        parts = [f"{self.operation or 'operation'} failed"]
        if self.dn is not None:
            parts.append(f"for {self.dn!r}")
        parts.append(f"with result {self.result_code} ({self.result_name or 'unknown'})")
        message = " ".join(parts)
        if self.diagnostic:
            message += f": {self.diagnostic}"
        dn, matched = self.dn, self.matched_dn
        if matched and dn is not None and matched.lower() != dn.lower():
            message += f" (the server found up to {matched!r})"
        hint = self.hint()
        if hint:
            message += f". {hint}"
        return message

    def hint(self) -> str:
        """A sentence telling the user what usually causes this error (may be empty)."""
        return self._hint


class OperationsError(LdapOperationError, codes=(1,)):
    """Result 1: operationsError."""


class ProtocolError(LdapOperationError, codes=(2,)):
    """Result 2: protocolError."""


class TimeLimitExceededError(LdapOperationError, codes=(3,)):
    """Result 3: timeLimitExceeded."""


class SizeLimitExceededError(
    LdapOperationError,
    codes=(4,),
    hint="The bind account's size limit is lower than the result; raise it on the server",
):
    """Result 4: sizeLimitExceeded: the bind account may read fewer entries than asked."""


class AuthMethodNotSupportedError(LdapOperationError, codes=(7,)):
    """Result 7: authMethodNotSupported."""


class StrongerAuthRequiredError(
    LdapOperationError,
    codes=(8,),
    hint="The server wants an authenticated or encrypted connection (StartTLS or LDAPS)",
):
    """Result 8: strongerAuthRequired (often: a bind over clear text, or anonymous write)."""


class AdminLimitExceededError(LdapOperationError, codes=(11,)):
    """Result 11: adminLimitExceeded."""


class UnavailableCriticalExtensionError(LdapOperationError, codes=(12,)):
    """Result 12: a critical control is not supported by the server."""


class ConfidentialityRequiredError(LdapOperationError, codes=(13,)):
    """Result 13: confidentialityRequired."""


class SaslBindInProgressError(LdapOperationError, codes=(14,)):
    """Result 14: saslBindInProgress."""


class NoSuchAttributeError(LdapOperationError, codes=(16,)):
    """Result 16: noSuchAttribute (e.g. deleting a value that is not there)."""


class UndefinedAttributeTypeError(LdapOperationError, codes=(17,)):
    """Result 17: undefinedAttributeType."""


class ConstraintViolationError(LdapOperationError, codes=(19,)):
    """Result 19: constraintViolation (password policy, uniqueness, ...)."""


class AttributeOrValueExistsError(LdapOperationError, codes=(20,)):
    """Result 20: attributeOrValueExists."""


class InvalidAttributeSyntaxError(LdapOperationError, codes=(21,)):
    """Result 21: invalidAttributeSyntax."""


class NoSuchObjectError(LdapOperationError, codes=(32,)):
    """Result 32: noSuchObject."""

    def hint(self) -> str:
        """The missing parent, when an add failed this way; nothing otherwise."""
        if self.operation == "add":
            return "The parent entry does not exist; containers are never created implicitly"
        return ""


class InvalidDNSyntaxError(LdapOperationError, codes=(34,)):
    """Result 34: invalidDNSyntax."""


class AuthenticationFailedError(
    LdapOperationError,
    codes=(48, 49),
    hint="Check the bind DN and the password source (the password is never shown)",
):
    """Results 48/49: inappropriateAuthentication / invalidCredentials."""


class InsufficientAccessError(
    LdapOperationError,
    codes=(50,),
    hint="The bind account lacks the access rights for this operation",
):
    """Result 50: insufficientAccessRights."""


class BusyError(LdapOperationError, codes=(51,)):
    """Result 51: busy."""


class UnavailableError(LdapOperationError, codes=(52,)):
    """Result 52: unavailable."""


class UnwillingToPerformError(LdapOperationError, codes=(53,)):
    """Result 53: unwillingToPerform (also: a locked account on 389 DS)."""


class NamingViolationError(LdapOperationError, codes=(64,)):
    """Result 64: namingViolation."""


class ObjectClassViolationError(
    LdapOperationError,
    codes=(65,),
    hint="Check the attributes against the object classes' MUST/MAY lists",
):
    """Result 65: objectClassViolation: the entry does not fit the schema."""


class NotAllowedOnNonLeafError(LdapOperationError, codes=(66,)):
    """Result 66: notAllowedOnNonLeaf."""


class NotAllowedOnRDNError(LdapOperationError, codes=(67,)):
    """Result 67: notAllowedOnRDN."""


class AlreadyExistsError(LdapOperationError, codes=(68,)):
    """Result 68: entryAlreadyExists."""


class ObjectClassModsProhibitedError(LdapOperationError, codes=(69,)):
    """Result 69: objectClassModsProhibited."""


def _code_table() -> Mapping[int, type[LdapOperationError]]:
    # Built once, from the classes above, into a read-only view: a class defined later
    # (in a test, in a caller) cannot change what a result code raises.
    table: dict[int, type[LdapOperationError]] = {}
    pending = list(LdapOperationError.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        for code in vars(cls).get("codes", ()):
            if code in table:
                raise TypeError(
                    f"result {code} claimed by {table[code].__name__} and {cls.__name__}"
                )
            table[code] = cls
    return MappingProxyType(table)


_ERROR_CLASS_BY_CODE = _code_table()


def error_class_for_code(code: int) -> type[LdapOperationError]:
    """Return the exception class for an LDAP result code (the base class when unmapped)."""
    return _ERROR_CLASS_BY_CODE.get(code, LdapOperationError)
