"""What a full import reads: bases, filter, attributes (pure, no I/O)."""

from __future__ import annotations

import attrs

from ldapconnector.anchors import AnchorStrategy
from ldapconnector.config import ConnectorConfig
from ldapconnector.escaping import equality_filter

__all__ = ["ImportPlan", "plan_full_import"]


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
        page_size: entries per page (paged results, RFC 2696).
        matching_attributes: the attributes export correlation searches on, recorded in the
            connector space for each imported object.
    """

    bases: tuple[str, ...]
    search_filter: str
    attributes: tuple[str, ...]
    anchor: AnchorStrategy
    page_size: int
    matching_attributes: tuple[str, ...] = ()


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


def plan_full_import(
    config: ConnectorConfig, anchor: AnchorStrategy, bases: tuple[str, ...]
) -> ImportPlan:
    """Work out the full import's searches.

    Args:
        config: the connector configuration (``[object_type]``, ``[global]``,
            ``[[attributes]]``, the mappings' matching precedence).
        anchor: the chosen anchor strategy (:func:`ldapconnector.anchors.choose_anchor`).
        bases: where to search (``Connector.search_bases``: the configured containers,
            else the configured partitions, else detection's data partitions).
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
        matching_attributes=matching,
    )
