"""The error tree: result codes map to classes, messages name the DN and hide secrets."""

from __future__ import annotations

import pytest

from ldapconnector import errors
from ldapconnector.model import ConnectionStage


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (4, errors.SizeLimitExceededError),
        (8, errors.StrongerAuthRequiredError),
        (19, errors.ConstraintViolationError),
        (32, errors.NoSuchObjectError),
        (48, errors.AuthenticationFailedError),
        (49, errors.AuthenticationFailedError),
        (50, errors.InsufficientAccessError),
        (53, errors.UnwillingToPerformError),
        (65, errors.ObjectClassViolationError),
        (68, errors.AlreadyExistsError),
        (9999, errors.LdapOperationError),
    ],
)
def test_result_codes_map_to_classes(code: int, cls: type[errors.LdapOperationError]) -> None:
    """Each listed LDAP result code maps to its class; unknown codes to the base class."""
    assert errors.error_class_for_code(code) is cls


def test_every_mapped_class_declares_its_codes() -> None:
    """No two classes claim the same result code."""
    seen: dict[int, str] = {}
    pending = list(errors.LdapOperationError.__subclasses__())
    while pending:
        cls = pending.pop()
        for code in cls.codes:
            assert code not in seen, f"{code} claimed by {seen[code]} and {cls.__name__}"
            seen[code] = cls.__name__
        pending.extend(cls.__subclasses__())
    assert len(seen) >= 25


def test_operation_error_message_names_dn_code_and_hint() -> None:
    """The message says the operation, the DN, the code and what usually causes it."""
    exc = errors.error_class_for_code(32)(
        code=32, result_name="noSuchObject", operation="add", dn="uid=a,ou=x,dc=y"
    )
    text = str(exc)
    assert "add failed for 'uid=a,ou=x,dc=y' with result 32 (noSuchObject)" in text
    assert "never created implicitly" in text


def test_diagnostics_are_scrubbed_of_passwords() -> None:
    """A server diagnostic echoing a password is scrubbed before it reaches the message."""
    exc = errors.ConstraintViolationError(
        code=19, operation="modify", dn="uid=a", diagnostic="bad userPassword: Secret123 given"
    )
    assert "Secret123" not in str(exc)
    assert "userPassword=***" in str(exc)


def test_configuration_error_lists_every_problem() -> None:
    """A ConfigurationError with three problems shows all three, one per line."""
    exc = errors.ConfigurationError(["a: one", "b: two", "c: three"])
    assert exc.problems == ("a: one", "b: two", "c: three")
    assert str(exc).count("\n  - ") == 3
    assert "3 problems" in str(exc)


def test_syntax_error_draws_a_caret() -> None:
    """An expression syntax error shows the source line and a caret under the position."""
    exc = errors.ExpressionSyntaxError("unexpected ')'", source='Join("", ))', position=9)
    lines = str(exc).splitlines()
    assert lines[0].startswith("unexpected ')' at line 1, column 10")
    assert lines[2].index("^") == lines[1].index("))")


def test_transport_errors_carry_a_connection_stage() -> None:
    """Each transport error names its stage as the enum; ``stage=`` overrides the default."""
    assert errors.TransportError("x").stage is ConnectionStage.TCP
    assert errors.OperationTimeoutError("x").stage is ConnectionStage.TCP
    assert errors.TLSError("x").stage is ConnectionStage.TLS
    assert errors.CertificateVerificationError("x").stage is ConnectionStage.CERTIFICATE
    unresolved = errors.ServerUnreachableError("x", host="h", stage=ConnectionStage.DNS)
    assert unresolved.stage is ConnectionStage.DNS
    assert unresolved.host == "h"
