"""Sending a search and collecting its answer as two steps, so a page can be read ahead.

ldap3's ``Connection.search`` sends a request and waits for all of its answer. Split in
two, the next page of a paged search is requested as soon as the current page's result
(with its cookie) is in, and the server works on it while the caller processes the
current page: the server's time per page overlaps the client's instead of adding to it.
The request is still built and encoded by ldap3 (filter parsing included).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ldap3
from ldap3.operation.search import search_operation
from ldap3.protocol.rfc2696 import paged_search_control
from ldap3.utils.dn import safe_dn

from ldapconnector.connection._lean import RAW_ENTRIES
from ldapconnector.connection._referrals import search_references
from ldapconnector.connection._scope import LDAP3_SCOPE
from ldapconnector.connection._search_results import SearchRequest
from ldapconnector.model import Control

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

    The same checks as ldap3's ``Connection.search`` apply (``safe_dn`` on the base, the
    filter parsed by ldap3); a failure raises ldap3's exception before anything is sent.
    """
    base = safe_dn(request.base) if ldap.check_names and request.base else request.base
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
    sent = list(controls)
    if page_size:
        sent.append(paged_search_control(False, page_size, cookie))
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
