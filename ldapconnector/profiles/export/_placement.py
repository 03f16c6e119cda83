"""Where a new or renamed entry may go, and which RDN values the directory keeps as sent.

The ``-dn-`` mapping is an expression over source values, so a source value can change
the DN's shape: a login ending in ``\\`` turns ``CN=evil\\,ou=people,dc=contoso,dc=lab``
into an entry ``CN=evil\\,ou=people`` directly under the suffix. So a planned DN must be
exactly one RDN directly under one of the configured containers (``[object_type]
containers``) or, when none is configured, lie below one of the partitions (``[global]
partitions``, else the naming contexts the runner searches); RDN by RDN (RFC 4514), so an
escaped comma never counts as a separator. With no bases at all nothing is checked.

An RDN value that begins or ends with whitespace is refused too: OpenLDAP strips an
unescaped trailing tab, CR or LF (the stored DN is then not the one planned), and
``caseIgnoreMatch`` ignores leading and trailing spaces (RFC 4518 section 2.6.1), so the
entry would be found under a DN it was not given. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ldapconnector.dn import Rdn, format_dn, is_within, parse_dn
from ldapconnector.errors import InvalidRequestError
from ldapconnector.model import shown_value

__all__ = ["placement_problem", "rdn_problem"]


# An RDN whose value is written as an RFC 4514 hex string (``CN=#41``): unescaped "#".
_HEX_FORM = re.compile(r"\s*[A-Za-z0-9.-]+\s*=\s*#")


def rdn_problem(rdn: Rdn, dn: str) -> str | None:
    """Why the directory would not keep this RDN's values as sent, or None.

    Besides outer whitespace, two shapes a source value can give an expression-built DN
    are refused: a multi-valued RDN (a login ``a+employeeType=admin`` would add an
    attribute value no mapping gives) and a value in RFC 4514 hex-string form
    (``CN=#41``: the server stores other text than the one planned). ``EscapeDNValue``
    escapes such values so that they stay one plain value.
    """
    if len(rdn.pairs) > 1:
        return (
            f"the DN {shown_value(dn)} has a multi-valued RDN ({shown_value(str(rdn))}): it "
            "would add attribute values that no mapping gives; escape the source value "
            "(EscapeDNValue) so that '+' stays part of one value"
        )
    if _HEX_FORM.match(dn):
        return (
            f"the DN {shown_value(dn)} writes its RDN value as an RFC 4514 hex string ('#…'): "
            "the directory would store other text than planned; escape the source value "
            "(EscapeDNValue)"
        )
    for kind, value in rdn.pairs:
        if value and value != value.strip():
            return (
                f"the RDN value {kind}={shown_value(value)} of {shown_value(dn)} begins or ends "
                "with whitespace: the directory strips an unescaped tab, CR or LF and ignores "
                "outer spaces when matching, so the stored DN would not be the one planned; "
                "trim the value"
            )
    return None


def _listed(bases: Sequence[str]) -> str:
    return ", ".join(shown_value(base) for base in bases)


def placement_problem(
    dn: str, rdns: Sequence[Rdn], *, containers: Sequence[str], partitions: Sequence[str]
) -> str | None:
    """Why a new or renamed DN may not be used, or None (see the module doc).

    Args:
        dn: the DN as the mapping gave it.
        rdns: the DN parsed (most specific first).
        containers: a DN must be one RDN directly under one of these, when given.
        partitions: otherwise a DN must lie below one of these, when given.
    """
    if rdns:
        found = rdn_problem(rdns[0], dn)
        if found is not None:
            return found
    if containers:
        if any(_directly_under(rdns, container) for container in containers):
            return None
        return (
            f"the DN {shown_value(dn)} is not one RDN directly under a configured container "
            f"({_listed(containers)}); nothing was written for this record"
        )
    if partitions and not any(
        len(rdns) > _depth(base) and is_within(dn, base) for base in partitions
    ):
        return (
            f"the DN {shown_value(dn)} does not lie below any of the partitions "
            f"({_listed(partitions)}); nothing was written for this record"
        )
    return None


def _depth(base: str) -> int:
    try:
        return len(parse_dn(base))
    except InvalidRequestError:
        return -1


def _directly_under(rdns: Sequence[Rdn], container: str) -> bool:
    depth = _depth(container)
    if depth < 0 or len(rdns) != depth + 1:
        return False
    return is_within(format_dn(list(rdns)), container)
