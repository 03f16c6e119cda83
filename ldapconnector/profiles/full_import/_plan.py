"""What a full import reads: bases, filter, attributes (pure, no I/O)."""

from __future__ import annotations

import attrs

from ldapconnector.anchors import AnchorStrategy
from ldapconnector.config import ConnectorConfig, Paging
from ldapconnector.escaping import equality_filter
from ldapconnector.model import PAGED_RESULTS_OID, SORT_REQUEST_OID, VLV_REQUEST_OID
from ldapconnector.schema import Schema

__all__ = ["ImportPlan", "choose_paging", "plan_full_import"]


@attrs.frozen(kw_only=True)
class ImportPlan:
    """The searches a full import sends, derived from the configuration and detection.

    Attributes:
        bases: the search bases, in order.
        search_filter: the objects to read (the target structural class).
        attributes: what to request: the selected attributes (or ``*``), ``objectClass``,
            the anchor attribute (operational anchors are only returned when named), the
            matching attributes, and ``+`` when operational attributes are included.
        anchor: how to read each object's anchor.
        page_size: entries per page or VLV window.
        paging: how the searches are split: ``PAGED_RESULTS`` (RFC 2696), ``VLV`` (with
            server-side sort on ``sort_key``), or ``NONE`` (one search per base).
        sort_key: the attribute VLV windows are sorted by (the anchor, when it has an
            ordering rule, keeps the listing stable under renames).
        matching_attributes: the attributes export correlation searches on, recorded in the
            connector space for each imported object.
        schema: the server's schema with the configured options; with it, an attribute
            treated as single-valued ("Treat as single value") is presented with one value,
            the mapped one rather than the RDN's (see
            :func:`~ldapconnector.profiles.export.exposed_attributes`). None presents every
            attribute as read.
    """

    bases: tuple[str, ...]
    search_filter: str
    attributes: tuple[str, ...]
    anchor: AnchorStrategy
    page_size: int
    paging: Paging = Paging.PAGED_RESULTS
    sort_key: str | None = None
    matching_attributes: tuple[str, ...] = ()
    schema: Schema | None = attrs.field(default=None, eq=False, repr=False)


def _unique(names: list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.lower(), name)
    return tuple(seen.values())


def _matching_attributes(config: ConnectorConfig) -> tuple[str, ...]:
    ranked = sorted(
        (m.matching_precedence, m.target)
        for m in config.mappings
        if m.matching_precedence is not None
    )
    return _unique([target for _rank, target in ranked])


def choose_paging(configured: Paging, supported_controls: frozenset[str]) -> Paging:
    """The paging to use: the configured one, or for ``auto`` the best the server offers."""
    if configured is not Paging.AUTO:
        return configured
    if PAGED_RESULTS_OID in supported_controls:
        return Paging.PAGED_RESULTS
    if {VLV_REQUEST_OID, SORT_REQUEST_OID} <= supported_controls:
        return Paging.VLV
    return Paging.NONE


def plan_full_import(
    config: ConnectorConfig,
    anchor: AnchorStrategy,
    bases: tuple[str, ...],
    *,
    paging: Paging = Paging.PAGED_RESULTS,
    schema: Schema | None = None,
) -> ImportPlan:
    """Work out the full import's searches.

    Args:
        config: the connector configuration (``[object_type]``, ``[global]``,
            ``[[attributes]]``, the mappings' matching precedence).
        anchor: the chosen anchor strategy (:func:`ldapconnector.anchors.choose_anchor`).
        bases: where to search (``Connector.search_bases``: the configured containers,
            else the configured partitions, else detection's data partitions).
        paging: how to split the searches (:func:`choose_paging`).
        schema: the server's schema with the configured options, for presenting the
            attributes treated as single-valued; None presents them as read.
    """
    object_type = config.object_type
    target = object_type.target if object_type is not None else "*"
    matching = _matching_attributes(config)
    selected = [a.name for a in config.attributes] or ["*"]
    requested = [*selected, "objectClass", *anchor.search_attributes, *matching]
    if config.global_.include_operational_attributes:
        requested.append("+")
    search_filter = "(objectClass=*)" if target == "*" else equality_filter("objectClass", target)
    return ImportPlan(
        bases=tuple(bases),
        search_filter=search_filter,
        attributes=_unique(requested),
        anchor=anchor,
        page_size=config.global_.page_size,
        paging=paging,
        sort_key=anchor.attribute if anchor.search_attributes else "cn",
        matching_attributes=matching,
        schema=schema,
    )
