"""Just enough of a subschema entry for detection: which names it defines.

Schema *probes* look for object classes and attribute types that exist on one vendor only
(OpenLDAP's ``olc*``, 389's ``nsds5*``, eDirectory's ``ndsLoginProperties``, ...). That needs
the NAMEs of the definitions (RFC 4512 §4.1.1 and §4.1.2), not a full schema model, so this
module reads them with one tolerant pattern and never fails on a definition it cannot read.
The full parser lives in :mod:`ldapconnector.schema`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs

from ldapconnector.detect._rootdse import AttributeMap, normalize_attributes

__all__ = ["SchemaNames"]

# NAME 'x'  or  NAME ( 'x' 'y' ): RFC 4512 qdescrs.
_NAME = re.compile(r"\bNAME\s+(?:'([^']*)'|\(\s*((?:'[^']*'\s*)+)\))", re.IGNORECASE)
_QUOTED = re.compile(r"'([^']*)'")


def _names(definitions: Iterable[str]) -> frozenset[str]:
    found: set[str] = set()
    for text in definitions:
        match = _NAME.search(text)
        if match is None:
            continue
        if match.group(1) is not None:
            found.add(match.group(1))
        else:
            found.update(_QUOTED.findall(match.group(2)))
    return frozenset(found)


@attrs.frozen(kw_only=True)
class SchemaNames:
    """The names a subschema entry defines, as the server spells them.

    Attributes:
        object_classes: names from ``objectClasses``.
        attribute_types: names from ``attributeTypes``.
    """

    object_classes: frozenset[str] = frozenset()
    attribute_types: frozenset[str] = frozenset()

    @classmethod
    def from_subschema(cls, subschema: AttributeMap | None) -> SchemaNames:
        """Collect names from subschema attributes (``objectClasses``, ``attributeTypes``).

        Args:
            subschema: the subschema entry's attributes; names in any case.
        """
        pairs, _ = normalize_attributes(subschema)
        by_name = {name.lower(): values for name, values in pairs}
        return cls(
            object_classes=_names(by_name.get("objectclasses", ())),
            attribute_types=_names(by_name.get("attributetypes", ())),
        )

    def has_attribute_type(self, name: str) -> bool:
        """Whether an attribute type of that name (case-insensitive) is defined."""
        wanted = name.lower()
        return any(n.lower() == wanted for n in self.attribute_types)

    @property
    def is_empty(self) -> bool:
        """Whether no definition was found at all."""
        return not (self.object_classes or self.attribute_types)
