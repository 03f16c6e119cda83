"""Send planned operations to the directory, generate initial passwords, and reconnect.

The only place the export runner writes. A :class:`PasswordSetOperation` holds no value:
the password is generated here with :mod:`secrets` when the operation is sent, is never
the source's own password, and is never logged, stored or returned. Deleting an entry
that is already gone counts as done.
"""

from __future__ import annotations

import logging
import secrets
import string
import time
from collections.abc import Callable, Sequence

import attrs

from ldapconnector.config import Secret
from ldapconnector.connection import LdapConnection
from ldapconnector.detect import ServerInfo, Vendor
from ldapconnector.errors import LdapConnectorError, NoSuchObjectError, TransportError
from ldapconnector.model import PASSWORD_MODIFY_OID, Entry, Modification, ModifyOp
from ldapconnector.profiles.export._operations import (
    AddOperation,
    DeleteOperation,
    ModifyDnOperation,
    ModifyOperation,
    Operation,
    PasswordSetOperation,
)

__all__ = ["Reconnector", "final_dn", "random_password", "send_operation", "supports_password"]

log = logging.getLogger("ldapconnector.export")

#: RFC 3062 Password Modify extended operation.
_AD_FAMILY = frozenset({Vendor.AD_DS, Vendor.AD_LDS})
_SYMBOLS = "-_.!#%+="
_PASSWORD_LENGTH = 24


def random_password(length: int = _PASSWORD_LENGTH) -> Secret:
    """A random password from the OS's CSPRNG with upper, lower, digit and symbol.

    Every class is present, so AD's complexity rule (three of four classes) is met.
    """
    classes = (string.ascii_uppercase, string.ascii_lowercase, string.digits, _SYMBOLS)
    alphabet = "".join(classes)
    chosen = [secrets.choice(group) for group in classes]
    chosen += [secrets.choice(alphabet) for _ in range(length - len(chosen))]
    secrets.SystemRandom().shuffle(chosen)
    return Secret("".join(chosen))


def supports_password(info: ServerInfo) -> bool:
    """Whether the runner sets initial passwords on this server (every vendor but AD LDS)."""
    return info.vendor is not Vendor.AD_LDS


def _send_password(connection: LdapConnection, info: ServerInfo, op: PasswordSetOperation) -> None:
    password = random_password()
    if info.vendor in _AD_FAMILY and op.attribute.lower() == "unicodepwd":
        # MS-ADTS 3.1.1.3.1.5.1: the quoted password in UTF-16LE, over an encrypted connection.
        value = f'"{password.reveal()}"'.encode("utf-16-le")
        connection.modify(op.dn, [Modification(ModifyOp.REPLACE, op.attribute, (value,))])
    elif op.attribute.lower() == "userpassword" and any(
        named.oid == PASSWORD_MODIFY_OID for named in info.supported_extensions
    ):
        connection.password_modify(op.dn, password)
    else:
        connection.modify(
            op.dn, [Modification(ModifyOp.REPLACE, op.attribute, (password.reveal(),))]
        )
    log.debug("initial password set for %s", op.dn)


def send_operation(
    connection: LdapConnection,
    info: ServerInfo,
    operation: Operation,
    *,
    read_back: Sequence[str] = (),
) -> Entry | None:
    """Send one planned operation; a delete of a missing entry counts as done.

    Args:
        read_back: for an add, attributes to read in the same round trip (Post-Read).

    Returns:
        The added entry as the server made it, when the server answered the Post-Read
        control; None for every other operation.

    Raises:
        LdapConnectorError: the server refused the operation or the connection failed.
    """
    if isinstance(operation, AddOperation):
        return connection.add(operation.dn, operation.attributes, read_back=read_back)
    if isinstance(operation, ModifyOperation):
        connection.modify(operation.dn, operation.changes)
    elif isinstance(operation, ModifyDnOperation):
        connection.modify_dn(
            operation.dn,
            operation.new_rdn,
            delete_old_rdn=operation.delete_old_rdn,
            new_superior=operation.new_superior,
        )
    elif isinstance(operation, DeleteOperation):
        try:
            connection.delete(operation.dn)
        except NoSuchObjectError:
            log.debug("%s was gone already", operation.dn)
    else:
        _send_password(connection, info, operation)
    return None


def final_dn(dn: str, operations: Sequence[Operation]) -> str:
    """The entry's DN after ``operations`` ran (the last rename's new DN, else ``dn``)."""
    for operation in operations:
        if isinstance(operation, ModifyDnOperation):
            dn = operation.new_dn
    return dn


@attrs.define
class Reconnector:
    """Reopens a lost connection with exponential backoff, up to a deadline.

    Args:
        close: drops the broken connection.
        open: opens (and binds) a new one.
        timeout: seconds to keep trying after a loss before giving up for the run.
        sleep: the sleep function (tests pass a fake one).
    """

    close: Callable[[], None]
    open: Callable[[], object]
    timeout: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    lost: str | None = attrs.field(default=None, init=False)
    reconnects: int = attrs.field(default=0, init=False)

    def __call__(self, error: TransportError) -> bool:
        """Reconnect after ``error``; False (and :attr:`lost` set) once the deadline passed."""
        if self.lost is not None:
            return False
        deadline = time.monotonic() + self.timeout
        delay = 0.1
        while True:
            try:
                self.close()
            except LdapConnectorError:
                log.debug("closing the broken connection failed")
            try:
                self.open()
            except TransportError as again:
                if time.monotonic() + delay > deadline:
                    self.lost = f"lost the connection and could not reconnect: {again}"
                    return False
                self.sleep(delay)
                delay = min(delay * 2, 2.0)
                continue
            self.reconnects += 1
            log.info("reconnected after: %s", error)
            return True
