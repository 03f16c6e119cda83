"""The error tree: result codes map to classes, messages name the DN and hide secrets."""

from __future__ import annotations

import gc
import re

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


def test_the_tree_in_the_docstring_lists_every_class_and_its_codes() -> None:
    """The drawn tree names every exported error, and each result-code line its codes."""
    doc = errors.__doc__ or ""
    classes = {
        n: getattr(errors, n) for n in errors.__all__ if isinstance(getattr(errors, n), type)
    }
    assert [n for n in classes if not re.search(rf"^    (.*── )?{n}\b", doc, flags=re.M)] == []
    drawn = dict(re.findall(r"── (\w+Error) +(\d+(?:, \d+)*)$", doc, flags=re.M))
    declared = {
        n: ", ".join(map(str, c.codes))
        for n, c in classes.items()
        if issubclass(c, errors.LdapOperationError) and c.codes
    }
    assert drawn == declared


def test_codes_are_the_one_class_attribute_for_result_codes() -> None:
    """A class declares its codes once, in its class statement; the table follows them."""
    assert errors.AuthenticationFailedError.codes == (48, 49)
    assert errors.LdapOperationError.codes == ()
    assert not hasattr(errors.NoSuchObjectError, "code")
    for name in errors.__all__:
        cls = getattr(errors, name)
        if isinstance(cls, type) and issubclass(cls, errors.LdapOperationError):
            assert all(errors.error_class_for_code(code) is cls for code in cls.codes), name


def test_a_later_subclass_does_not_change_the_code_table() -> None:
    """The code table is fixed once the module's classes exist: no one can remap a code."""

    class LateNoSuchObject(errors.LdapOperationError, codes=(32,)):
        """Claims 32 after the table was built."""

    assert LateNoSuchObject.codes == (32,)
    assert errors.error_class_for_code(32) is errors.NoSuchObjectError
    del LateNoSuchObject
    gc.collect()  # the other tests walk __subclasses__(); leave no second claim of 32


@pytest.mark.parametrize("codes", [(0,), (-1,), (True,)])
def test_a_result_code_class_refuses_a_code_that_is_not_an_error(codes: tuple[int, ...]) -> None:
    """Result codes are positive integers: 0 is success, and a bool is not a code."""
    with pytest.raises(TypeError, match="positive integers"):

        class Bad(errors.LdapOperationError, codes=codes):
            """Never defined."""

    gc.collect()


def test_the_hint_declared_in_the_class_statement_ends_the_message() -> None:
    """A hint given as ``hint=`` is what hint() returns and what the message ends with."""
    exc = errors.InsufficientAccessError(code=50, operation="modify", dn="uid=a")
    assert exc.hint() == "The bind account lacks the access rights for this operation"
    assert str(exc).endswith(". The bind account lacks the access rights for this operation")
    assert errors.BusyError(code=51).hint() == ""
    assert errors.NoSuchObjectError(code=32, operation="modify").hint() == ""


def test_transport_errors_carry_a_connection_stage() -> None:
    """Each transport error names its stage as the enum; ``stage=`` overrides the default."""
    assert errors.TransportError("x").stage is ConnectionStage.TCP
    assert errors.OperationTimeoutError("x").stage is ConnectionStage.TCP
    assert errors.TLSError("x").stage is ConnectionStage.TLS
    assert errors.CertificateVerificationError("x").stage is ConnectionStage.CERTIFICATE
    unresolved = errors.ServerUnreachableError("x", host="h", stage=ConnectionStage.DNS)
    assert unresolved.stage is ConnectionStage.DNS
    assert unresolved.host == "h"


def test_errors_are_named_by_their_public_home() -> None:
    """Tracebacks and reprs say ``ldapconnector.errors.X``, not the private module."""
    classes = [getattr(errors, n) for n in errors.__all__ if isinstance(getattr(errors, n), type)]
    assert {c.__module__ for c in classes} == {"ldapconnector.errors"}
