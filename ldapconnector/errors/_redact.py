"""Scrub credential-looking text out of server diagnostics before a message shows them."""

from __future__ import annotations

import re

__all__ = ["redact_secrets"]

# Server diagnostics sometimes echo a request; scrub anything that looks like a credential.
_SECRET_PATTERNS = (
    re.compile(r"(?i)\b(userPassword|unicodePwd|password|passwd|pwd|secret|token)\s*[:=]\s*\S+"),
)


def redact_secrets(text: str) -> str:
    """Replace credential-looking ``name=value`` pairs in free text with ``name=***``."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: f"{m.group(1)}=***", text)
    return text
