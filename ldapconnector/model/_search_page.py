"""One search request's entries together with the controls of its result.

Most callers want :meth:`~ldapconnector.connection.LdapConnection.search`, which pages and
streams. Protocols that carry their own state in a *response* control (AD DirSync's
cookie, MS-ADTS 3.1.1.3.4.1.3) need to see that control:
:meth:`~ldapconnector.connection.LdapConnection.search_page` sends one request and returns
a :class:`SearchPage`. Controls ldap3 decodes (paged results, DirSync) come as a mapping of
plain values; any other control's value stays raw BER bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ldapconnector.model._entry import Entry

__all__ = ["ResponseControl", "SearchPage"]


@attrs.frozen(kw_only=True)
class ResponseControl:
    """A control the server attached to a search result.

    Attributes:
        oid: the control type.
        critical: the criticality the server set.
        value: the decoded value (e.g. DirSync: ``{"more_results": bool, "cookie":
            bytes}``) for controls ldap3 knows, else the raw BER bytes, or None.
    """

    oid: str
    critical: bool
    value: Mapping[str, Any] | bytes | None


@attrs.frozen(kw_only=True)
class SearchPage:
    """The entries of one search request and its result's controls.

    Attributes:
        entries: the entries, in the order the server sent them.
        controls: the result's controls by OID.
    """

    entries: tuple[Entry, ...]
    controls: Mapping[str, ResponseControl]
