"""Member values back to the members' source ids, through the members' link store.

The reverse of what :func:`~ldapconnector.profiles.export.run_memberships` does: imports
of a group type read member values (DNs, or uids for ``memberUid``) and report each with
the source id of the member whose link names it, so a consumer sees membership as it
provisions it. A DN is looked up with ``LinkStore.get_by_dn`` (case-insensitive, live
links first); a uid through the ``uid=`` RDNs of the links' DNs, gathered once per
resolver (the store has no uid index, and reading each member entry would cost a round
trip per value). Answers are cached per resolver: one import or one delta run. The
placeholder member is no member and is left out.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from ldapconnector.dn import parse_dn
from ldapconnector.errors import LdapConnectorError
from ldapconnector.model import GroupMember, Value
from ldapconnector.profiles.export._members import MemberSettings
from ldapconnector.schema import MemberValueKind
from ldapconnector.space import LinkState, LinkStore

__all__ = ["MemberResolver", "uid_of"]


def uid_of(dn: str) -> str | None:
    """The value of a ``uid=`` RDN (the first RDN of ``dn``), or None."""
    try:
        rdn = parse_dn(dn)[0]
    except (LdapConnectorError, IndexError):
        return None
    return next((value for name, value in rdn.pairs if name.lower() == "uid"), None)


@attrs.define
class MemberResolver:
    """Turns a group's member values into :class:`~ldapconnector.model.GroupMember` values.

    Args:
        settings: the group type's membership settings (attribute, value kind, placeholder).
        store: the link store of the object type the members belong to.
    """

    settings: MemberSettings
    store: LinkStore
    _known: dict[str, str | None] = attrs.field(factory=dict, init=False, repr=False)
    _uids: dict[str, str] | None = attrs.field(default=None, init=False, repr=False)

    def members(self, values: Iterable[Value]) -> tuple[GroupMember, ...]:
        """The members these values name, in order, without the placeholder.

        Args:
            values: the membership attribute's values (bytes are decoded as UTF-8).
        """
        found = []
        for raw in values:
            value = raw if isinstance(raw, str) else raw.decode("utf-8", "replace")
            if not self.is_placeholder(value):
                found.append(GroupMember(value=value, source_id=self.source_id(value)))
        return tuple(found)

    def is_placeholder(self, value: str) -> bool:
        """Whether a value is the configured placeholder member (DNs compared ignoring case).

        Not by ``dn_key``: parsing every value of a big group costs ~80 µs each, and the
        placeholder is written by the connector in the spelling configured.
        """
        placeholder = self.settings.placeholder
        if placeholder is None:
            return False
        if self.settings.value_kind is MemberValueKind.UID:
            return value == placeholder
        return value.casefold() == placeholder.casefold()

    def source_id(self, value: str) -> str | None:
        """The source id of the member a value names, or None when no link names it."""
        if value not in self._known:
            if self.settings.value_kind is MemberValueKind.UID:
                self._known[value] = self._by_uid().get(value)
            else:
                link = self.store.get_by_dn(value)
                self._known[value] = link.source_id if link is not None else None
        return self._known[value]

    def _by_uid(self) -> dict[str, str]:
        if self._uids is None:
            uids: dict[str, str] = {}
            deleted: dict[str, str] = {}
            for link in self.store.iter_links():
                uid = uid_of(link.dn)
                if uid is not None:
                    # A live link wins over a deleted one holding the same uid.
                    target = deleted if link.state is LinkState.DELETED else uids
                    target.setdefault(uid, link.source_id)
            self._uids = {**deleted, **uids}
        return self._uids
