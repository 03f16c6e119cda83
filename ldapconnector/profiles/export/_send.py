"""Send planned operations to the directory and generate initial passwords.

The only place the export runner writes. A :class:`PasswordSetOperation` holds no value:
the password is generated here with :mod:`secrets` when the operation is sent, is never
the source's own password, and is never logged, stored or returned. Deleting an entry
that is already gone counts as done; an entry with children is deleted with its subtree
only when ``[global] tree_delete`` asks for it and the server offers the Tree Delete
control, and is otherwise a clear error saying how many children it has.
"""

from __future__ import annotations

import logging
import secrets
import string
from collections.abc import Callable, Sequence

from ldapconnector.config import Secret
from ldapconnector.connection import LdapConnection, Pipeline, Waiter
from ldapconnector.detect import ServerInfo, Vendor
from ldapconnector.errors import NoSuchObjectError, NotAllowedOnNonLeafError
from ldapconnector.model import (
    PASSWORD_MODIFY_OID,
    TREE_DELETE_OID,
    Entry,
    Modification,
    ModifyOp,
    SearchScope,
    Value,
)
from ldapconnector.profiles.export._operations import (
    AddOperation,
    DeleteOperation,
    ModifyDnOperation,
    ModifyOperation,
    Operation,
    PasswordSetOperation,
)

__all__ = [
    "final_dn",
    "random_password",
    "send_operation",
    "submit_operation",
    "supports_password",
]

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


def _password_change(info: ServerInfo, op: PasswordSetOperation) -> tuple[Secret, Value | None]:
    """A fresh password, and the value a modify sets (None: the RFC 3062 operation)."""
    password = random_password()
    if info.vendor in _AD_FAMILY and op.attribute.lower() == "unicodepwd":
        # MS-ADTS 3.1.1.3.1.5.1: the quoted password in UTF-16LE, over an encrypted connection.
        return password, f'"{password.reveal()}"'.encode("utf-16-le")
    if op.attribute.lower() == "userpassword" and any(
        named.oid == PASSWORD_MODIFY_OID for named in info.supported_extensions
    ):
        return password, None
    return password, password.reveal()


def _send_password(connection: LdapConnection, info: ServerInfo, op: PasswordSetOperation) -> None:
    password, value = _password_change(info, op)
    if value is None:
        connection.password_modify(op.dn, password)
    else:
        connection.modify(op.dn, [Modification(ModifyOp.REPLACE, op.attribute, (value,))])
    log.debug("initial password set for %s", op.dn)


def _offers_tree_delete(info: ServerInfo) -> bool:
    return any(control.oid == TREE_DELETE_OID for control in info.supported_controls)


def _send_delete(
    connection: LdapConnection, info: ServerInfo, dn: str, *, tree_delete: bool
) -> None:
    """Delete one entry; with ``tree_delete`` and the server's control, its subtree too.

    A non-leaf entry the server refuses (notAllowedOnNonLeaf) is reported with how many
    children it has and why they were not deleted with it, instead of the bare result.
    Deleting entries one by one below it is never done: they are not the connector's.
    """
    offered = _offers_tree_delete(info)
    try:
        connection.delete(dn, tree=tree_delete and offered)
    except NoSuchObjectError:
        log.debug("%s was gone already", dn)
    except NotAllowedOnNonLeafError as error:
        children = sum(
            1 for _ in connection.search(dn, scope=SearchScope.ONE_LEVEL, attributes=["1.1"])
        )
        why = _NON_LEAF_REASON[tree_delete, offered]
        noun = "child" if children == 1 else "children"
        raise NotAllowedOnNonLeafError(
            code=error.result_code, result_name=error.result_name, operation="delete", dn=dn,
            diagnostic=f"the entry has {children} {noun}; {why}",
        ) from None  # fmt: skip


# Why a non-leaf entry was not deleted, by (tree_delete configured, control offered).
_NON_LEAF_REASON = {
    (False, True): "set global.tree_delete = true to delete it with its subtree",
    (False, False): "the server offers no Tree Delete control",
    (True, False): "the server offers no Tree Delete control",
    # The control was sent: the server refused the subtree delete (a child it protects).
    (True, True): "the server refused the Tree Delete control's subtree delete",
}


def submit_operation(
    pipeline: Pipeline,
    info: ServerInfo,
    operation: Operation,
    waiter: Waiter,
    *,
    read_back: Sequence[str] = (),
    before: Callable[[], None] | None = None,
) -> None:
    """Queue one planned operation on the pipeline (the pipelined :func:`send_operation`).

    Args:
        read_back: for an add, attributes to read in the same round trip (Post-Read).
        before: for an add, run before the request is written (the intent's commit).
    """
    if isinstance(operation, AddOperation):
        pipeline.add(operation.dn, operation.attributes, waiter, read_back=read_back, before=before)
    elif isinstance(operation, ModifyOperation):
        pipeline.modify(operation.dn, operation.changes, waiter)
    elif isinstance(operation, ModifyDnOperation):
        pipeline.modify_dn(
            operation.dn, operation.new_rdn, waiter, delete_old_rdn=operation.delete_old_rdn,
            new_superior=operation.new_superior,
        )  # fmt: skip
    elif isinstance(operation, DeleteOperation):
        pipeline.delete(operation.dn, waiter)
    else:
        password, value = _password_change(info, operation)
        if value is None:
            pipeline.password_modify(operation.dn, password, waiter)
        else:
            change = Modification(ModifyOp.REPLACE, operation.attribute, (value,))
            pipeline.modify(operation.dn, [change], waiter)


def send_operation(
    connection: LdapConnection,
    info: ServerInfo,
    operation: Operation,
    *,
    read_back: Sequence[str] = (),
    tree_delete: bool = False,
) -> Entry | None:
    """Send one planned operation; a delete of a missing entry counts as done.

    Args:
        read_back: for an add, attributes to read in the same round trip (Post-Read).
        tree_delete: ``[global] tree_delete``: delete an entry with its subtree where the
            server offers the Tree Delete control (see :func:`_send_delete`).

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
        _send_delete(connection, info, operation.dn, tree_delete=tree_delete)
    else:
        _send_password(connection, info, operation)
    return None


def final_dn(dn: str, operations: Sequence[Operation]) -> str:
    """The entry's DN after ``operations`` ran (the last rename's new DN, else ``dn``)."""
    for operation in operations:
        if isinstance(operation, ModifyDnOperation):
            dn = operation.new_dn
    return dn
