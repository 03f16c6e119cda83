"""``attribute_aliases``: send an attribute under its configured transfer option.

A mapping targets ``userCertificate``; with ``attribute_aliases = ["userCertificate;binary"]``
its values are planned and sent as ``userCertificate;binary``, the transfer RFC 4522
requires for certificate syntaxes (OpenLDAP refuses a plain ``userCertificate`` with
"requires ;binary transfer"). Only names given without an option are renamed; a mapping
that already spells an option keeps it. Values read back under the aliased name compare
with the desired ones because the planners compare attributes by their canonical name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from ldapconnector.mapping import DesiredEntry
from ldapconnector.profiles.export._names import canonical
from ldapconnector.schema import Schema

__all__ = ["with_aliases"]


def _aliases(schema: Schema) -> Mapping[str, str]:
    """Canonical lower-cased attribute name -> the alias to send it as."""
    return {
        canonical(schema, alias.split(";", 1)[0].strip()): alias
        for alias in sorted(schema.options.binary_aliases)
    }


def _renamed(names: Iterable[str], schema: Schema, aliases: Mapping[str, str]) -> dict[str, str]:
    """Each name that has an alias and no option of its own -> that alias."""
    return {
        name: alias
        for name in names
        if ";" not in name and (alias := aliases.get(canonical(schema, name))) is not None
    }


def with_aliases(desired: DesiredEntry, schema: Schema) -> DesiredEntry:
    """``desired`` with its aliased attributes named as they must be sent.

    Args:
        desired: the mapped record.
        schema: the server's schema; its ``options.binary_aliases`` are
            ``[global] attribute_aliases``.

    Returns:
        ``desired`` itself when nothing is aliased, else a copy whose attributes (and
        cleared and redacted names) carry the aliases.
    """
    aliases = _aliases(schema)
    if not aliases:
        return desired
    names = {*desired.attributes, *desired.cleared, *desired.redacted}
    renamed = _renamed(names, schema, aliases)
    if not renamed:
        return desired
    return attrs.evolve(
        desired,
        attributes={renamed.get(n, n): values for n, values in desired.attributes.items()},
        cleared=frozenset(renamed.get(n, n) for n in desired.cleared),
        redacted=frozenset(renamed.get(n, n) for n in desired.redacted),
    )
