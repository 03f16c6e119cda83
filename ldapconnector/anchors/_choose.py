"""Choosing the anchor: configuration first, detection's recommendation second; pure checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ldapconnector.anchors._strategy import (
    ANCHOR_STRATEGIES,
    DN_ALIASES,
    AnchorKind,
    AnchorStrategy,
)
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


def _choices() -> str:
    return ", ".join(f'"{kind.value}"' for kind in AnchorKind)


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
) -> AnchorStrategy:
    """Pick the anchor strategy: the configured one wins, else detection's recommendation.

    Args:
        configured: ``[object_type] anchor`` from the configuration (``-dn-``, ``dn`` and
            ``_distinguishedName`` all mean the DN); None or empty means "not configured".
        recommended: ``ServerInfo.anchor`` from detection; None means ``dn``.
        schema_lookup: the server schema's attribute lookup (``Schema.attribute``); when
            given, an anchor attribute the schema does not define, or defines as
            multi-valued, is refused. The DN needs no schema.

    Returns:
        The strategy of the chosen kind. ``dn`` is allowed but not rename-safe
        (``strategy.rename_safe`` is False): a renamed entry looks deleted.

    Raises:
        ConfigurationError: the chosen attribute is not an anchor kind the connector
            supports, is missing from the schema, or is multi-valued there. The problem
            names ``object_type.anchor``.
    """
    name, origin = _pick(configured, recommended)
    if name.lower() in DN_ALIASES:
        return ANCHOR_STRATEGIES[AnchorKind.DN]
    problem = _schema_problem(name, origin, schema_lookup) if schema_lookup else None
    if problem is None:
        try:
            return ANCHOR_STRATEGIES[AnchorKind(name)]
        except ValueError:
            problem = (
                f'{origin} "{name}" is not an anchor kind this connector can encode; '
                f"choose one of {_choices()}"
            )
    raise ConfigurationError([f"{_KEY}: {problem}"])
