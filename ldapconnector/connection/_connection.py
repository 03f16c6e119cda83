"""``LdapConnection``: one bound connection and the operations the connector needs."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any

import attrs
import ldap3

from ldapconnector.config import ConnectivityConfig, Secret
from ldapconnector.connection._entry_decoder import EntryDecoder
from ldapconnector.connection._errors import translate_errors
from ldapconnector.connection._open import discard
from ldapconnector.connection._pipeline import Pipeline
from ldapconnector.connection._post_read import post_read_control, post_read_entry
from ldapconnector.connection._referrals import (
    ReferralChaser,
    ReferralPolicy,
    referral_refused,
    referral_urls,
)
from ldapconnector.connection._response_controls import response_controls
from ldapconnector.connection._search_results import (
    SearchRequest,
    next_cookie,
    raise_if_cut_short,
    vlv_windows,
)
from ldapconnector.connection._search_send import collect_search, send_search
from ldapconnector.connection._subschema import SUBSCHEMA_ATTRIBUTES, read_subschema
from ldapconnector.dn import renamed_dn
from ldapconnector.errors import (
    InvalidRequestError,
    LdapConnectorError,
    NoSuchObjectError,
    OperationTimeoutError,
)
from ldapconnector.model import (
    DEFAULT_BINARY_ATTRIBUTES,
    TREE_DELETE_OID,
    Control,
    Entry,
    Modification,
    ModifyOp,
    SearchPage,
    SearchScope,
    ServerCertificate,
    Value,
    as_values,
)

__all__ = ["LdapConnection"]

log = logging.getLogger("ldapconnector.connection")


_LDAP3_MODIFY = {
    ModifyOp.ADD: ldap3.MODIFY_ADD,
    ModifyOp.DELETE: ldap3.MODIFY_DELETE,
    ModifyOp.REPLACE: ldap3.MODIFY_REPLACE,
    ModifyOp.INCREMENT: ldap3.MODIFY_INCREMENT,
}


@attrs.frozen
class _Pending:
    """A search request sent and not yet answered (or the error that kept it from going)."""

    message_id: int
    error: LdapConnectorError | None = None


@attrs.define(repr=False)
class LdapConnection:
    """A bound connection to one directory server.

    Use :func:`open_connection` to get one; close it with :meth:`close` or a ``with`` block.
    Every method raises an :class:`~ldapconnector.errors.LdapConnectorError` subclass on
    failure and returns plain values; no ldap3 object leaves this class. Referrals are
    followed as ``referrals`` says (see :mod:`~ldapconnector.connection._referrals`).
    """

    settings: ConnectivityConfig
    _ldap: ldap3.Connection
    certificate: ServerCertificate | None = None
    referrals: ReferralPolicy = attrs.field(factory=ReferralPolicy, kw_only=True)
    _requests_sent: int = 0
    _chaser: ReferralChaser = attrs.field(init=False)

    @_chaser.default
    def _new_chaser(self) -> ReferralChaser:
        # A referred connection follows no referral of its own (one hop).
        from ldapconnector.connection._factory import open_connection  # it builds this class

        return ReferralChaser(policy=self.referrals, settings=self.settings, opener=open_connection)

    _pipeline: Pipeline | None = None

    def __repr__(self) -> str:
        # The ldap3 connection's own repr contains the bind password: never show it.
        return (
            f"LdapConnection(host={self.settings.host!r}, port={self.settings.effective_port},"
            f" security={self.settings.security.value!r}, bound={self._ldap.bound})"
        )

    def __enter__(self) -> LdapConnection:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def bound(self) -> bool:
        """True while the connection is open and bound."""
        return bool(self._ldap.bound) and not self._ldap.closed

    def close(self) -> None:
        """Unbind and close the socket; closing twice is harmless."""
        self._chaser.close()
        if self._pipeline is not None:
            self._pipeline.discard(f"the connection to {self.settings.host} was closed")
            self._pipeline = None
        if not self._ldap.closed:
            log.debug("closing the connection to %s", self.settings.host)
            discard(self._ldap)

    @property
    def requests_sent(self) -> int:
        """How many LDAP requests (searches pages, writes, extended operations) were sent."""
        pipelined = self._pipeline.sent if self._pipeline is not None else 0
        return self._requests_sent + pipelined

    def pipeline(self) -> Pipeline:
        """The connection's pipeline, for many write requests in flight (made on first use).

        While it has requests out, every other method of the connection first waits for
        their answers, so a read sees every write sent before it.
        """
        if self._pipeline is None:
            self._pipeline = Pipeline(
                self._ldap, self.settings.host, self.settings.effective_port,
                self.settings.timeout,
            )  # fmt: skip
        return self._pipeline

    def _settle_pipeline(self) -> None:
        """Wait for the pipeline's answers: ldap3 must never read a pipelined one."""
        if self._pipeline is None:
            return
        try:
            self._pipeline.settle()
        except OperationTimeoutError:
            self.close()  # a late answer could be taken for another's: the caller reconnects
            raise

    def _request(self, operation: str, dn: str | None = None) -> AbstractContextManager[None]:
        # Every operation goes through here once per request, so it also counts them.
        if self._pipeline is not None:
            self._settle_pipeline()
        self._requests_sent += 1
        return self._translate(operation, dn)

    def _translate(self, operation: str, dn: str | None) -> AbstractContextManager[None]:
        return translate_errors(
            operation=operation,
            host=self.settings.host,
            port=self.settings.effective_port,
            dn=dn,
        )

    def _elsewhere(self, operation: str, dn: str) -> tuple[LdapConnection, str] | None:
        """The referred server and DN when the last write was answered with a referral."""
        return self._chaser.write_target(self._ldap.result, operation=operation, dn=dn)

    def who_am_i(self) -> str:
        """Return the authorization identity the server sees (RFC 4532), e.g. ``dn:cn=x``."""
        with self._request("whoami"):
            identity = self._ldap.extend.standard.who_am_i()
        return str(identity or "")

    def read_entry(
        self,
        dn: str,
        attributes: Sequence[str] = ("*",),
        *,
        binary_attributes: frozenset[str] = DEFAULT_BINARY_ATTRIBUTES,
    ) -> Entry | None:
        """Read one entry by DN; return None when it does not exist."""
        try:
            for entry in self.search(
                dn,
                "(objectClass=*)",
                scope=SearchScope.BASE,
                attributes=attributes,
                page_size=0,
                binary_attributes=binary_attributes,
            ):
                return entry
        except NoSuchObjectError:
            return None
        return None

    def read_root_dse(self, attributes: Sequence[str] = ("*", "+")) -> Entry:
        """Read the Root DSE (RFC 4512 section 5.1).

        Args:
            attributes: what to ask for; some servers (AD) only return certain
                operational attributes when asked by name.
        """
        entry = self.read_entry("", attributes)
        if entry is None:  # pragma: no cover - every LDAPv3 server has a Root DSE
            raise LdapConnectorError(f"{self.settings.host} returned no Root DSE")
        return entry

    def read_subschema(
        self, dn: str | None = None, attributes: Sequence[str] = SUBSCHEMA_ATTRIBUTES
    ) -> Entry:
        """Read the subschema subentry (RFC 4512 section 4.2); see :func:`read_subschema`."""
        return read_subschema(self, dn, attributes)

    def search(
        self,
        base: str,
        search_filter: str = "(objectClass=*)",
        *,
        scope: SearchScope = SearchScope.SUBTREE,
        attributes: Sequence[str] = ("*",),
        page_size: int = 1000,
        size_limit: int = 0,
        binary_attributes: frozenset[str] = DEFAULT_BINARY_ATTRIBUTES,
        controls: Sequence[Control] = (),
    ) -> Iterator[Entry]:
        """Stream the entries a search finds, one page at a time.

        Pages are requested with the paged-results control (RFC 2696) as the caller
        consumes entries, one page ahead: the next page is asked for when the current one
        has arrived, so the server prepares it while the caller reads, and memory holds
        about two pages. Other operations on this connection meanwhile get their own
        answers; a search left early drops the answers of its page read ahead. A referral
        (the base is held by another server) and continuation references are followed to
        the allowed hosts when ``referrals`` says so; otherwise a referral is an error and
        continuation references are skipped. Values placed in ``search_filter`` must
        already be escaped (RFC 4515).

        Args:
            base: the search base DN.
            search_filter: an RFC 4515 filter string.
            scope: base, one level or subtree.
            attributes: names to return (``*`` user attributes, ``+`` operational ones).
            page_size: entries per page; 0 sends one unpaged search.
            size_limit: at most this many entries (0 = the server's limit).
            binary_attributes: lower-case names whose values stay bytes.
            controls: extra request controls, each ``(oid, critical, BER value or None)``
                (e.g. AD's Show Deleted, ``("1.2.840.113556.1.4.417", True, None)``).

        Raises:
            SizeLimitExceededError: the server stopped early at its size limit (not raised
                when the caller's own ``size_limit`` ended the search).
            TimeLimitExceededError: the server stopped early at its time limit.
            LdapOperationError: any other failure result; result 10 for a referral that
                is not followed, naming its host.
        """
        if page_size < 0:
            raise InvalidRequestError(f"page_size must be >= 0, got {page_size}")
        request = SearchRequest(base, search_filter, scope, tuple(attributes), size_limit)
        decoder = EntryDecoder(binary_attributes, base)
        pending: _Pending | None = self._start(request, controls, page_size)
        try:
            while pending is not None:
                raw, result, references = self._finish(request, pending)
                if (urls := referral_urls(result)) is not None:  # the base is held elsewhere
                    pending = None
                    yield from self._chaser.search(
                        urls, request, page_size, binary_attributes, controls
                    )
                    return
                cookie = next_cookie(result) if page_size else None
                # Ask for the next page before handing out this one: the server works on
                # it while the caller processes these entries.
                pending = self._start(request, controls, page_size, cookie) if cookie else None
                yield from map(decoder.decode, raw)  # no Python loop per entry
                for uris in references if self.referrals.follow else ():
                    yield from self._chaser.search(
                        uris, request, page_size, binary_attributes, controls
                    )
        finally:
            if pending is not None and pending.error is None:
                self._ldap.strategy.forget(pending.message_id)

    def search_page(
        self,
        base: str,
        search_filter: str = "(objectClass=*)",
        *,
        scope: SearchScope = SearchScope.SUBTREE,
        attributes: Sequence[str] = ("*",),
        binary_attributes: frozenset[str] = DEFAULT_BINARY_ATTRIBUTES,
        controls: Sequence[Control] = (),
    ) -> SearchPage:
        """Send one (unpaged) search and return its entries with the result's controls.

        For protocols whose state comes back in a response control (AD DirSync's cookie);
        the arguments are those of :meth:`search`.
        """
        request = SearchRequest(base, search_filter, scope, tuple(attributes), 0)
        entries, result = self._send_search(request, controls, binary_attributes)
        return SearchPage(entries=tuple(entries), controls=response_controls(result))

    def search_vlv(
        self,
        base: str,
        search_filter: str = "(objectClass=*)",
        *,
        sort_key: str,
        scope: SearchScope = SearchScope.SUBTREE,
        attributes: Sequence[str] = ("*",),
        page_size: int = 1000,
        binary_attributes: frozenset[str] = DEFAULT_BINARY_ATTRIBUTES,
    ) -> Iterator[Entry]:
        """Stream a search window by window with Virtual List View and server-side sort.

        For servers with VLV but not paged results (changes while it is read can shift it).

        Args:
            sort_key: the attribute the server sorts the listing by (RFC 2891).
            page_size: entries per window.
            (the others as for :meth:`search`)

        Raises:
            LdapOperationError: the server refused the sort or the VLV request.
        """
        if page_size < 1:
            raise InvalidRequestError(f"page_size must be >= 1, got {page_size}")
        request = SearchRequest(base, search_filter, scope, tuple(attributes), 0)
        return vlv_windows(
            lambda vlv: self._send_search(request, vlv, binary_attributes),
            base, sort_key, page_size,
        )  # fmt: skip

    def _start(
        self,
        request: SearchRequest,
        controls: Sequence[Control],
        page_size: int = 0,
        cookie: bytes | None = None,
    ) -> _Pending:
        """Send one search request without waiting for its answer."""
        try:
            with self._request("search", request.base):
                message_id = send_search(
                    self._ldap, request, list(controls), page_size=page_size, cookie=cookie
                )
        except LdapConnectorError as error:
            # Raised when the answer is collected: a page read ahead is handed out first.
            return _Pending(message_id=0, error=error)
        self._ldap.strategy.expect(message_id)
        return _Pending(message_id=message_id)

    def _finish(
        self, request: SearchRequest, pending: _Pending
    ) -> tuple[list[bytes], Mapping[str, Any], list[tuple[str, ...]]]:
        """Collect a search's answer: its raw entries, its result, its continuation refs."""
        if pending.error is not None:
            raise pending.error
        with self._translate("search", request.base):
            raw, result, references = collect_search(self._ldap, pending.message_id)
        # Check the result before handing out any entry of a search that was cut short.
        raise_if_cut_short(result, request.base, request.size_limit)
        return raw, result, references

    def _send_search(
        self,
        request: SearchRequest,
        controls: Sequence[Control],
        binary_attributes: frozenset[str],
    ) -> tuple[list[Entry], Mapping[str, Any]]:
        """Send one search request; its entries and result (a referral is an error)."""
        pending = self._start(request, controls)
        raw, result, _references = self._finish(request, pending)
        if (urls := referral_urls(result)) is not None:
            raise referral_refused(self.referrals, urls, operation="search", dn=request.base)
        decoder = EntryDecoder(binary_attributes, request.base)
        return [decoder.decode(message) for message in raw], result

    def add(
        self,
        dn: str,
        attributes: Mapping[str, Iterable[Value] | Value],
        *,
        read_back: Sequence[str] = (),
    ) -> Entry | None:
        """Add an entry (its ``objectClass`` values go in ``attributes``).

        Args:
            dn: the new entry's DN.
            attributes: its attributes, ``objectClass`` included.
            read_back: attributes to read from the new entry in the same round trip with
                the Post-Read control (RFC 4527), e.g. the server-made ``entryUUID``.

        Returns:
            The entry as the server made it, when ``read_back`` was asked for and the server
            answered the (non-critical) control; None otherwise.

        Raises:
            AlreadyExistsError: an entry with this DN exists.
            NoSuchObjectError: the parent does not exist (never created implicitly).
        """
        payload = {name: list(as_values(values)) for name, values in attributes.items()}
        controls = [post_read_control(read_back)] if read_back else None
        with self._request("add", dn):
            self._ldap.add(dn, attributes=payload, controls=controls)
        if elsewhere := self._elsewhere("add", dn):
            return elsewhere[0].add(elsewhere[1], attributes, read_back=read_back)
        log.debug("added %s", dn)
        return post_read_entry(self._ldap.result, dn) if read_back else None

    def modify(self, dn: str, changes: Sequence[Modification]) -> None:
        """Apply modifications to one entry, atomically, in the order given."""
        if not changes:
            raise InvalidRequestError(f"modify of {dn!r} has no changes")
        payload: dict[str, list[tuple[str, list[Value]]]] = {}
        for change in changes:
            payload.setdefault(change.attribute, []).append(
                (_LDAP3_MODIFY[change.op], list(change.values))
            )
        with self._request("modify", dn):
            self._ldap.modify(dn, payload)
        if elsewhere := self._elsewhere("modify", dn):
            elsewhere[0].modify(elsewhere[1], changes)
        log.debug("modified %s (%d changes)", dn, len(changes))

    def modify_dn(
        self,
        dn: str,
        new_rdn: str,
        *,
        delete_old_rdn: bool = True,
        new_superior: str | None = None,
    ) -> str:
        """Rename and/or move an entry (RFC 4511 section 4.9); return the new DN."""
        with self._request("modify DN", dn):
            self._ldap.modify_dn(
                dn, new_rdn, delete_old_dn=delete_old_rdn, new_superior=new_superior
            )
        if elsewhere := self._elsewhere("modify DN", dn):
            other, old = elsewhere
            return other.modify_dn(
                old, new_rdn, delete_old_rdn=delete_old_rdn, new_superior=new_superior
            )
        new_dn = renamed_dn(dn, new_rdn, new_superior)
        log.debug("renamed %s to %s", dn, new_dn)
        return new_dn

    def delete(self, dn: str, *, tree: bool = False) -> None:
        """Delete a leaf entry; with ``tree``, the entry and its subtree (MS-ADTS 3.1.1.3.4.1.15).

        The Tree Delete control goes critical: a server without it refuses the request
        (``UnavailableCriticalExtensionError``) instead of deleting a leaf only.
        """
        controls = [(TREE_DELETE_OID, True, None)] if tree else None
        with self._request("delete", dn):
            self._ldap.delete(dn, controls=controls)
        if elsewhere := self._elsewhere("delete", dn):
            elsewhere[0].delete(elsewhere[1], tree=tree)
        log.debug("deleted %s%s", dn, " and its subtree" if tree else "")

    def password_modify(
        self,
        dn: str,
        new_password: Secret | None = None,
        *,
        old_password: Secret | None = None,
    ) -> Secret | None:
        """Set a password with the Password Modify extended operation (RFC 3062).

        Returns:
            The password the server generated when ``new_password`` is None, else None.
        """
        with self._request("password modify", dn):
            result = self._ldap.extend.standard.modify_password(
                user=dn,
                old_password=old_password.reveal() if old_password else None,
                new_password=new_password.reveal() if new_password else None,
            )
        log.debug("password set for %s", dn)
        if isinstance(result, str | bytes) and new_password is None:
            text = result.decode("utf-8") if isinstance(result, bytes) else result
            return Secret(text)
        return None
