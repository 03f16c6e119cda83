"""Referrals (RFC 4511 sections 4.1.10 and 4.5.3): followed only to allow-listed hosts.

A server answers with a referral when the entry a request names is held by another server
(result 10, for a write or a search base below a ``referral`` object), and a subtree
search returns a continuation reference for each such subtree it meets. ldap3 does not
raise for result 10, so without this module a write to a referred entry would look done.

:class:`ReferralPolicy` is ``[global] follow_referrals`` and ``allowed_referral_hosts``.
With ``follow`` off a referral is an error and a continuation reference is skipped (as
Microsoft's connector does: Samba's subtree searches return one to its Configuration
partition); with it on, a referral whose host is on the list is followed with the main
connection's settings (the same TLS verification, CA file and bind; only the host, port
and, for an ``ldap://`` URL, StartTLS instead of LDAPS change), one hop deep, and one to
another host is an error naming that host. Never silently skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import attrs

from ldapconnector.config import ConnectivityConfig, Security
from ldapconnector.connection._search_results import SearchRequest
from ldapconnector.errors import LdapOperationError
from ldapconnector.model import Control, Entry, SearchScope

if TYPE_CHECKING:
    from ldapconnector.connection._connection import LdapConnection

__all__ = [
    "ReferralChaser",
    "ReferralPolicy",
    "ReferralTarget",
    "parse_referral",
    "referral_refused",
    "referral_urls",
    "search_references",
]

log = logging.getLogger("ldapconnector.connection")

_REFERRAL = 10  # RFC 4511 result code "referral"
_SCOPES = {"base": SearchScope.BASE, "one": SearchScope.ONE_LEVEL, "sub": SearchScope.SUBTREE}
_TO_LIST = "global.allowed_referral_hosts"


@attrs.frozen(kw_only=True)
class ReferralPolicy:
    """Whether referrals are followed, and to which hosts.

    Attributes:
        follow: ``[global] follow_referrals``: follow referrals to the listed hosts.
        allowed_hosts: ``[global] allowed_referral_hosts``: the only hosts a referral may
            lead to, compared case-insensitively with the URL's host (no name lookup).
    """

    follow: bool = False
    allowed_hosts: tuple[str, ...] = ()

    def allows(self, host: str) -> bool:
        """Whether a referral to ``host`` is followed."""
        return self.follow and host.casefold() in {h.casefold() for h in self.allowed_hosts}


@attrs.frozen(kw_only=True)
class ReferralTarget:
    """Where an LDAP URL (RFC 4516) sends a request.

    Attributes:
        url: the URL as the server sent it.
        host: the URL's host (brackets of an IPv6 address removed).
        port: the URL's port, or None for the scheme's default.
        tls: True for ``ldaps://``.
        dn: the URL's DN, percent-decoded; empty when it has none (the request's own).
        scope: the URL's scope, or None (the request's own).
        search_filter: the URL's filter, or None (the request's own).
    """

    url: str
    host: str
    port: int | None
    tls: bool
    dn: str
    scope: SearchScope | None = None
    search_filter: str | None = None


def parse_referral(url: str) -> ReferralTarget | None:
    """Read an ``ldap://`` or ``ldaps://`` URL; None for anything else (or no host)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("ldap", "ldaps") or not parts.hostname:
        return None
    # RFC 4516: dn ? attributes ? scope ? filter ? extensions, each percent-encoded.
    fields = [unquote(field) for field in parts.query.split("?")] if parts.query else []
    fields += [""] * (3 - len(fields))
    return ReferralTarget(
        url=url, host=parts.hostname, port=port, tls=parts.scheme.lower() == "ldaps",
        dn=unquote(parts.path.lstrip("/")), scope=_SCOPES.get(fields[1].lower()),
        search_filter=fields[2] or None,
    )  # fmt: skip


def referral_urls(result: Mapping[str, Any] | None) -> tuple[str, ...] | None:
    """The URLs of a result 10 (referral), or None when the result is not a referral."""
    if not result or int(result.get("result") or 0) != _REFERRAL:
        return None
    return tuple(str(url) for url in result.get("referrals") or ())


def search_references(response: Sequence[Mapping[str, Any]] | None) -> list[tuple[str, ...]]:
    """The continuation references of a search response, each a tuple of alternative URLs."""
    return [
        tuple(str(url) for url in item.get("uri") or ())
        for item in response or ()
        if item.get("type") == "searchResRef"
    ]


def referral_refused(
    policy: ReferralPolicy, urls: Sequence[str], *, operation: str, dn: str | None
) -> LdapOperationError:
    """The error for a referral that is not followed, naming the URLs' hosts and why."""
    targets = [parse_referral(url) for url in urls]
    hosts = sorted({t.host for t in targets if t is not None})
    shown = ", ".join(repr(host) for host in hosts)
    if not hosts:
        why = "not an ldap:// or ldaps:// URL the connector can follow"
    elif not policy.follow:
        why = f"set global.follow_referrals = true and list {shown} in {_TO_LIST} to follow it"
    elif not any(policy.allows(host) for host in hosts):
        why = f"{shown} {'is' if len(hosts) == 1 else 'are'} not in {_TO_LIST}"
    else:
        why = f"a {operation} of this kind is not followed to another server"
    return LdapOperationError(
        code=_REFERRAL, result_name="referral", operation=operation, dn=dn,
        diagnostic=f"the server refers to {', '.join(urls) or 'no URL'}: {why}",
    )  # fmt: skip


def referred_settings(settings: ConnectivityConfig, target: ReferralTarget) -> ConnectivityConfig:
    """The main settings with the referral's host and port, and never less protection.

    An ``ldaps://`` URL is LDAPS; an ``ldap://`` one is StartTLS unless the main connection
    is unprotected (then the same clear-text rules apply to it).
    """
    if target.tls:
        security = Security.LDAPS
    else:
        security = Security.NONE if settings.security is Security.NONE else Security.STARTTLS
    return attrs.evolve(settings, host=target.host, port=target.port, security=security)


@attrs.define
class ReferralChaser:
    """The referred servers one connection has opened, by host and port.

    Attributes:
        policy: which referrals to follow.
        settings: the main connection's settings (the referred ones derive from them).
        opener: opens a referred connection (``open_connection``); its own referrals are
            not followed (one hop).
    """

    policy: ReferralPolicy
    settings: ConnectivityConfig
    opener: Callable[[ConnectivityConfig], LdapConnection]
    _open: dict[tuple[str, int], LdapConnection] = attrs.field(factory=dict, init=False)

    def connection_for(
        self, urls: Sequence[str], *, operation: str, dn: str | None
    ) -> tuple[LdapConnection, ReferralTarget]:
        """The referred connection for the first followable URL, and that URL.

        Raises:
            LdapOperationError: (result 10) no URL may be followed; the message names the
                hosts and the setting that would allow them.
        """
        for url in urls:
            target = parse_referral(url)
            if target is not None and self.policy.allows(target.host):
                return self._connection(target), target
        raise referral_refused(self.policy, urls, operation=operation, dn=dn)

    def _connection(self, target: ReferralTarget) -> LdapConnection:
        settings = referred_settings(self.settings, target)
        key = (settings.host.casefold(), settings.effective_port)
        if key not in self._open:
            log.debug("following a referral to %s:%d", *key)
            self._open[key] = self.opener(settings)
        return self._open[key]

    def search(
        self,
        urls: Sequence[str],
        request: SearchRequest,
        page_size: int,
        binary_attributes: frozenset[str],
        controls: Sequence[Control],
    ) -> Iterator[Entry]:
        """The entries a referral or continuation reference leads to (RFC 4511 4.5.3).

        The URL's DN, scope and filter replace the request's where it has them; the
        other arguments are the original search's.
        """
        other, target = self.connection_for(urls, operation="search", dn=request.base)
        yield from other.search(
            target.dn or request.base, target.search_filter or request.search_filter,
            scope=target.scope or request.scope, attributes=request.attributes,
            page_size=page_size, size_limit=request.size_limit,
            binary_attributes=binary_attributes, controls=controls,
        )  # fmt: skip

    def write_target(
        self, result: Mapping[str, Any] | None, *, operation: str, dn: str
    ) -> tuple[LdapConnection, str] | None:
        """Where a write answered with a referral goes: the connection and the DN there.

        Returns:
            None when the result is not a referral.

        Raises:
            LdapOperationError: (result 10) the referral may not be followed.
        """
        urls = referral_urls(result)
        if urls is None:
            return None
        connection, target = self.connection_for(urls, operation=operation, dn=dn)
        return connection, target.dn or dn

    def close(self) -> None:
        """Close every referred connection."""
        for connection in self._open.values():
            connection.close()
        self._open.clear()
