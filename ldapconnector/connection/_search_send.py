"""Sending a search and collecting its answer as two steps, so a page can be read ahead.

ldap3's ``Connection.search`` sends a request and waits for all of its answer. Split in
two, the next page of a paged search is requested as soon as the current page's result
(with its cookie) is in, and the server works on it while the caller processes the
current page: the server's time per page overlaps the client's instead of adding to it.
The request is encoded by this package's own encoder; ldap3 keeps the socket.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ldap3
from ldap3.operation.search import search_operation
from ldap3.utils.dn import safe_dn

from ldapconnector.connection._encoder import (
    ALWAYS_DEREFERENCE,
    encode_message,
    encode_paged_results,
    encode_search,
)
from ldapconnector.connection._lean import RAW_ENTRIES, LeanSyncStrategy
from ldapconnector.connection._referrals import search_references
from ldapconnector.connection._scope import LDAP3_SCOPE
from ldapconnector.connection._search_results import SearchRequest
from ldapconnector.model import PAGED_RESULTS_OID, Control

__all__ = ["collect_search", "send_search"]


def send_search(
    ldap: ldap3.Connection,
    request: SearchRequest,
    controls: list[Control],
    *,
    page_size: int = 0,
    cookie: bytes | None = None,
) -> int:
    """Send one search request (one page when ``page_size``) and return its message id.

    The request is encoded by :func:`~ldapconnector.connection._encoder.encode_search`
    (ldap3's filter parser and pyasn1 tree cost more than the search itself for the long
    filters a delta import sends), with ldap3's choices kept: aliases always
    dereferenced, ``safe_dn`` on the base. A connection whose messages ldap3 signs
    (DIGEST-MD5 integrity) or counts (``usage``) sends through ldap3 as before.

    Raises:
        InvalidRequestError: the filter is not an RFC 4515 filter (nothing is sent).
        ldap3's exceptions: the base is not a DN, or the socket is closed or fails.
    """
    sent = list(controls)
    if page_size:
        sent.append((PAGED_RESULTS_OID, False, encode_paged_results(page_size, cookie or b"")))
    base = safe_dn(request.base) if ldap.check_names and request.base else request.base
    strategy = ldap.strategy
    if not isinstance(strategy, LeanSyncStrategy) or ldap.usage or _signed(ldap):
        return _send_through_ldap3(ldap, base, request, sent)
    attributes = request.attributes or (ldap3.NO_ATTRIBUTES,)
    operation = encode_search(
        base,
        request.search_filter,
        scope=request.scope,
        attributes=attributes,
        size_limit=request.size_limit,
        dereference=ALWAYS_DEREFERENCE,
    )
    described = {
        "type": "searchRequest",
        "base": base,
        "scope": LDAP3_SCOPE[request.scope],
        "filter": request.search_filter,
        "attributes": list(attributes),
        "controls": sent,
    }
    with ldap.connection_lock:
        return strategy.send_encoded(lambda mid: encode_message(mid, operation, sent), described)


def _signed(ldap: ldap3.Connection) -> bool:
    """Whether ldap3 signs this connection's messages (DIGEST-MD5 with integrity)."""
    return ldap.sasl_mechanism == ldap3.DIGEST_MD5 and bool(getattr(ldap, "_digest_md5_kic", None))


def _send_through_ldap3(
    ldap: ldap3.Connection, base: str, request: SearchRequest, sent: list[Control]
) -> int:
    """ldap3's own encoding and sending of a search (its filter parser, its pyasn1 tree)."""
    operation = search_operation(
        base,
        request.search_filter,
        LDAP3_SCOPE[request.scope],
        ldap3.DEREF_ALWAYS,
        list(request.attributes) or [ldap3.NO_ATTRIBUTES],
        request.size_limit,
        0,
        False,
        ldap.auto_escape,
        ldap.auto_encode,
        None,
        validator=None,
        check_names=ldap.check_names,
    )
    with ldap.connection_lock:
        message_id: int = ldap.strategy.send("searchRequest", operation, sent or None)
    return message_id


def collect_search(
    ldap: ldap3.Connection, message_id: int
) -> tuple[list[bytes], Mapping[str, Any], list[tuple[str, ...]]]:
    """Wait for a search's answer: its raw entry messages, result and continuation refs.

    Raises:
        ldap3's exceptions: the server answered with an error result (``raise_exceptions``
            is on), or the connection failed.
    """
    with ldap.connection_lock:
        responses = ldap.strategy.post_send_search(message_id)
    result: Mapping[str, Any] = ldap.result
    entries: list[bytes] = []
    for item in responses:
        if item["type"] == RAW_ENTRIES:
            entries = item["raw"]
    return entries, result, search_references(responses)
