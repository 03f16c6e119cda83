"""Version probes: where a server tells its version when its Root DSE does not.

OpenLDAP publishes no ``vendorVersion``; its monitor backend does (``monitoredInfo`` of
``cn=Monitor``: ``OpenLDAP: slapd 2.5.13+dfsg-5 (Feb  8 2023 01:56:12)``). Live detection
spends its third round trip on this probe, only when the Root DSE names the monitor
context (``monitorContext``) and the version is still unknown. Pure: the live code reads
the entry and hands its values to :func:`version_from_probe`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from ldapconnector.detect._info import ServerInfo, Vendor

__all__ = ["VERSION_PROBES", "VersionProbe", "apply_version_probe", "version_probe_for"]


@attrs.frozen(kw_only=True)
class VersionProbe:
    """One read that tells a server's version.

    Attributes:
        context_attribute: the Root DSE attribute naming the entry to read.
        attribute: the attribute of that entry holding the version text.
        pattern: a regular expression whose first group is the version.
    """

    context_attribute: str
    attribute: str
    pattern: re.Pattern[str]


VERSION_PROBES: dict[Vendor, VersionProbe] = {
    Vendor.OPENLDAP: VersionProbe(
        context_attribute="monitorContext",
        attribute="monitoredInfo",
        pattern=re.compile(r"slapd\s+(\d+(?:\.\d+)+)"),
    ),
}


def version_probe_for(info: ServerInfo, monitor_contexts: Sequence[str]) -> VersionProbe | None:
    """The probe worth a round trip: the version is unknown and the context is published."""
    probe = VERSION_PROBES.get(info.vendor)
    if info.version is not None or probe is None or not monitor_contexts:
        return None
    return probe


def apply_version_probe(info: ServerInfo, probe: VersionProbe, values: Sequence[str]) -> ServerInfo:
    """Return ``info`` with the version the probe's values tell, and why (or why not)."""
    for value in values:
        match = probe.pattern.search(value)
        if match:
            note = f"{probe.attribute} is {value!r} -> version {match.group(1)}"
            return attrs.evolve(info, version=match.group(1), evidence=(*info.evidence, note))
    note = f"{probe.attribute} did not tell a version (read: {list(values)!r})"
    return attrs.evolve(info, evidence=(*info.evidence, note))
