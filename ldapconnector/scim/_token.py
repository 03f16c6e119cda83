"""The bearer token a connector's SCIM client must send (the ECMA host's "secret token").

The token comes from an environment variable or a file, never from the bridge file
itself; it must be 12 characters at least (the ECMA host's rule) and is compared in
constant time (``hmac.compare_digest``) so a client cannot learn it byte by byte. There
is no way to switch the check off (the ECMA host's ``Debug=true`` does; this does not).
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping

import attrs

from ldapconnector.config import Secret
from ldapconnector.errors import ConfigurationError
from ldapconnector.scim._settings import EndpointSettings

__all__ = ["MIN_TOKEN_LENGTH", "BearerToken", "load_token"]

MIN_TOKEN_LENGTH = 12


@attrs.frozen(kw_only=True)
class BearerToken:
    """The expected token; it never shows itself (a :class:`~ldapconnector.config.Secret`).

    Attributes:
        secret: the token.
    """

    secret: Secret

    def accepts(self, authorization: str | None) -> bool:
        """Whether an ``Authorization`` header carries this token (``Bearer <token>``).

        The scheme is case-insensitive (RFC 6750 section 2.1); the token is compared in
        constant time, as bytes.
        """
        scheme, _, token = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer":
            return False
        expected = self.secret.reveal().encode("utf-8")
        return hmac.compare_digest(token.strip().encode("utf-8"), expected)


def load_token(endpoint: EndpointSettings, environ: Mapping[str, str] | None = None) -> BearerToken:
    """Read a connector's token from its ``token_env`` variable or ``token_file``.

    Raises:
        ConfigurationError: the variable is unset, the file unreadable, or the token
            shorter than 12 characters (the message never shows the token).
    """
    environ = os.environ if environ is None else environ
    where = f"connectors[{endpoint.name}]"
    if endpoint.token_env is not None:
        text = environ.get(endpoint.token_env)
        if text is None:
            raise ConfigurationError([f"{where}.token_env: {endpoint.token_env} is not set"])
        key = "token_env"
    elif endpoint.token_file is None:
        raise ConfigurationError([f"{where}.token_env: give token_env or token_file"])
    else:
        try:
            text = endpoint.token_file.read_text(encoding="utf-8")
        except OSError as error:
            raise ConfigurationError(
                [f"{where}.token_file: {endpoint.token_file} cannot be read ({error.strerror})"]
            ) from None
        key = "token_file"
    token = text.strip()
    if len(token) < MIN_TOKEN_LENGTH:
        raise ConfigurationError(
            [f"{where}.{key}: the token must be {MIN_TOKEN_LENGTH} characters at least, "
             f"got {len(token)}"]
        )  # fmt: skip
    return BearerToken(secret=Secret(token))
