"""Choosing the anchor: configuration first, detection's recommendation second; pure checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ldapconnector.anchors._kind import AnchorKind
from ldapconnector.anchors._registry import AnchorRegistry, default_anchors
from ldapconnector.anchors._strategy import AnchorStrategy
from ldapconnector.errors import ConfigurationError

__all__ = ["AttributeFacts", "SchemaLookup", "choose_anchor"]

_KEY = "object_type.anchor"


class AttributeFacts(Protocol):
    """What the anchor checks need to know about an attribute type (RFC 4512 section 4.1.2).

    ``ldapconnector.schema.AttributeInfo`` has this shape, so ``Schema.attribute`` can be
    passed as the lookup.
    """

    @property
    def name(self) -> str:
        """The attribute's canonical name."""
        ...

    @property
    def single_value(self) -> bool:
        """``SINGLE-VALUE`` in the schema (or by configuration)."""
        ...


#: Looks an attribute name up in the server's schema: its facts, or None when unknown.
SchemaLookup = Callable[[str], AttributeFacts | None]


def _schema_problem(name: str, origin: str, schema_lookup: SchemaLookup) -> str | None:
    facts = schema_lookup(name)
    if facts is None:
        return (
            f'{origin} "{name}" is not an attribute of the server\'s schema; '
            f"an anchor must be an attribute every entry has"
        )
    if not facts.single_value:
        return (
            f'{origin} "{name}" is multi-valued in the schema; multi-valued attributes '
            f"cannot be anchors (an anchor names exactly one entry)"
        )
    return None


def _pick(configured: str | None, recommended: str | None) -> tuple[str, str]:
    """The anchor name to use and how to call it in messages."""
    if configured is not None and configured.strip():
        return configured.strip(), "anchor"
    if recommended is not None and recommended.strip():
        return recommended.strip(), "the recommended anchor"
    return AnchorKind.DN.value, "anchor"


def choose_anchor(
    configured: str | None,
    recommended: str | None,
    schema_lookup: SchemaLookup | None = None,
    *,
    anchors: AnchorRegistry | None = None,
) -> AnchorStrategy:
    """Pick the anchor strategy: the configured one wins, else detection's recommendation.

    Args:
        configured: ``[object_type] anchor`` from the configuration (``-dn-``, ``dn`` and
            ``_distinguishedName`` all mean the DN); None or empty means "not configured".
        recommended: ``ServerInfo.anchor`` from detection; None means ``dn``.
        schema_lookup: the server schema's attribute lookup (``Schema.attribute``); when
            given, an anchor attribute the schema does not define, or defines as
            multi-valued, is refused. The DN needs no schema.
        anchors: the strategies the name is looked up in (default: the built-ins,
            :func:`~ldapconnector.anchors.default_anchors`); a plug-in's kind is checked
            against the schema by the attribute its strategy reads.

    Returns:
        The strategy of the chosen kind. ``dn`` is allowed but not rename-safe
        (``strategy.rename_safe`` is False): a renamed entry looks deleted.

    Raises:
        ConfigurationError: the chosen name has no strategy in ``anchors`` (the message
            suggests the registered names), or its attribute is missing from the schema,
            or is multi-valued there. The problem names ``object_type.anchor``.
    """
    registry = anchors if anchors is not None else default_anchors()
    name, origin = _pick(configured, recommended)
    strategy = registry.get(name)
    if strategy is not None and strategy.kind == AnchorKind.DN:
        return strategy
    if strategy is None:
        # An attribute the schema holds (as multi-valued: ECMA2Host's reason for "uid") is
        # refused for what the schema says; any other name gets the registered names.
        facts = schema_lookup(name) if schema_lookup else None
        problem = _schema_problem(name, origin, schema_lookup) if facts and schema_lookup else None
        problem = problem or f"{origin} {registry.unknown(name)}"
    else:
        attribute = strategy.attribute
        problem = _schema_problem(attribute, origin, schema_lookup) if schema_lookup else None
        if problem is None:
            return strategy
    raise ConfigurationError([f"{_KEY}: {problem}"])
