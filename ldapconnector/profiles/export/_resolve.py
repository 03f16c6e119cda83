"""Find the entry an anchor names now, wherever it was renamed or moved to."""

from __future__ import annotations

from collections.abc import Sequence

from ldapconnector.anchors import Anchor
from ldapconnector.connection import LdapConnection
from ldapconnector.errors import LdapConnectorError, NoSuchObjectError
from ldapconnector.model import Entry, SearchScope

__all__ = ["resolve_anchor"]


def resolve_anchor(
    connection: LdapConnection,
    anchor: Anchor,
    bases: Sequence[str],
    *,
    guid_base_dn: bool,
    attributes: Sequence[str] = ("*",),
) -> Entry | None:
    """The entry an anchor names now, or None.

    One round trip per base at most: the anchor's
    :meth:`~ldapconnector.anchors.Anchor.lookup_plan` is a base search of ``<GUID=...>``
    when ``guid_base_dn`` (AD-family servers) or of the DN for ``dn`` anchors (either
    answers for every base, so the first one decides), otherwise an escaped equality
    filter under each search base in turn until one finds the entry.

    Args:
        connection: the bound connection.
        anchor: the anchor to look up.
        bases: the search bases (containers, else partitions).
        guid_base_dn: the server accepts ``<GUID=...>`` as a base DN
            (:func:`~ldapconnector.anchors.supports_guid_base_dn`).
        attributes: what to read of the entry (``objectClass`` and the anchor's own
            attributes are always read too).

    Raises:
        LdapConnectorError: two entries carry the anchor (the directory is inconsistent).
    """
    for base in bases:
        plan = anchor.lookup_plan(base, guid_base_dn=guid_base_dn)
        wanted = [*attributes, *plan.attributes, "objectClass"]
        try:
            found = list(
                connection.search(
                    plan.base_dn, plan.search_filter, scope=plan.scope,
                    attributes=wanted, page_size=0,
                )
            )  # fmt: skip
        except NoSuchObjectError:
            found = []
        if len(found) > 1:
            raise LdapConnectorError(f"{len(found)} entries carry the anchor {anchor}")
        if found or plan.scope is SearchScope.BASE:
            return found[0] if found else None
    return None
