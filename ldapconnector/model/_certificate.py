"""The facts about a server certificate that a person checks (parsed by the connection layer)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

__all__ = ["ServerCertificate"]


@attrs.frozen(kw_only=True)
class ServerCertificate:
    """What a person checks about a server certificate.

    Attributes:
        subject: the subject name, RFC 4514 style, most specific first (``CN=host,O=Org``).
        issuer: the issuer name in the same form.
        serial_number: the serial number in hexadecimal.
        not_before: start of validity (UTC).
        not_after: end of validity (UTC).
        sha1_thumbprint: SHA-1 of the DER bytes, upper-case hex (what Windows shows).
        sha256_thumbprint: SHA-256 of the DER bytes, upper-case hex.
        subject_alt_names: the DNS names and IP addresses it is valid for.
        der: the certificate itself.
    """

    subject: str
    issuer: str
    serial_number: str
    not_before: dt.datetime
    not_after: dt.datetime
    sha1_thumbprint: str
    sha256_thumbprint: str
    subject_alt_names: tuple[str, ...] = ()
    der: bytes = attrs.field(repr=False, default=b"")

    def is_valid_at(self, moment: dt.datetime) -> bool:
        """Whether ``moment`` (timezone-aware) lies inside the validity period."""
        return self.not_before <= moment <= self.not_after

    def to_json_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (datetimes as ISO 8601 strings, no DER bytes)."""
        return {
            "subject": self.subject,
            "issuer": self.issuer,
            "serial_number": self.serial_number,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "sha1_thumbprint": self.sha1_thumbprint,
            "sha256_thumbprint": self.sha256_thumbprint,
            "subject_alt_names": list(self.subject_alt_names),
        }
