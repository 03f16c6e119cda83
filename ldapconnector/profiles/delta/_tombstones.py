"""Can the bind account see tombstones? One probe per naming context, never a silent miss.

AD (and Samba AD) move a deleted object, as a *tombstone* with ``isDeleted=TRUE``, into
the naming context's ``CN=Deleted Objects`` container (well-known GUID
``18E2EA80684F11D2B9AA00C04F79F805``, MS-ADTS 6.1.1.4). A search with the Show Deleted
control returns tombstones only to an account that may list and read that container; for
any other account the search succeeds and **silently** returns no tombstones. So before
trusting the absence of deletes, :func:`deleted_objects_visible` reads the container
itself (base scope, Show Deleted, ``<WKGUID=...,NC>``): an account that cannot see it, or
sees it without being able to read its ``isDeleted`` (Samba returns the entry with no
attributes), cannot see tombstones either. The readers then report
``deletes_covered=False`` and log a warning naming the account.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from ldapconnector.connection import LdapConnection
from ldapconnector.errors import LdapOperationError
from ldapconnector.model import SHOW_DELETED_OID, Entry, SearchScope

__all__ = [
    "DELETED_OBJECTS_WKGUID",
    "deleted_objects_visible",
    "deletes_visible",
    "last_known_dn",
]

log = logging.getLogger("ldapconnector.profiles")


DELETED_OBJECTS_WKGUID = "18E2EA80684F11D2B9AA00C04F79F805"
"""GUID_DELETED_OBJECTS_CONTAINER_W (MS-ADTS 6.1.1.4): the Deleted Objects container."""


def deleted_objects_visible(connection: LdapConnection, naming_context: str) -> bool:
    """Tell whether the bound account can read the naming context's Deleted Objects.

    One base search of ``<WKGUID=18E2EA80...,NC>`` with the Show Deleted control, asking
    for ``isDeleted``: True only when the container comes back with ``isDeleted`` readable.
    """
    base = f"<WKGUID={DELETED_OBJECTS_WKGUID},{naming_context}>"
    try:
        found = list(
            connection.search(
                base,
                scope=SearchScope.BASE,
                attributes=("isDeleted",),
                page_size=0,
                controls=[(SHOW_DELETED_OID, True, None)],
            )
        )
    except LdapOperationError as error:
        log.debug("Deleted Objects probe of %s failed: %s", naming_context, error)
        return False
    return any(entry.texts("isDeleted")[:1] == ("TRUE",) for entry in found)


def deletes_visible(connection: LdapConnection, naming_contexts: Iterable[str]) -> bool:
    """Probe every naming context; log a warning naming the account when one is hidden."""
    hidden = [nc for nc in naming_contexts if not deleted_objects_visible(connection, nc)]
    if not hidden:
        return True
    account = connection.settings.user or "(anonymous)"
    log.warning(
        "delta import: the account %s cannot read CN=Deleted Objects of %s: deletes are NOT "
        "reported (deletes_covered=False); grant it List Contents and Read Property on that "
        "container (docs/delta-import.md) or run full imports to find deletes",
        account,
        ", ".join(hidden),
    )
    return False


_EXTENDED_PREFIX = re.compile(r"^(?:<[^>]*>;)+")


def last_known_dn(entry: Entry) -> str | None:
    """A tombstone's DN before deletion: its RDN under ``lastKnownParent``, or None.

    The RDN value is ``msDS-LastKnownRDN`` (AD), else the first line of the tombstone's
    ``name`` (``RDN\\nDEL:guid``; Samba keeps no ``msDS-LastKnownRDN``). The RDN type is
    assumed to be ``CN``. DirSync returns ``lastKnownParent`` in extended form
    (``<GUID=...>;DN``): the prefix is dropped.
    """
    parent = entry.first("lastKnownParent")
    rdn = entry.first("msDS-LastKnownRDN")
    if rdn is None:
        name = entry.first("name")
        rdn = name.split("\n", 1)[0] if isinstance(name, str) else None
    if not isinstance(parent, str) or not isinstance(rdn, str) or not rdn:
        return None
    return f"CN={_escape_rdn_value(rdn)},{_EXTENDED_PREFIX.sub('', parent)}"


def _escape_rdn_value(value: str) -> str:
    escaped = "".join(f"\\{ch}" if ch in ',+"\\<>;=' else ch for ch in value)
    if escaped.startswith((" ", "#")):
        escaped = "\\" + escaped
    return escaped[:-1] + "\\ " if escaped.endswith(" ") else escaped
