"""Open a bound :class:`LdapConnection` from connectivity settings."""

from __future__ import annotations

from ldapconnector.config import ConnectivityConfig
from ldapconnector.connection._certificate import certificate_of
from ldapconnector.connection._connection import LdapConnection
from ldapconnector.connection._open import bind, connect, discard
from ldapconnector.connection._referrals import ReferralPolicy

__all__ = ["open_connection"]


def open_connection(
    settings: ConnectivityConfig, *, referrals: ReferralPolicy | None = None
) -> LdapConnection:
    """Connect, secure and bind as ``settings`` say, and return the connection.

    Args:
        settings: where and how to connect and bind.
        referrals: which referrals to follow (``[global] follow_referrals`` and
            ``allowed_referral_hosts``); by default none: a referral is an error.

    Raises:
        InsecureOperationError: a simple bind over clear text was not allowed.
        TransportError: the server could not be reached or TLS failed (``stage`` tells).
        AuthenticationFailedError: the credentials were refused.
    """
    raw = connect(settings)
    try:
        certificate = certificate_of(raw.socket)
        bind(raw, settings)
    except BaseException:
        discard(raw)
        raise
    return LdapConnection(settings, raw, certificate, referrals=referrals or ReferralPolicy())
