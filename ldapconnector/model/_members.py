"""A group's member as the import paths report it: the value and the source id it names."""

from __future__ import annotations

import attrs

__all__ = ["GroupMember"]


@attrs.frozen(kw_only=True)
class GroupMember:
    """One value of a group's membership attribute and the member it names, if known.

    Full and delta imports of a group type report members this way, so a consumer sees
    membership as it provisions it (a group record lists its members' source ids,
    docs/groups.md) and still sees the values no link names.

    Attributes:
        value: the value as the directory holds it: a DN (``member``, ``uniqueMember``)
            or a uid (``memberUid``).
        source_id: the source id of the member whose link names the value (its last DN,
            or for uids the ``uid=`` RDN of its DN), or None when no link does (an entry
            provisioned by someone else, or a DN no entry has any more).
    """

    value: str
    source_id: str | None = None

    @property
    def reference(self) -> str:
        """The source id where a link names the member, else the raw value."""
        return self.source_id if self.source_id is not None else self.value
