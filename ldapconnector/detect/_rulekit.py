"""Shorthands and shared signal groups for writing the rules table compactly.

Signals several vendors share (the AD family's, the Netscape heritage of 389 DS and ODSEE,
the OpenDS code base of OpenDJ and its forks) are written once here and listed on each
rule, so that they never count as conflicting evidence between those vendors.
"""

from __future__ import annotations

from ldapconnector.detect._info import DisableMethod
from ldapconnector.detect._ruletypes import (
    AnchorCandidate,
    AnchorCheck,
    ProductRule,
    Signal,
    SignalKind,
    VersionRule,
    Weight,
)

__all__ = [
    "AD_COMMON",
    "DN_ANCHOR",
    "DOTTED_VERSION",
    "MS_ADTS",
    "MS_GLDAP",
    "NETSCAPE_COMMON",
    "OPENDS_COMMON",
    "PPOLICY_LOCK",
    "anchor",
    "disable",
    "product",
    "sig",
    "vendor_version",
]

K = SignalKind
HINT, STRONG, DECISIVE = Weight.HINT, Weight.STRONG, Weight.DECISIVE


def sig(kind: SignalKind, value: str, weight: Weight = HINT) -> Signal:
    return Signal(kind=kind, value=value, weight=weight)


def product(name: str, *signals: Signal) -> ProductRule:
    return ProductRule(product=name, signals=signals)


def anchor(
    attribute: str,
    note: str,
    check: AnchorCheck = AnchorCheck.NONE,
    min_version: str | None = None,
) -> AnchorCandidate:
    return AnchorCandidate(attribute=attribute, note=note, check=check, min_version=min_version)


def disable(attribute: str, value: str, description: str = "") -> DisableMethod:
    return DisableMethod(attribute=attribute, value=value, description=description)


def vendor_version(pattern: str) -> VersionRule:
    return VersionRule(attribute="vendorVersion", pattern=pattern)


MS_GLDAP = "https://learn.microsoft.com/microsoft-identity-manager/reference/microsoft-identity-manager-2016-connector-genericldap"
MS_ADTS = "MS-ADTS 3.1.1.3.2 (rootDSE attributes) and 3.1.1.3.4.3 (capabilities)"
PPOLICY_LOCK = disable(
    "pwdAccountLockedTime",
    "000001010000Z",
    "password-policy permanent lock; needs the password policy in force",
)
DN_ANCHOR = anchor("dn", "the DN: always there, but changes on rename")

AD_COMMON = (
    sig(K.ATTRIBUTE, "dsServiceName"),
    sig(K.ATTRIBUTE, "highestCommittedUSN"),
    sig(K.SCHEMA_ATTRIBUTE, "msDS-*"),
)
NETSCAPE_COMMON = (
    sig(K.ATTRIBUTE, "netscapemdsuffix"),
    sig(K.ATTRIBUTE, "dataversion"),
    sig(K.EXTENSION, "2.16.840.1.113730.3.5.*"),
    sig(K.SCHEMA_ATTRIBUTE, "nsds5*"),
    sig(K.SCHEMA_ATTRIBUTE, "nsslapd-*"),
)
OPENDS_COMMON = (
    sig(K.OBJECT_CLASS, "ds-root-dse", STRONG),
    sig(K.ATTRIBUTE, "lastExternalChangelogCookie", STRONG),
    sig(K.ATTRIBUTE, "ds-private-naming-contexts"),
    sig(K.CONTROL, "1.3.6.1.4.1.26027.*"),
    sig(K.EXTENSION, "1.3.6.1.4.1.26027.*"),
    sig(K.SCHEMA_OBJECT_CLASS, "ds-cfg-*"),
    sig(K.SCHEMA_ATTRIBUTE, "ds-pwp-account-disabled"),
)
DOTTED_VERSION = r"(?P<version>\d+(?:\.\d+)+\S*)"
