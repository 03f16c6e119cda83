"""Read a server's subschema subentry (RFC 4512 section 4.2)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ldapconnector.errors import LdapConnectorError
from ldapconnector.model import Entry, SearchScope

if TYPE_CHECKING:
    from ldapconnector.connection._connection import LdapConnection

__all__ = ["SUBSCHEMA_ATTRIBUTES", "read_subschema"]

#: Asked for by name: AD returns the subschema's attributes only that way.
SUBSCHEMA_ATTRIBUTES = (
    "objectClasses",
    "attributeTypes",
    "ldapSyntaxes",
    "matchingRules",
    "matchingRuleUse",
    "dITContentRules",
    "dITStructureRules",
    "nameForms",
)


def read_subschema(
    connection: LdapConnection,
    dn: str | None = None,
    attributes: Sequence[str] = SUBSCHEMA_ATTRIBUTES,
) -> Entry:
    """Read the subschema subentry.

    Args:
        connection: a bound connection.
        dn: the subschema DN; by default the Root DSE's ``subschemaSubentry``.
        attributes: the subschema attributes to read.

    Raises:
        LdapConnectorError: there is no subschema entry at the DN.
    """
    if dn is None:
        root = connection.read_root_dse(("subschemaSubentry",))
        found = root.first("subschemaSubentry")
        dn = found if isinstance(found, str) else "cn=Subschema"
    entries = list(
        connection.search(
            dn,
            "(objectClass=subschema)",
            scope=SearchScope.BASE,
            attributes=attributes,
            page_size=0,
        )
    )
    if not entries:
        raise LdapConnectorError(f"no subschema entry at {dn!r} on {connection.settings.host}")
    return entries[0]
