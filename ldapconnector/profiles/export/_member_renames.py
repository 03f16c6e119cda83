"""The DNs renamed entries had: what groups whose records a membership run lacks still hold.

On a server without referential integrity a renamed member's old value stays in every
group that held it. The member's link keeps only the new DN, so the export records the
old one when it writes a link whose DN changed: in the same store and transaction as the
link (a crash keeps both or neither; a crash between the rename and the link leaves the
old DN in the link, and the next export that finds the entry at its new DN records the
rename then). The record is a watermark of the members' store keyed by the source id,
:func:`renamed_key`, holding the last :data:`KEPT_RENAMES` old DNs with their times: no
new table, so no store format change. A membership run looks at the links updated since
its previous run (a rename updates the link) and their renames after that time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

import attrs

from ldapconnector.dn import dn_key
from ldapconnector.space import Link, LinkState, LinkStore, Watermark

__all__ = ["KEPT_RENAMES", "Rename", "record_rename", "renamed_key", "renames_since"]

KEPT_RENAMES = 20
"""Old DNs kept per member (the oldest go first)."""
_KEY_PREFIX = "memberships.renamed."


def renamed_key(source_id: str) -> str:
    """The members' store key of the old DNs of ``source_id``."""
    return _KEY_PREFIX + source_id


@attrs.frozen(kw_only=True)
class Rename:
    """A member entry that moved.

    Attributes:
        source_id: the member's source id.
        old: the DN it had.
        new: the DN its link holds now.
        at: when the export confirmed the rename (timezone-aware).
    """

    source_id: str
    old: str
    new: str
    at: datetime


def _entries(mark: Watermark | None) -> list[dict[str, str]]:
    if mark is None:
        return []
    found = json.loads(mark.value)
    return [e for e in found if isinstance(e, dict)] if isinstance(found, list) else []


def _held_by_another(members: LinkStore, dn: str, source_id: str) -> bool:
    holder = members.get_by_dn(dn)
    return (
        holder is not None
        and holder.source_id != source_id
        and holder.state is not LinkState.DELETED
    )


def record_rename(store: LinkStore, previous: Link | None, link: Link) -> None:
    """Record ``previous.dn`` as an old DN of the member when ``link`` has another DN.

    Called inside the export's batch transaction, with the link write.

    Args:
        store: the link store the link goes to.
        previous: the link stored before (None: a new link, nothing moved).
        link: the link being written.
    """
    if previous is None or previous.source_id != link.source_id:
        return
    if previous.dn == link.dn or dn_key(previous.dn) == dn_key(link.dn):
        return
    key = renamed_key(link.source_id)
    entries = _entries(store.get_watermark(key))
    entries.append({"dn": previous.dn, "at": link.updated.isoformat()})
    value = json.dumps(entries[-KEPT_RENAMES:])
    store.set_watermark(Watermark(profile=key, value=value, taken_at=link.updated))


def renames_since(members: LinkStore, since: datetime | None) -> Iterator[Rename]:
    """The renames of live members confirmed after ``since`` (None: every one kept).

    An old DN that another live link holds now is left out: the value is that member's.
    """
    for link in members.iter_links():
        if link.state is LinkState.DELETED or (since is not None and link.updated <= since):
            continue
        for entry in _entries(members.get_watermark(renamed_key(link.source_id))):
            at = datetime.fromisoformat(entry["at"])
            if since is not None and at <= since:
                continue
            if _held_by_another(members, entry["dn"], link.source_id):
                continue
            yield Rename(source_id=link.source_id, old=entry["dn"], new=link.dn, at=at)
