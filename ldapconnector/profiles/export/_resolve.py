"""Find the entry an anchor names now, wherever it was renamed or moved to."""

from __future__ import annotations

from collections.abc import Sequence

from ldapconnector.anchors import Anchor, AnchorKind, LookupPlan, default_anchors
from ldapconnector.connection import LdapConnection
from ldapconnector.errors import ConfigurationError, LdapConnectorError, NoSuchObjectError
from ldapconnector.escaping import equality_filter
from ldapconnector.model import Entry, SearchScope

__all__ = ["resolve_anchor"]


def _names_the_dn(name: str) -> bool:
    """``-dn-``, ``dn`` and ``_distinguishedName`` (ECMA2Host's query attribute) are the DN."""
    found = default_anchors().get(name)
    return found is not None and found.kind == AnchorKind.DN


def _query_plan(
    anchor: Anchor, base: str, *, query_attribute: str | None, guid_base_dn: bool
) -> LookupPlan:
    """The one search that finds an anchor's entry through ``[object_type] query_attribute``.

    Without a query attribute, or with the anchor's own attribute (or a DN spelling for a
    ``dn`` anchor), it is the anchor's :meth:`~ldapconnector.anchors.Anchor.lookup_plan`.
    Any other attribute is searched under ``base`` for the anchor's value as the server
    stores it, escaped (RFC 4515), e.g. ``(entryDN=uid=ann,ou=people,...)`` for a ``dn``
    anchor on OpenLDAP.

    Raises:
        ConfigurationError: a DN query attribute for an anchor that is not the DN (a DN
            cannot be looked up from an ``entryUUID`` value).
    """
    if query_attribute is None:
        return anchor.lookup_plan(base, guid_base_dn=guid_base_dn)
    if _names_the_dn(query_attribute):
        if anchor.kind != AnchorKind.DN:
            raise ConfigurationError(
                [
                    f"object_type.query_attribute: {query_attribute!r} finds entries by DN, "
                    f"but the anchor is {anchor.attribute!r}: name an attribute that holds "
                    "the anchor's value, or leave query_attribute out"
                ]
            )
        return anchor.lookup_plan(base, guid_base_dn=guid_base_dn)
    if query_attribute.casefold() == anchor.attribute.casefold():
        return anchor.lookup_plan(base, guid_base_dn=guid_base_dn)
    return LookupPlan(
        base_dn=base,
        scope=SearchScope.SUBTREE,
        search_filter=equality_filter(query_attribute, anchor.to_directory_value()),
        attributes=(*anchor.strategy.search_attributes, query_attribute),
    )


def resolve_anchor(
    connection: LdapConnection,
    anchor: Anchor,
    bases: Sequence[str],
    *,
    guid_base_dn: bool,
    attributes: Sequence[str] = ("*",),
    query_attribute: str | None = None,
) -> Entry | None:
    """The entry an anchor names now, or None.

    One round trip per base at most: the anchor's
    :meth:`~ldapconnector.anchors.Anchor.lookup_plan` is a base search of ``<GUID=...>``
    when ``guid_base_dn`` (AD-family servers) or of the DN for ``dn`` anchors (either
    answers for every base, so the first one decides), otherwise an escaped equality
    filter under each search base in turn until one finds the entry. With a
    ``query_attribute`` the filter is on that attribute (see :func:`_query_plan`).

    Args:
        connection: the bound connection.
        anchor: the anchor to look up.
        bases: the search bases (containers, else partitions).
        guid_base_dn: the server accepts ``<GUID=...>`` as a base DN
            (:func:`~ldapconnector.anchors.supports_guid_base_dn`).
        attributes: what to read of the entry (``objectClass`` and the anchor's own
            attributes are always read too).
        query_attribute: ``[object_type] query_attribute``: the attribute searched for
            the anchor's value; None searches the anchor itself.

    Raises:
        LdapConnectorError: two entries carry the anchor (the directory is inconsistent).
        ConfigurationError: see :func:`_query_plan`.
    """
    for base in bases:
        plan = _query_plan(anchor, base, query_attribute=query_attribute, guid_base_dn=guid_base_dn)
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
            raise LdapConnectorError(
                f"{len(found)} entries carry the anchor {anchor} "
                f"({plan.search_filter} under {plan.base_dn})"
            )
        if found or plan.scope is SearchScope.BASE:
            return found[0] if found else None
    return None
