"""The capability tables: delta-source proofs, non-data contexts, mandatory features.

They complement the vendor table in ``_rules.py`` with decisions that do not depend on the
vendor: what in a Root DSE proves that a change log is offered (draft-good-ldap-changelog,
slapo-accesslog, MS-ADTS uSNChanged/DirSync, RFC 4533), which naming contexts hold
configuration rather than data, and which features the connector relies on.
"""

from __future__ import annotations

from ldapconnector import model
from ldapconnector.detect._delta_source import DeltaSource
from ldapconnector.detect._info import Vendor
from ldapconnector.detect._ruletypes import (
    AnchorCandidate,
    AnchorCheck,
    ContextRule,
    FeatureRequirement,
    Signal,
    SignalKind,
    VendorRule,
    VersionRule,
)

__all__ = [
    "AD_FUNCTIONAL_LEVELS",
    "DELTA_EVIDENCE",
    "FALLBACK_RULE",
    "MANDATORY_FEATURES",
    "NON_DATA_CONTEXTS",
    "ROOT_DSE_BASE_ATTRIBUTES",
]

K = SignalKind


def _sig(kind: SignalKind, value: str) -> Signal:
    return Signal(kind=kind, value=value)


DELTA_EVIDENCE: tuple[tuple[DeltaSource, tuple[Signal, ...]], ...] = (
    (DeltaSource.ACCESSLOG, (_sig(K.NAMING_CONTEXT, r"cn=accesslog"),)),
    (
        DeltaSource.CHANGELOG,
        (
            _sig(K.ATTRIBUTE, "changelog"),
            _sig(K.ATTRIBUTE, "lastChangeNumber"),
            _sig(K.ATTRIBUTE, "firstChangeNumber"),
            _sig(K.ATTRIBUTE, "lastExternalChangelogCookie"),
        ),
    ),
    (DeltaSource.USN_CHANGED, (_sig(K.ATTRIBUTE, "highestCommittedUSN"),)),
    (DeltaSource.DIRSYNC, (_sig(K.CONTROL, model.DIRSYNC_OID),)),
    (DeltaSource.SYNCREPL, (_sig(K.CONTROL, "1.3.6.1.4.1.4203.1.9.1.1"),)),
)
"""What proves a delta source is offered (any signal); timestamps need no proof."""

NON_DATA_CONTEXTS: tuple[ContextRule, ...] = (
    ContextRule(reason="configuration", attribute="configContext"),
    ContextRule(reason="configuration", attribute="configurationNamingContext"),
    ContextRule(reason="configuration", attribute="ibm-configurationNamingContext"),
    ContextRule(reason="schema", attribute="schemaNamingContext"),
    ContextRule(reason="schema", attribute="subschemaSubentry"),
    ContextRule(reason="change log", attribute="changelog"),
    ContextRule(reason="change log", pattern=r"cn=(accesslog|changelog)"),
    ContextRule(reason="configuration", pattern=r"cn=(config|configuration|monitor|schema)"),
    ContextRule(
        reason="DNS application partition", pattern=r"dc=(domaindnszones|forestdnszones),.*"
    ),
    ContextRule(reason="389 administration data", pattern=r"o=netscaperoot"),
    ContextRule(reason="ApacheDS system partition", pattern=r"ou=(system|schema|config)"),
    ContextRule(
        reason="IBM policies and configuration",
        pattern=r"cn=(ibmpolicies|localhost|pwdpolicy|pwdpolicies)",
    ),
    ContextRule(
        reason="OpenDJ administration data", pattern=r"cn=(admin data|ads-truststore|tasks|backups)"
    ),
)
"""Naming contexts that are listed but never default partitions."""

MANDATORY_FEATURES: tuple[FeatureRequirement, ...] = (
    FeatureRequirement(
        name="Paged results, or VLV with server-side sort",
        groups=(
            (_sig(K.CONTROL, model.PAGED_RESULTS_OID),),
            (_sig(K.CONTROL, model.VLV_REQUEST_OID), _sig(K.CONTROL, model.SORT_REQUEST_OID)),
        ),
        note="without either, a full import reads everything in one search, which size "
        "limits break on large directories",
    ),
    FeatureRequirement(
        name="Absolute True/False filters",
        groups=((_sig(K.FEATURE, "1.3.6.1.4.1.4203.1.5.3"),),),
        note="used to OR several object types in one filter; many servers (AD LDS) work "
        "without advertising it",
    ),
    FeatureRequirement(
        name="All operational attributes (+)",
        groups=((_sig(K.FEATURE, "1.3.6.1.4.1.4203.1.5.1"),),),
        note="used to read UUID anchors; without it they are requested by name",
    ),
)
"""What the Microsoft connector lists as mandatory features (found / not found)."""

ROOT_DSE_BASE_ATTRIBUTES: tuple[str, ...] = (
    "*",
    "+",
    "objectClass",
    "namingContexts",
    "subschemaSubentry",
    "altServer",
    "supportedControl",
    "supportedExtension",
    "supportedFeatures",
    "supportedLDAPVersion",
    "supportedSASLMechanisms",
    "vendorName",
    "vendorVersion",
    "supportedCapabilities",
    "defaultNamingContext",
    "rootDomainNamingContext",
    "configurationNamingContext",
    "schemaNamingContext",
    "dnsHostName",
    "serverName",
    "dsServiceName",
    "highestCommittedUSN",
    "isGlobalCatalogReady",
    "isSynchronized",
    "domainFunctionality",
    "forestFunctionality",
    "domainControllerFunctionality",
    "changelog",
    "firstChangeNumber",
    "lastChangeNumber",
    "lastExternalChangelogCookie",
    "configContext",
    "ibm-configurationNamingContext",
    "ibm-supportedCapabilities",
    "ibm-enabledCapabilities",
    "ibm-serverId",
    "IBMDirectoryVersion",
    "directoryTreeName",
    "dsaName",
)
"""Root DSE attributes live detection always asks for (some servers, AD and Samba among
them, return several only when named)."""

AD_FUNCTIONAL_LEVELS = VersionRule(
    attribute="domainControllerFunctionality",
    labels=(
        ("0", "Windows 2000 (functional level 0)"),
        ("2", "Windows Server 2003 (functional level 2)"),
        ("3", "Windows Server 2008 (functional level 3)"),
        ("4", "Windows Server 2008 R2 (functional level 4)"),
        ("5", "Windows Server 2012 (functional level 5)"),
        ("6", "Windows Server 2012 R2 (functional level 6)"),
        ("7", "Windows Server 2016 or later (functional level 7)"),
        ("10", "Windows Server 2025 (functional level 10)"),
    ),
    pattern=r"(?P<version>\d+)",
)
"""AD DS/LDS publish no product version: domainControllerFunctionality stands in."""


FALLBACK_RULE = VendorRule(
    vendor=Vendor.UNKNOWN,
    product="unknown LDAP server",
    signals=(),
    anchors=(
        AnchorCandidate(
            attribute="entryUUID",
            check=AnchorCheck.SCHEMA_REQUIRED,
            note="only when the schema shows entryUUID",
        ),
        AnchorCandidate(attribute="dn", note="the DN: always there, but changes on rename"),
    ),
    delta=(DeltaSource.CHANGELOG, DeltaSource.ACCESSLOG, DeltaSource.TIMESTAMPS),
    delta_note="an unknown server's syncrepl/DirSync advertisement is not trusted",
    notes="Used when no vendor collects enough evidence.",
)
"""What an unidentified server gets: only what its Root DSE proves."""
