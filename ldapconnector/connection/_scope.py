"""How deep a search goes: the enum the layers above use, and ldap3's names for it."""

from __future__ import annotations

import enum

import ldap3

__all__ = ["LDAP3_SCOPE", "SearchScope"]


class SearchScope(enum.Enum):
    """How deep a search goes below its base (RFC 4511 section 4.5.1.2)."""

    BASE = "base"
    ONE_LEVEL = "one"
    SUBTREE = "sub"


LDAP3_SCOPE = {
    SearchScope.BASE: ldap3.BASE,
    SearchScope.ONE_LEVEL: ldap3.LEVEL,
    SearchScope.SUBTREE: ldap3.SUBTREE,
}
