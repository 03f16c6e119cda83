"""Intents: an add recorded before it is sent, and the open ones healed at a run's start.

A create is the one step whose link cannot be written before the directory answers (the
anchor comes from the new entry), so a process that dies between the directory's
confirmation and the link commit leaves an entry nobody links. Without a matching
attribute nothing would find it again, and a DN unique per run (``SelectUniqueValue``)
would add the user a second time. So the sender records an :class:`~ldapconnector.space.Intent`
first (committed before the add), and closes it together with the link.

:func:`heal_intents` runs before anything is exported: for each open intent it reads the
planned DN; an entry that carries every value of the add (its :func:`fingerprint`) and is
linked to nobody else is linked to the intent's source id, anything else (no entry, a
different one) drops the intent. An intent that cannot be checked (the read failed) stays
open, and its source id is refused in this run rather than risk a second add.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping

from ldapconnector.errors import LdapConnectorError, LinkStoreError, TransportError
from ldapconnector.mapping import DesiredEntry
from ldapconnector.model import Entry, Value
from ldapconnector.profiles.export._operations import AddOperation
from ldapconnector.profiles.export._request import ExportRequest
from ldapconnector.space import Intent, Link, LinkState, attributes_hash, source_lock

__all__ = ["fingerprint", "heal_intent", "heal_intents", "intent_for", "is_ours"]

log = logging.getLogger("ldapconnector.export")

# Hex digits kept of each value's SHA-256: 80 bits, ample to tell one user from another.
_TOKEN_LENGTH = 20


def _token(folded_name: str, value: Value) -> str:
    # Case-folded: a server may keep a value's case or not; the DN already pins the user.
    text = value if isinstance(value, str) else value.decode("utf-8", "surrogateescape")
    folded = f"{folded_name}\0{text.casefold()}"
    digest = hashlib.sha256(folded.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:_TOKEN_LENGTH]


def fingerprint(
    attributes: Mapping[str, Iterable[Value]], *, leave_out: Iterable[str] = ()
) -> frozenset[str]:
    """One digest per attribute value (names and values case-folded), ``leave_out`` aside.

    Args:
        attributes: attribute name -> values (an add's, or an entry's as read back).
        leave_out: attributes not to fingerprint (the redacted ones: passwords).
    """
    skipped = {name.casefold() for name in leave_out}
    tokens: set[str] = set()
    for name, values in attributes.items():
        if name.casefold() not in skipped:
            folded_name = name.strip().casefold()  # once per attribute, not per value
            tokens.update(_token(folded_name, value) for value in values)
    return frozenset(tokens)


def intent_for(source_id: str, add: AddOperation, desired: DesiredEntry) -> Intent:
    """The intent of an add: its DN, its fingerprint and the hash its link will carry."""
    return Intent(
        source_id=source_id,
        dn=add.dn,
        fingerprint=fingerprint(add.attributes, leave_out=add.redacted),
        attributes_hash=attributes_hash(desired.attributes),
    )


def is_ours(intent: Intent, entry: Entry) -> bool:
    """Whether ``entry`` is the one the intent's add made: it holds every value of the add.

    Extra values (``top`` added by the server, operational attributes) do not matter.
    """
    return intent.fingerprint <= fingerprint(entry.attributes)


def _drop(request: ExportRequest, intent: Intent, reason: str) -> None:
    log.info("intent of %s at %s dropped: %s", intent.source_id, intent.dn, reason)
    request.store.resolve_intent(intent.source_id)


def heal_intent(request: ExportRequest, intent: Intent) -> None:
    """Resolve one open intent against the directory (link the entry, or drop the intent).

    Raises:
        LdapConnectorError: the planned DN could not be read (the intent stays open).
    """
    held = request.store.get_by_source(intent.source_id)
    if held is not None and held.state is not LinkState.DELETED:
        return _drop(request, intent, f"the source id is linked to {held.dn} already")
    entry = request.connection().read_entry(intent.dn, request.read_attributes)
    if entry is None:
        return _drop(request, intent, "no entry there: the add never happened")
    if not is_ours(intent, entry):
        return _drop(request, intent, "the entry there is not the one this add made")
    link = Link(
        source_id=intent.source_id,
        anchor=request.anchor_of(entry),
        dn=entry.dn,
        attributes_hash=intent.attributes_hash,
    )
    try:
        request.store.resolve_intent(intent.source_id, link)
    except LinkStoreError as error:
        return _drop(request, intent, str(error))
    log.warning("linked %s to %s, added by an interrupted run", intent.source_id, entry.dn)
    return None


def heal_intents(request: ExportRequest) -> dict[str, str]:
    """Resolve every open intent; the source ids left open, each with the reason.

    Raises:
        TransportError: the connection failed (nothing can be exported either).
    """
    unresolved: dict[str, str] = {}
    for listed in request.store.list_intents():
        try:
            # Another worker may be adding this user right now (a store several workers
            # share): wait for its lock, then heal only what is still open.
            with source_lock(request.store, listed.source_id):
                intent = request.store.get_intent(listed.source_id)
                if intent is not None:
                    heal_intent(request, intent)
        except TransportError:
            raise
        except LdapConnectorError as error:
            unresolved[listed.source_id] = (
                f"an interrupted add of this user at {listed.dn} could not be checked "
                f"({error}); nothing was written for this record"
            )
    return unresolved
