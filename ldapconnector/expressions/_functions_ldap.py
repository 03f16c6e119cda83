"""ldapconnector's own functions, beyond Microsoft's list: what LDAP targets need.

Microsoft's language has no way to escape a value for a DN, yet every DN mapping glues a
source value into one: a login ending in ``\\`` or holding a ``,`` changes which entry the
DN names (``CN=evil\\,ou=people,...`` is one RDN under the suffix, not an entry in
``ou=people``). ``EscapeDNValue`` applies RFC 4514's escaping for an attribute value.
"""

from __future__ import annotations

from ldapconnector.escaping import escape_dn_value
from ldapconnector.expressions._registry import FunctionSpec, Param
from ldapconnector.expressions._values import text


def _escape_dn_value(value: object) -> str | None:
    raw = text(value, "EscapeDNValue")
    return None if raw is None else escape_dn_value(raw)


FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        name="EscapeDNValue",
        params=(Param("value"),),
        impl=_escape_dn_value,
        summary="Escape a value for one RDN of a DN (RFC 4514 section 2.4); null stays null.",
    ),
)
"""The extension functions, registered beside Microsoft's."""
