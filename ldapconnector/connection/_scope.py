"""ldap3's names for the search scopes of :class:`~ldapconnector.model.SearchScope`."""

from __future__ import annotations

import ldap3

from ldapconnector.model import SearchScope

__all__ = ["LDAP3_SCOPE"]

LDAP3_SCOPE = {
    SearchScope.BASE: ldap3.BASE,
    SearchScope.ONE_LEVEL: ldap3.LEVEL,
    SearchScope.SUBTREE: ldap3.SUBTREE,
}
