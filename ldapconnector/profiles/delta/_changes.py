"""The change-record model every delta-import reader produces, and what the decoders share.

A reader turns one entry of a server's change log (an OpenLDAP ``cn=accesslog`` entry per
slapo-accesslog(5), a ``cn=changelog`` entry per draft-good-ldap-changelog-04, ...) into
one :class:`ChangeRecord`: what happened (:class:`ChangeType`), to which entry (DN, old
DN, anchor), with which values, and where in the log it sits (``position``, an opaque
checkpoint the reader knows how to order and resume from). Decoders are pure: they take
the log entry's attributes and return a record, or None for a log entry that is not a
user change (a failed operation, bind bookkeeping, an operation kind we do not import).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from types import MappingProxyType

import attrs

from ldapconnector.anchors import Anchor, AnchorKind
from ldapconnector.detect import DeltaSource, as_delta_source
from ldapconnector.dn import renamed_dn
from ldapconnector.errors import ChangeLogDecodeError, InvalidRequestError
from ldapconnector.model import Entry, GroupMember, ModifyOp, SearchScope, Value

__all__ = [
    "BIND_STATE_ATTRIBUTES",
    "IGNORED_ATTRIBUTES",
    "AttributeChange",
    "ChangeLogDecodeError",
    "ChangeLogSearch",
    "ChangeRecord",
    "ChangeType",
    "MembershipChange",
]

LogEntry = Entry | Mapping[str, Sequence[Value]]
"""What a decoder accepts: a search :class:`~ldapconnector.connection.Entry`, or a plain
mapping of attribute name -> values (an LDIF record, a test's dict)."""

IGNORED_ATTRIBUTES: frozenset[str] = frozenset(
    name.lower()
    for name in (
        # RFC 4512 / slapd bookkeeping every write touches
        "entryCSN",
        "modifiersName",
        "modifyTimestamp",
        "creatorsName",
        "createTimestamp",
        "structuralObjectClass",
        "entryUUID",
        "entryDN",
        "subschemaSubentry",
        "hasSubordinates",
        "contextCSN",
        # ppolicy bookkeeping that rides along with a password change
        "pwdChangedTime",
        "pwdHistory",
        # 389 DS internals that its retro changelog copies into ``changes``
        "nsUniqueId",
        "parentid",
        "entryid",
        "dsEntryDN",
        "numSubordinates",
        "entryusn",
        # 389 DS password-change bookkeeping (it logs a separate internal modify)
        "passwordGraceUserTime",
        "passwordExpirationTime",
        "passwordExpWarned",
        "passwordHistory",
        "passwordAllowChangeTime",
        "pwdUpdateTime",
        # 389 DS may log the clear-text password for replication: never pass it on
        "unhashed#user#password",
    )
)
"""Lower-case names dropped from every decoded record: operational bookkeeping that every
write changes, and one attribute (389's ``unhashed#user#password``) that must never leave
the reader. The anchor attributes are read before this filter applies."""

BIND_STATE_ATTRIBUTES: frozenset[str] = frozenset(
    name.lower()
    for name in (
        "pwdFailureTime",
        "pwdAccountLockedTime",
        "pwdLastSuccess",
        "pwdGraceUseTime",
        # 389 DS password policy counterparts
        "passwordRetryCount",
        "retryCountResetTime",
        "accountUnlockTime",
        "lastLoginTime",
    )
)
"""Lower-case names of the password-policy state a *bind* updates (draft-behera-ldap-
password-policy as slapo-ppolicy(5) implements it, and 389's equivalents). A modify that
touches only these (and :data:`IGNORED_ATTRIBUTES`) is bind bookkeeping, not a user change."""


class ChangeType(enum.Enum):
    """What a change did to its entry."""

    ADD = "add"
    MODIFY = "modify"
    RENAME = "rename"
    """A modify-DN operation: a new RDN, a new parent, or both."""
    DELETE = "delete"


def _freeze_values(values: Iterable[Value] | Value) -> tuple[Value, ...]:
    if isinstance(values, str | bytes):
        return (values,)
    return tuple(values)


def _freeze_attributes(
    attributes: Mapping[str, Iterable[Value]],
) -> Mapping[str, tuple[Value, ...]]:
    return MappingProxyType({name: tuple(values) for name, values in attributes.items()})


@attrs.frozen(kw_only=True)
class AttributeChange:
    """One modification of one attribute, as the log recorded it (RFC 4511 section 4.6).

    Attributes:
        attribute: the attribute name as logged.
        op: add values, delete values (all when ``values`` is empty), replace (delete the
            attribute when ``values`` is empty), or increment by the one value.
        values: the values concerned.
    """

    attribute: str = attrs.field(validator=attrs.validators.min_len(1))
    op: ModifyOp = attrs.field(validator=attrs.validators.instance_of(ModifyOp))
    values: tuple[Value, ...] = attrs.field(default=(), converter=_freeze_values)


def _freeze_changes(changes: Iterable[AttributeChange]) -> tuple[AttributeChange, ...]:
    return tuple(changes)


def _optional_aware(_instance: object, _attribute: object, value: datetime | None) -> None:
    if value is not None and value.utcoffset() is None:
        raise ValueError(f"time must be timezone-aware, got {value!r}")


@attrs.frozen(kw_only=True)
class MembershipChange:
    """How one change moved a group's members (set on records of a group type's delta
    import given the members' link store; docs/groups.md).

    Attributes:
        attribute: the membership attribute (``member``, ``uniqueMember``, ``memberUid``).
        added: the members the change added (of an added group: all of them).
        removed: the members it removed (of a deleted group, or of a replaced or wholly
            deleted attribute: the old values, where the log keeps them).
        members: the group's whole membership after the change, when the change states
            it (an added or deleted group, a replaced attribute, a source that reports
            the object's current values); None when the change states only what was
            added and removed. A consumer sets the members to it when it is not None.
    """

    attribute: str
    added: tuple[GroupMember, ...] = ()
    removed: tuple[GroupMember, ...] = ()
    members: tuple[GroupMember, ...] | None = None


@attrs.frozen(kw_only=True)
class ChangeRecord:
    """One change to one directory entry, decoded from a server's change log.

    Attributes:
        type: add, modify, rename or delete.
        dn: the entry's DN after the change (the new DN of a rename; the deleted DN).
        old_dn: the DN before a rename, or the deleted DN; None for add and modify.
        anchor: the entry's anchor when the log names it (accesslog ``reqEntryUUID``,
            changelog ``targetEntryUUID``/``targetUniqueId``), else None.
        changes: the attribute modifications of a modify (and any a rename carried).
        attributes: an added entry's attributes with all their values.
        old_attributes: values before the change where the log keeps them (accesslog
            ``reqOld`` with ``logold``): the whole entry for a delete, the touched
            attributes for a modify.
        new_rdn: a rename's new RDN.
        new_superior: a rename's new parent DN, when it moved.
        delete_old_rdn: whether a rename removed the old RDN values.
        position: the opaque checkpoint of this record in its log (the accesslog entry's
            ``entryCSN``, the changelog ``changeNumber``); resume *after* it.
        source: the kind of log the record came from.
        time: when the change was made, per the server (UTC), when the log says.
        actor: who made it (accesslog ``reqAuthzID``, changelog ``modifiersName`` /
            ``creatorsName`` in ``changes``), when the log says.
        membership: for a group type, how the change moved the group's members (None
            for other types and for changes that do not touch the membership attribute).
    """

    type: ChangeType = attrs.field(validator=attrs.validators.instance_of(ChangeType))
    dn: str = attrs.field(validator=attrs.validators.min_len(1))
    old_dn: str | None = None
    anchor: Anchor | None = None
    changes: tuple[AttributeChange, ...] = attrs.field(default=(), converter=_freeze_changes)
    attributes: Mapping[str, tuple[Value, ...]] = attrs.field(
        factory=dict, converter=_freeze_attributes, hash=False
    )
    old_attributes: Mapping[str, tuple[Value, ...]] = attrs.field(
        factory=dict, converter=_freeze_attributes, hash=False
    )
    new_rdn: str | None = None
    new_superior: str | None = None
    delete_old_rdn: bool | None = None
    position: str = attrs.field(validator=attrs.validators.min_len(1))
    source: DeltaSource = attrs.field(converter=as_delta_source)
    time: datetime | None = attrs.field(default=None, validator=_optional_aware)
    actor: str | None = None
    membership: MembershipChange | None = None


@attrs.frozen(kw_only=True)
class ChangeLogSearch:
    """The one search a reader sends to fetch the changes after a checkpoint.

    Attributes:
        base: the log's DN (``cn=accesslog``, ``cn=changelog``).
        scope: one level: log entries sit directly under the base.
        search_filter: an RFC 4515 filter, checkpoint escaped, selecting what to decode.
        attributes: the attributes to request, operational ones by name.
    """

    base: str
    scope: SearchScope = SearchScope.ONE_LEVEL
    search_filter: str
    attributes: tuple[str, ...]


# -- helpers shared by the decoders (not exported) -----------------------------------------


class LogView:
    """Case-insensitive, read-only access to a log entry's attributes."""

    def __init__(self, entry: LogEntry) -> None:
        """Index ``entry``'s attributes by lower-case name."""
        raw = entry.attributes if isinstance(entry, Entry) else entry
        self._values: dict[str, tuple[Value, ...]] = {}
        for name, values in raw.items():
            key = name.lower()
            self._values[key] = self._values.get(key, ()) + tuple(values)

    def values(self, name: str) -> tuple[Value, ...]:
        """All values of ``name`` (empty when absent)."""
        return self._values.get(name.lower(), ())

    def text(self, name: str) -> str | None:
        """The first value of ``name`` as text (bytes decoded as UTF-8), or None."""
        values = self.values(name)
        if not values:
            return None
        return as_text(values[0])

    def texts(self, name: str) -> tuple[str, ...]:
        """All values of ``name`` as text."""
        return tuple(as_text(value) for value in self.values(name))


def as_text(value: Value) -> str:
    """Return ``value`` as text, decoding bytes as UTF-8 (replacing what is not)."""
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def is_ignored(attribute: str) -> bool:
    """Tell whether ``attribute`` (options such as ``;binary`` aside) is bookkeeping."""
    return attribute.split(";", 1)[0].lower() in IGNORED_ATTRIBUTES


def is_bind_bookkeeping(changes: Sequence[AttributeChange]) -> bool:
    """Tell whether a modify touched only password-policy bind state (and bookkeeping)."""
    names = [c.attribute.split(";", 1)[0].lower() for c in changes]
    kept = [name for name in names if name not in IGNORED_ATTRIBUTES]
    return bool(kept) and all(name in BIND_STATE_ATTRIBUTES for name in kept)


def accumulate(changes: Iterable[AttributeChange]) -> tuple[AttributeChange, ...]:
    """Merge runs of the same attribute and op into one change, keeping the order."""
    merged: list[AttributeChange] = []
    for change in changes:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.op is change.op
            and last.attribute.lower() == change.attribute.lower()
            and change.op is not ModifyOp.INCREMENT
        ):
            merged[-1] = attrs.evolve(last, values=last.values + change.values)
        else:
            merged.append(change)
    return tuple(merged)


def group_values(pairs: Iterable[tuple[str, Value]]) -> dict[str, tuple[Value, ...]]:
    """Group ``(attribute, value)`` pairs by attribute (first spelling wins), in order."""
    grouped: dict[str, list[Value]] = {}
    spelling: dict[str, str] = {}
    for name, value in pairs:
        key = spelling.setdefault(name.lower(), name)
        grouped.setdefault(key, []).append(value)
    return {name: tuple(values) for name, values in grouped.items()}


_GENERALIZED_TIME = re.compile(r"(\d{14})(?:[.,](\d{1,6})\d*)?Z")


def parse_generalized_time(text: str | None) -> datetime | None:
    """Parse a UTC GeneralizedTime (``YYYYmmddHHMMSS[.ffffff]Z``, RFC 4517); None if not."""
    if text is None:
        return None
    match = _GENERALIZED_TIME.match(text.strip())
    if match is None:
        return None
    digits, fraction = match.groups()
    # datetime() checks the ranges as strptime does (ValueError), at a tenth of the cost.
    return datetime(
        int(digits[:4]), int(digits[4:6]), int(digits[6:8]),
        int(digits[8:10]), int(digits[10:12]), int(digits[12:14]),
        int(fraction.ljust(6, "0")) if fraction else 0,
        tzinfo=UTC,
    )  # fmt: skip


def parse_boolean(text: str | None, *, what: str) -> bool | None:
    """Parse an LDAP Boolean (``TRUE``/``FALSE``, RFC 4517 section 3.3.3)."""
    if text is None:
        return None
    upper = text.strip().upper()
    if upper in {"TRUE", "FALSE"}:
        return upper == "TRUE"
    # Old changelog servers write 0/1 for deleteOldRdn.
    if upper in {"0", "1"}:
        return upper == "1"
    raise ChangeLogDecodeError(f"{what} is not a Boolean: {text!r}")


def make_anchor(kind: AnchorKind, value: str | None, *, where: str) -> Anchor | None:
    """Build an anchor of ``kind`` from a logged value, or None when there is none.

    Raises:
        ChangeLogDecodeError: the value does not have the kind's form.
    """
    if value is None or not value.strip():
        return None
    try:
        return Anchor.parse(kind, value)
    except InvalidRequestError as exc:
        raise ChangeLogDecodeError(f"{where}: {exc}") from None


def checked_checkpoint(value: str, pattern: re.Pattern[str], what: str) -> str:
    """Return ``value`` when it has the checkpoint form ``pattern``; refuse it otherwise.

    Raises:
        InvalidRequestError: ``value`` is not a checkpoint of this log.
    """
    if pattern.fullmatch(value) is None:
        raise InvalidRequestError(f"not {what}: {value!r}")
    return value


def as_rename(
    common: ChangeRecord,
    view: LogView,
    kept: tuple[AttributeChange, ...],
    *,
    names: tuple[str, str, str],
    log: str,
) -> ChangeRecord:
    """Complete a modify-DN record from the log's new RDN, new superior and delete flag.

    Args:
        common: the record so far, its ``dn`` the entry's DN before the rename.
        view: the log entry.
        kept: the attribute changes logged with the rename.
        names: the log's attribute names for new RDN, new superior and delete-old-RDN.
        log: the log's name, for messages.

    Raises:
        ChangeLogDecodeError: the log entry has no new RDN.
    """
    rdn_name, superior_name, delete_name = names
    new_rdn = view.text(rdn_name)
    if not new_rdn:
        raise ChangeLogDecodeError(f"{log} modrdn {common.position} has no {rdn_name}")
    new_superior = view.text(superior_name)
    return attrs.evolve(
        common,
        dn=renamed_dn(common.dn, new_rdn, new_superior),
        old_dn=common.dn,
        changes=kept,
        new_rdn=new_rdn,
        new_superior=new_superior,
        delete_old_rdn=parse_boolean(view.text(delete_name), what=delete_name),
    )
