"""Reading search results: paging cookies, VLV windows, and searches cut short."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from ldapconnector.connection._vlv import (
    VlvWindow,
    decode_vlv_response,
    encode_sort_request,
    encode_vlv_request,
)
from ldapconnector.errors import LdapConnectorError, error_class_for_code
from ldapconnector.model import (
    PAGED_RESULTS_OID,
    SORT_REQUEST_OID,
    VLV_REQUEST_OID,
    VLV_RESPONSE_OID,
    Control,
    Entry,
    SearchScope,
)

__all__ = ["SearchRequest", "next_cookie", "raise_if_cut_short", "vlv_window", "vlv_windows"]

#: The paged-results control (RFC 2696).


@attrs.frozen
class SearchRequest:
    """One search's fixed parts, sent once per page or window."""

    base: str
    search_filter: str
    scope: SearchScope
    attributes: tuple[str, ...]
    size_limit: int


def vlv_window(result: Mapping[str, Any], base: str) -> VlvWindow:
    """The VLV response of a search's result; raises when the server refused the window."""
    control = (result.get("controls") or {}).get(VLV_RESPONSE_OID)
    if not control:
        raise LdapConnectorError(f"the server sent no VLV response for the search of {base!r}")
    window = decode_vlv_response(bytes(control["value"]))
    if window.result != 0:
        raise error_class_for_code(window.result)(
            code=window.result, operation="VLV search", dn=base, result_name="vlv"
        )
    return window


# ldap3 does not raise for these two: a search cut short by the server's limits would
# otherwise look complete, and an import would silently miss objects.
_CUT_SHORT = (3, 4)  # timeLimitExceeded, sizeLimitExceeded


def raise_if_cut_short(result: Mapping[str, Any], base: str, size_limit: int) -> None:
    """Raise when the server stopped a search at its size or time limit."""
    code = int(result.get("result") or 0)
    if code not in _CUT_SHORT or (code == 4 and size_limit):
        return  # the caller's own size limit ending a search is not an error
    raise error_class_for_code(code)(
        code=code,
        result_name=str(result.get("description") or ""),
        operation="search",
        dn=base,
        diagnostic=str(result.get("message") or ""),
    )


def next_cookie(result: Mapping[str, Any]) -> bytes | None:
    """The paged-results cookie for the next page (RFC 2696), or None after the last."""
    controls = result.get("controls") or {}
    control = controls.get(PAGED_RESULTS_OID)
    if not control:
        return None
    cookie = control.get("value", {}).get("cookie")
    return bytes(cookie) if cookie else None


def vlv_windows(
    send: Callable[[Sequence[Control]], tuple[list[Entry], Mapping[str, Any]]],
    base: str,
    sort_key: str,
    page_size: int,
) -> Iterator[Entry]:
    """Read a sorted listing window by window (VLV by offset) until its end.

    Args:
        send: sends the search with the given controls; its entries and result.
        base: the search base, for messages.
        sort_key: the attribute the server sorts by.
        page_size: entries per window.
    """
    offset, total, context = 1, 0, None
    sort = (SORT_REQUEST_OID, True, encode_sort_request(sort_key))
    while True:
        vlv = (VLV_REQUEST_OID, True, encode_vlv_request(offset, page_size, total, context))
        entries, result = send((sort, vlv))
        window = vlv_window(result, base)
        yield from entries
        offset += page_size
        total, context = window.content_count, window.context_id
        if not entries or offset > total:
            return
