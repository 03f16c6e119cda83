"""An independent audit of an export against the directory, read with ``ldapsearch``.

The directory is read with the ldap-utils command-line client (not the library's own
connection), and the intended values are worked out here from the record with plain Python
(not with the library's mappings), so a bug in either of those cannot hide itself.

Counted, all of which must be 0: records *lost* (no result, or a success without a link to
an existing entry), entries *duplicated* (two links on one entry, an entry nobody links),
unmanaged entries *hijacked* (linked, or any attribute changed), values *differing* from
the intended ones, entries *outside* the container, and *half-applied* failures (a failed
record left with a link).
"""

from __future__ import annotations

import base64
import collections
import re
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from ldapconnector.dn import dn_key
from ldapconnector.profiles import ExportOutcome, ObjectResult
from ldapconnector.space import Link
from ldapconnector.testing import OpenLDAPServer

Entries = dict[str, dict[str, list[bytes]]]
CHECKED = ("cn", "sn", "mail", "uid")
_NO_ENTRY = (ExportOutcome.FAILED, ExportOutcome.SKIPPED)
# Failure messages sorted into classes, first match wins (lower-cased substrings).
REASONS: tuple[tuple[str, str], ...] = (
    ("appears", "duplicated id"),
    ("nul character", "NUL"),
    ("lone surrogate", "lone surrogate"),
    ("control character", "control character"),
    ("ia5", "not IA5"),
    ("not one rdn", "DN outside the container"),
    ("whitespace", "RDN whitespace"),
    ("linked to source id", "match linked to another id"),
    ("entryalreadyexists", "DN taken"),
    ("not a distinguished name", "not a DN"),
    ("multi-valued rdn", "multi-valued RDN"),
    ("hex string", "hex-string RDN"),
)


def ldapsearch(
    server: OpenLDAPServer, base: str, *, scope: str = "sub", attributes: Sequence[str] = ("*",)
) -> Entries:
    """Every entry under ``base`` as ``{dn: {attribute: [raw values]}}``, read by ldapsearch."""
    argv = [
        "ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-x", "-ZZ", "-H", server.ldap_uri,
        "-D", server.admin_dn, "-w", server.admin_password, "-b", base, "-s", scope,
        "(objectClass=*)", *attributes,
    ]  # fmt: skip
    done = subprocess.run(argv, env=server.tool_env(), capture_output=True, check=True)
    return parse_ldif(done.stdout)


def _line(line: bytes) -> tuple[str, bytes]:
    name, _, rest = line.partition(b":")
    if rest.startswith(b":"):
        return name.decode(), base64.b64decode(rest[1:].strip())
    return name.decode(), rest[1:] if rest.startswith(b" ") else rest


def parse_ldif(text: bytes) -> Entries:
    """ldapsearch's unwrapped LDIF (``name: value`` or ``name:: base64``) as raw values."""
    entries: Entries = {}
    for block in text.split(b"\n\n"):
        lines = [line for line in block.split(b"\n") if line and not line.startswith(b"#")]
        if not lines:
            continue
        _, dn = _line(lines[0])
        attributes: dict[str, list[bytes]] = collections.defaultdict(list)
        for line in lines[1:]:
            name, value = _line(line)
            attributes[name.lower()].append(value)
        entries[dn.decode()] = dict(attributes)
    return entries


def unescape_rdn_value(text: str) -> str:
    """An RFC 4514 attribute value with its ``\\XX`` and ``\\c`` escapes undone.

    Unescaped outer spaces and tabs are not part of the value (RFC 4514 section 3 requires
    them escaped; the library drops them, slapd strips a tab and matches spaces as
    insignificant, so both read ``CN=\\tx`` and ``CN= x`` as the value ``x``).
    """
    raw, index = bytearray(), 0
    text = text.strip(" \t")
    while index < len(text):
        if text[index] == "\\" and re.fullmatch(r"[0-9a-fA-F]{2}", text[index + 1 : index + 3]):
            raw.append(int(text[index + 1 : index + 3], 16))
            index += 3
            continue
        index += text[index] == "\\"  # an escaped special character stands for itself
        raw += text[index].encode()
        index += 1
    return raw.decode()


def intended(record: Mapping[str, Any]) -> dict[str, list[bytes]]:
    """What the POSIX example's mappings give ``cn``, ``sn``, ``mail`` and ``uid`` (sorted).

    ``uid`` is ``Word([userPrincipalName], 1, "@")``: the first non-empty part before ``@``;
    the DN is ``CN=<that>,...``, so ``cn`` holds the RDN value besides ``displayName``.
    """
    words = [word for word in str(record["userPrincipalName"]).split("@") if word]
    login = words[0] if words else ""
    values = {
        "cn": {record["displayName"], unescape_rdn_value(login)},
        "sn": {record["surname"]},
        "mail": {record["mail"]},
        "uid": {login},
    }
    return {name: sorted(v.encode() for v in texts if v) for name, texts in values.items()}


def reason_class(error: str | None) -> str:
    """The class of a failure message (:data:`REASONS`), ``other`` when none fits."""
    text = (error or "").lower()
    return next((label for needle, label in REASONS if needle in text), "other")


def _fold(dn: str) -> str:
    """DNs compare under DN matching: slapd hands back ``cn=\\20x`` for ``CN= x`` and so on."""
    return dn_key(dn)


@attrs.define
class Audit:
    """The counts of one audit and a few examples of each problem found."""

    records: int = 0
    outcomes: collections.Counter[str] = attrs.field(factory=collections.Counter)
    reasons: collections.Counter[str] = attrs.field(factory=collections.Counter)
    lost: int = 0
    duplicated: int = 0
    hijacked: int = 0
    differing: int = 0
    outside: int = 0
    half_applied: int = 0
    problems: list[str] = attrs.field(factory=list)

    def flag(self, counter: str, message: str) -> None:
        """Count one problem under ``counter`` and keep its message (the first 20)."""
        setattr(self, counter, getattr(self, counter) + 1)
        if len(self.problems) < 20:
            self.problems.append(f"{counter}: {message}")

    @property
    def clean(self) -> bool:
        """Whether no problem was found."""
        return (
            not (self.lost or self.duplicated or self.hijacked or self.differing or self.outside)
            and not self.half_applied
        )

    def lines(self) -> list[str]:
        """The totals as printable lines."""
        return [
            f"records: {self.records:,}",
            "outcomes: " + ", ".join(f"{k} {n:,}" for k, n in sorted(self.outcomes.items())),
            "failures by reason: " + ", ".join(f"{k} {n:,}" for k, n in self.reasons.most_common()),
            f"lost {self.lost}, duplicated {self.duplicated}, hijacked {self.hijacked}, "
            f"values differing {self.differing}, outside the container {self.outside}, "
            f"half-applied {self.half_applied}",
            *self.problems,
        ]


@attrs.frozen(kw_only=True)
class Before:
    """The directory before the export: every DN, and the unmanaged entries in full."""

    dns: frozenset[str]
    unmanaged: Entries


def read_before(server: OpenLDAPServer, unmanaged: Iterable[str]) -> Before:
    """Read what the audit compares against, before the export runs."""
    everything = ldapsearch(server, server.base_dn, attributes=("*", "entryCSN"))
    wanted = {_fold(dn) for dn in unmanaged}
    return Before(
        dns=frozenset(everything),
        unmanaged={dn: attrs for dn, attrs in everything.items() if _fold(dn) in wanted},
    )


def _check_results(
    audit: Audit, records: Sequence[Mapping[str, Any]], results: Sequence[ObjectResult]
) -> None:
    """Exactly one result per record, in order, each counted by outcome and reason."""
    audit.records = len(records)
    if len(results) != len(records):
        audit.flag("lost", f"{len(records)} records but {len(results)} results")
    for record, result in zip(records, results, strict=False):
        if result.id != record.get("id"):
            audit.flag("lost", f"result {result.id!r} in the place of {record.get('id')!r}")
        audit.outcomes[result.outcome.value] += 1
        if result.outcome is ExportOutcome.FAILED:
            audit.reasons[reason_class(result.error)] += 1


def _check_values(audit: Audit, record: Mapping[str, Any], dn: str, entry: Entries) -> None:
    """The linked entry holds exactly the intended cn, sn, mail and uid."""
    want = intended(record)
    for name in CHECKED:
        if sorted(entry[dn].get(name, [])) != want.get(name, []):
            shown = repr(entry[dn].get(name))[:80]
            audit.flag("differing", f"{dn!r} {name}: {shown} for {record['id']!r}")


def _check_records(
    audit: Audit,
    records: Sequence[Mapping[str, Any]],
    results: Sequence[ObjectResult],
    links: Mapping[str, Link],
    after: Entries,
) -> None:
    """Each success has a link naming an existing entry with the intended values."""
    by_key = {_fold(dn): dn for dn in after}
    for record, result in zip(records, results, strict=False):
        link = links.get(str(record.get("id")))
        if result.outcome in _NO_ENTRY:
            if link is not None and result.outcome is ExportOutcome.FAILED:
                audit.flag("half_applied", f"{record['id']!r} failed but is linked to {link.dn!r}")
            continue
        if link is None or _fold(link.dn) not in by_key:
            where = None if link is None else link.dn
            audit.flag("lost", f"{record['id']!r} {result.outcome.value}, link to {where!r}")
            continue
        _check_values(audit, record, by_key[_fold(link.dn)], after)


def _check_entries(
    audit: Audit, links: Mapping[str, Link], after: Entries, before: Before, children: set[str]
) -> None:
    """No entry is linked twice or by nobody, and every new entry is a child of ou=people."""
    per_dn = collections.Counter(_fold(link.dn) for link in links.values())
    for dn, count in per_dn.items():
        if count > 1:
            audit.flag("duplicated", f"{dn!r} is linked {count} times")
    for dn in set(after) - before.dns:
        if _fold(dn) not in per_dn:
            audit.flag("duplicated", f"{dn!r} exists but no link names it")
        if _fold(dn) not in children:
            audit.flag("outside", f"{dn!r} is not directly under the container")


def _check_unmanaged(
    audit: Audit,
    links: Mapping[str, Link],
    after: Entries,
    before: Before,
    seeded: Mapping[str, Mapping[str, Sequence[str]]],
) -> None:
    """No link names an unmanaged entry, and each is byte-for-byte as seeded and as before."""
    unmanaged = {_fold(dn) for dn in seeded}
    for link in links.values():
        if _fold(link.dn) in unmanaged:
            audit.flag("hijacked", f"{link.source_id!r} is linked to unmanaged {link.dn!r}")
    for dn, attributes in seeded.items():
        now = after.get(dn)
        if now != before.unmanaged.get(dn):
            audit.flag("hijacked", f"unmanaged {dn!r} changed: {repr(now)[:120]}")
            continue
        wanted = {name.lower(): [v.encode() for v in values] for name, values in attributes.items()}
        if {name: now[name] for name in wanted if name in now} != wanted:
            audit.flag("hijacked", f"unmanaged {dn!r} differs from its seed: {repr(now)[:120]}")


def audit_export(
    server: OpenLDAPServer,
    records: Sequence[Mapping[str, Any]],
    results: Sequence[ObjectResult],
    links: Iterable[Link],
    *,
    before: Before,
    seeded: Mapping[str, Mapping[str, Sequence[str]]],
) -> Audit:
    """Audit one export's results and the link store against a fresh ldapsearch read."""
    audit = Audit()
    by_source = {link.source_id: link for link in links}
    after = ldapsearch(server, server.base_dn, attributes=("*", "entryCSN"))
    one_level = ldapsearch(server, server.people_dn, scope="one", attributes=("1.1",))
    children = {_fold(dn) for dn in one_level}
    _check_results(audit, records, results)
    _check_records(audit, records, results, by_source, after)
    _check_entries(audit, by_source, after, before, children)
    _check_unmanaged(audit, by_source, after, before, seeded)
    return audit


def compare_runs(first: Sequence[ObjectResult], second: Sequence[ObjectResult]) -> list[str]:
    """How a rerun of the same records differs from "all unchanged or failed again".

    A failure's reason may change: a record refused for its DN in the first run can meet,
    in the second, an entry a later record created meanwhile, and fail on that first.
    """
    problems = []
    for before, now in zip(first, second, strict=True):
        failed = before.outcome is ExportOutcome.FAILED
        wanted = ExportOutcome.FAILED if failed else ExportOutcome.UNCHANGED
        if now.outcome is not wanted:
            problems.append(f"{now.id!r}: {before.outcome.value} then {now.outcome.value}")
    return problems
