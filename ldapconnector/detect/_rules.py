"""THE vendor rules table: fingerprints, anchors, delta sources and disable methods.

Every decision detection makes is a row here (STYLE.md: decisions as data). The engine in
``_fingerprint.py`` only evaluates these rows, and ``docs/vendors.md`` is generated from them
(``ldapconnector.detect.render_vendor_matrix``), so the documentation cannot drift from the
behaviour. Facts come from the Microsoft Generic LDAP connector documentation (MIM-GLDAP),
RFC 3045/4512/4530/4533, MS-ADTS 3.1.1.3, and each vendor's published Root DSE and schema
reference; each rule lists its sources.
"""

from __future__ import annotations

from ldapconnector.detect._delta_source import DeltaSource
from ldapconnector.detect._info import Vendor
from ldapconnector.detect._rulekit import AD_COMMON as _AD_COMMON
from ldapconnector.detect._rulekit import DN_ANCHOR as _DN
from ldapconnector.detect._rulekit import DOTTED_VERSION as _DOTTED_VERSION
from ldapconnector.detect._rulekit import MS_ADTS as _MS_ADTS
from ldapconnector.detect._rulekit import MS_GLDAP as _MS_GLDAP
from ldapconnector.detect._rulekit import NETSCAPE_COMMON as _NETSCAPE_COMMON
from ldapconnector.detect._rulekit import OPENDS_COMMON as _OPENDS_COMMON
from ldapconnector.detect._rulekit import PPOLICY_LOCK as _PPOLICY_LOCK
from ldapconnector.detect._rulekit import anchor as _anchor
from ldapconnector.detect._rulekit import disable as _disable
from ldapconnector.detect._rulekit import product as _product
from ldapconnector.detect._rulekit import sig as _sig
from ldapconnector.detect._rulekit import vendor_version as _vv
from ldapconnector.detect._ruletypes import (
    AnchorCheck,
    SignalKind,
    VendorRule,
    VersionRule,
    Weight,
)
from ldapconnector.detect._tables import AD_FUNCTIONAL_LEVELS

__all__ = ["VENDOR_RULES"]

K = SignalKind
HINT, STRONG, DECISIVE = Weight.HINT, Weight.STRONG, Weight.DECISIVE

OPENLDAP = VendorRule(
    vendor=Vendor.OPENLDAP,
    product="OpenLDAP",
    signals=(
        _sig(K.OBJECT_CLASS, "OpenLDAProotDSE", DECISIVE),
        _sig(K.ATTRIBUTE, "configContext"),
        _sig(K.VENDOR_NAME, r"OpenLDAP", STRONG),
        _sig(K.VENDOR_VERSION, r"OpenLDAP", STRONG),
        _sig(K.SCHEMA_OBJECT_CLASS, "olc*", STRONG),
    ),
    versions=(_vv(_DOTTED_VERSION),),
    anchors=(
        _anchor(
            "entryUUID",
            "RFC 4530 entryUUID, kept by slapd on every entry; Microsoft defaults to dn",
            check=AnchorCheck.SCHEMA_IF_GIVEN,
        ),
        _DN,
    ),
    delta=(DeltaSource.ACCESSLOG, DeltaSource.SYNCREPL, DeltaSource.TIMESTAMPS),
    delta_note="load the accesslog overlay (logdb cn=accesslog) for deletes and renames",
    change_log="cn=accesslog",
    disable=_disable(
        "pwdAccountLockedTime",
        "000001010000Z",
        "ppolicy overlay: a permanent lock until an administrator clears it",
    ),
    notes="No vendorName: recognised by the OpenLDAProotDSE object class. The accesslog "
    "overlay is the delta source when its database is a naming context.",
    sources=(_MS_GLDAP, "slapo-accesslog(5)", "slapo-ppolicy(5)", "RFC 4533"),
    publishes_vendor_strings=False,
)

AD_LDS = VendorRule(
    vendor=Vendor.AD_LDS,
    product="Microsoft AD LDS",
    signals=(
        _sig(K.CAPABILITY, "1.2.840.113556.1.4.1851", DECISIVE),
        *_AD_COMMON,
        _sig(K.SCHEMA_ATTRIBUTE, "msDS-UserAccountDisabled"),
    ),
    versions=(AD_FUNCTIONAL_LEVELS,),
    anchors=(
        _anchor(
            "objectGUID",
            "binary GUID (MS-ADTS), survives renames and moves; Microsoft's default for AD LDS",
        ),
    ),
    delta=(DeltaSource.USN_CHANGED, DeltaSource.DIRSYNC, DeltaSource.TIMESTAMPS),
    disable=_disable("msDS-UserAccountDisabled", "TRUE"),
    notes="Microsoft's connector polls uSNChanged above highestCommittedUSN (with Show "
    "Deleted for tombstones) against one server; DirSync also works.",
    sources=(_MS_GLDAP, _MS_ADTS),
)

AD_DS = VendorRule(
    vendor=Vendor.AD_DS,
    product="Microsoft Active Directory Domain Services",
    signals=(
        _sig(K.CAPABILITY, "1.2.840.113556.1.4.800", DECISIVE),
        *_AD_COMMON,
        _sig(K.ATTRIBUTE, "isGlobalCatalogReady"),
        _sig(K.VENDOR_NAME, r"Samba", STRONG),
    ),
    products=(_product("Samba", _sig(K.VENDOR_NAME, r"Samba")),),
    versions=(
        _vv(r"^(?P<version>\d+\.\d+(?:\.\d+)?\S*)"),
        AD_FUNCTIONAL_LEVELS,
    ),
    anchors=(
        _anchor(
            "objectGUID", "binary GUID (MS-ADTS), survives renames, moves and deletion (tombstones)"
        ),
    ),
    delta=(DeltaSource.DIRSYNC, DeltaSource.USN_CHANGED, DeltaSource.TIMESTAMPS),
    disable=_disable(
        "userAccountControl", "0x2", "set the ACCOUNTDISABLE bit (0x2), keeping the other bits"
    ),
    notes="Detected so that the connector can refuse to export unless opted in. Samba AD "
    "DC is reported as AD DS with product Samba (vendorName 'Samba Team'; it returns "
    "vendorVersion only when asked by name).",
    sources=(_MS_GLDAP, _MS_ADTS, "Samba source4/setup/provision_rootdse_add.ldif"),
    publishes_vendor_strings=False,  # Windows publishes none; only Samba names itself
)

DS389 = VendorRule(
    vendor=Vendor.DS389,
    product="389 Directory Server",
    signals=(
        _sig(K.VENDOR_NAME, r"^(389 Project|Red Hat|Fedora Project)", STRONG),
        _sig(K.VENDOR_VERSION, r"^(389|Red Hat|Fedora)-Directory/", STRONG),
        *_NETSCAPE_COMMON,
        # 389's own extended operations (CleanAllRUV, 1.2.11+): no other Netscape heir has them.
        _sig(K.EXTENSION, "2.16.840.1.113730.3.6.*", STRONG),
        # FreeIPA's extended operations, plug-ins that only run inside 389 DS.
        _sig(K.EXTENSION, "2.16.840.1.113730.3.8.*", STRONG),
        _sig(K.ATTRIBUTE, "nsBackendSuffix"),
        _sig(K.NAMING_CONTEXT, r"o=ipaca"),
        _sig(K.SCHEMA_OBJECT_CLASS, "dnaPluginConfig", STRONG),
        _sig(K.SCHEMA_ATTRIBUTE, "mepMappedAttr", STRONG),
    ),
    products=(
        _product(
            "FreeIPA (389 Directory Server)",
            _sig(K.SCHEMA_OBJECT_CLASS, "ipaObject"),
            _sig(K.NAMING_CONTEXT, r"o=ipaca"),
            _sig(K.EXTENSION, "2.16.840.1.113730.3.8.*"),
        ),
        _product(
            "Red Hat Directory Server",
            _sig(K.VENDOR_VERSION, r"^Red Hat-Directory/"),
            _sig(K.VENDOR_NAME, r"^Red Hat"),
        ),
        _product(
            "Fedora Directory Server",
            _sig(K.VENDOR_VERSION, r"^Fedora-Directory/"),
        ),
    ),
    versions=(_vv(r"-Directory/(?P<version>[\d.]+)"),),
    anchors=(
        _anchor(
            "entryUUID",
            "picked over nsUniqueId: the RFC 4530 form other servers share (entryUUID "
            "plugin, 389 DS 1.4.4+, on by default in 2.x); survives renames",
            check=AnchorCheck.SCHEMA_IF_GIVEN,
            min_version="1.4.4",
        ),
        _anchor(
            "nsUniqueId",
            "389's own unique id (not RFC 4122 "
            "form); survives renames; used where entryUUID is absent",
        ),
        _DN,
    ),
    delta=(DeltaSource.CHANGELOG, DeltaSource.SYNCREPL, DeltaSource.TIMESTAMPS),
    delta_note="enable the Retro Changelog plugin (with nsslapd-attribute "
    "nsuniqueid:targetUniqueId and entryuuid:targetEntryUUID) for cn=changelog",
    change_log="cn=changelog",
    disable=_disable("nsAccountLock", "true"),
    sources=(
        _MS_GLDAP,
        "Red Hat Directory Server configuration reference: Root DSE "
        "attributes, Retro Changelog plug-in",
    ),
)

APACHEDS = VendorRule(
    vendor=Vendor.APACHEDS,
    product="Apache Directory Server",
    signals=(
        _sig(K.VENDOR_NAME, r"Apache Software Foundation", STRONG),
        _sig(K.NAMING_CONTEXT, r"ou=system", STRONG),
        _sig(K.EXTENSION, "1.3.6.1.4.1.18060.*"),
        _sig(K.CONTROL, "1.3.6.1.4.1.18060.*"),
        _sig(K.SCHEMA_OBJECT_CLASS, "ads-*", STRONG),
    ),
    versions=(_vv(_DOTTED_VERSION),),
    anchors=(
        _anchor("entryUUID", "ApacheDS keeps entryUUID on every entry; Microsoft defaults to dn"),
        _DN,
    ),
    delta=(DeltaSource.TIMESTAMPS,),
    delta_note="ApacheDS advertises the DirSync and syncrepl controls but implements "
    "neither, and keeps no persistent change log: changes by timestamp, deletes need a full "
    "import",
    disable=_PPOLICY_LOCK,
    sources=(_MS_GLDAP, "Apache Directory Server 2.0 documentation"),
)

IBM_SDS = VendorRule(
    vendor=Vendor.IBM_SDS,
    product="IBM Tivoli Directory Server",
    signals=(
        _sig(K.VENDOR_NAME, r"International Business Machines|\bIBM\b", STRONG),
        _sig(K.ATTRIBUTE, "IBMDirectoryVersion", STRONG),
        _sig(K.ATTRIBUTE, "ibm-supportedCapabilities"),
        _sig(K.ATTRIBUTE, "ibm-enabledCapabilities"),
        _sig(K.ATTRIBUTE, "ibm-serverId"),
        _sig(K.ATTRIBUTE, "ibm-configurationNamingContext"),
        _sig(K.CONTROL, "1.3.18.0.2.10.*"),
        _sig(K.SCHEMA_ATTRIBUTE, "ibm-entryUUID", STRONG),
        _sig(K.SCHEMA_OBJECT_CLASS, "ibm-*"),
    ),
    products=(
        _product(
            "IBM Tivoli Directory Server for z/OS",
            _sig(K.VENDOR_VERSION, r"z/OS"),
        ),
        _product(
            "IBM Security Verify Directory",
            _sig(K.VENDOR_VERSION, r"^\s*1\d\.\d"),
        ),
        _product(
            "IBM Security Directory Server",
            _sig(K.VENDOR_VERSION, r"^\s*6\.(3\.1|4)"),
        ),
    ),
    versions=(
        _vv(r"(?P<version>\d+(?:\.\d+)+|z/OS \S+)"),
        VersionRule(attribute="IBMDirectoryVersion"),
    ),
    anchors=(
        _anchor(
            "ibm-entryUUID",
            "IBM's server-assigned UUID; survives renames",
            check=AnchorCheck.SCHEMA_IF_GIVEN,
        ),
        _DN,
    ),
    delta=(DeltaSource.CHANGELOG, DeltaSource.TIMESTAMPS),
    delta_note="enable the change log (cn=changelog) for delta imports",
    change_log="cn=changelog",
    disable=_disable("ibm-pwdAccountLocked", "TRUE"),
    sources=(
        _MS_GLDAP,
        "IBM Security Verify Directory: Root DSE attributes",
        "z/OS IBM TDS Administration and Use: Root DSE",
    ),
)

ISODE = VendorRule(
    vendor=Vendor.ISODE,
    product="Isode M-Vault",
    signals=(
        _sig(K.VENDOR_NAME, r"Isode", STRONG),
        _sig(K.VENDOR_VERSION, r"M-Vault|Isode", STRONG),
    ),
    versions=(_vv(_DOTTED_VERSION),),
    anchors=(
        _anchor(
            "entryUUID",
            "only when the schema shows entryUUID",
            check=AnchorCheck.SCHEMA_REQUIRED,
        ),
        _DN,
    ),
    delta=(DeltaSource.CHANGELOG, DeltaSource.TIMESTAMPS),
    change_log="cn=changelog",
    disable=_PPOLICY_LOCK,
    sources=(_MS_GLDAP, "Isode M-Vault product documentation"),
)

EDIRECTORY = VendorRule(
    vendor=Vendor.EDIRECTORY,
    product="NetIQ eDirectory",
    signals=(
        _sig(K.VENDOR_NAME, r"NetIQ|Novell|Micro Focus", STRONG),
        _sig(K.VENDOR_VERSION, r"eDirectory", STRONG),
        _sig(K.ATTRIBUTE, "directoryTreeName", STRONG),
        _sig(K.ATTRIBUTE, "dsaName"),
        _sig(K.EXTENSION, "2.16.840.1.113719.*"),
        _sig(K.SCHEMA_OBJECT_CLASS, "ndsLoginProperties", STRONG),
        _sig(K.SCHEMA_ATTRIBUTE, "GUID"),
    ),
    products=(
        _product(
            "Novell eDirectory",
            _sig(K.VENDOR_NAME, r"Novell"),
            _sig(K.VENDOR_VERSION, r"Novell"),
        ),
    ),
    versions=(
        VersionRule(
            attribute="vendorVersion",
            pattern=r"eDirectory\s+(?P<version>\d+(?:\.\d+)*(?:\s+SP\d+)?)",
        ),
    ),
    anchors=(
        _anchor("GUID", "16-byte binary GUID in eDirectory byte order; Microsoft's default"),
        _DN,
    ),
    delta=(DeltaSource.TIMESTAMPS,),
    delta_note="eDirectory has no LDAP change log: changes by timestamp; deletes are never "
    "seen, so schedule periodic full imports",
    disable=_disable("loginDisabled", "TRUE"),
    sources=(_MS_GLDAP, "NetIQ eDirectory LDAP documentation"),
)

OPENDJ = VendorRule(
    vendor=Vendor.OPENDJ,
    product="OpenDJ",
    signals=(
        _sig(K.VENDOR_VERSION, r"OpenDJ|ForgeRock Directory Services|Wren:?DS|PingDS", STRONG),
        _sig(
            K.VENDOR_NAME,
            r"ForgeRock|Ping Identity|Wren Security|Open Identity Platform|3A Systems",
            STRONG,
        ),
        *_OPENDS_COMMON,
        # ForgeRock's own OID arc (DS 5+, kept by PingDS): OpenDS never had it.
        _sig(K.CONTROL, "1.3.6.1.4.1.36733.*", STRONG),
    ),
    products=(
        _product(
            "Wren:DS",
            _sig(K.VENDOR_VERSION, r"Wren"),
            _sig(K.VENDOR_NAME, r"Wren"),
        ),
        _product("PingDS", _sig(K.VENDOR_VERSION, r"PingDS")),
        _product(
            "ForgeRock Directory Services",
            _sig(K.VENDOR_VERSION, r"ForgeRock Directory Services"),
            _sig(K.CONTROL, "1.3.6.1.4.1.36733.*"),
        ),
        _product(
            "OpenDJ (Open Identity Platform)",
            _sig(K.VENDOR_NAME, r"Open Identity Platform|3A Systems"),
        ),
    ),
    versions=(_vv(_DOTTED_VERSION),),
    anchors=(
        _anchor(
            "entryUUID",
            "RFC 4530 entryUUID on every entry; change-log records carry targetEntryUUID",
        ),
        _DN,
    ),
    delta=(DeltaSource.CHANGELOG, DeltaSource.TIMESTAMPS),
    delta_note="enable the external change log (needs replication configured)",
    change_log="cn=changelog",
    disable=_disable("ds-pwp-account-disabled", "true"),
    notes="Forks (ForgeRock DS, Wren:DS, PingDS, Open Identity Platform) are reported as "
    "opendj with the fork in product.",
    sources=(_MS_GLDAP, "ForgeRock DS schema reference (changeLogEntry)"),
)

OPENDS = VendorRule(
    vendor=Vendor.OPENDS,
    product="OpenDS",
    signals=(
        _sig(K.VENDOR_VERSION, r"OpenDS|Oracle Unified Directory", STRONG),
        _sig(K.VENDOR_NAME, r"Sun Microsystems|Oracle"),
        *_OPENDS_COMMON,
    ),
    products=(
        _product(
            "Oracle Unified Directory",
            _sig(K.VENDOR_VERSION, r"Oracle Unified Directory"),
        ),
    ),
    versions=(_vv(_DOTTED_VERSION),),
    anchors=(
        _anchor("entryUUID", "RFC 4530 entryUUID on every entry"),
        _DN,
    ),
    delta=(DeltaSource.CHANGELOG, DeltaSource.TIMESTAMPS),
    change_log="cn=changelog",
    disable=_disable("ds-pwp-account-disabled", "true"),
    notes="Oracle Unified Directory (an OpenDS descendant) is reported here with its name "
    "in product.",
    sources=(_MS_GLDAP,),
)

ORACLE_DSEE = VendorRule(
    vendor=Vendor.ORACLE_DSEE,
    product="Oracle Directory Server Enterprise Edition",
    signals=(
        _sig(
            K.VENDOR_VERSION,
            r"Sun-Directory-Server|Sun-Java\(tm\)-System-Directory|"
            r"Sun[- ]ONE[- ]Directory|iPlanet-Directory|Netscape-Directory",
            STRONG,
        ),
        _sig(K.VENDOR_NAME, r"Sun Microsystems|Oracle"),
        *_NETSCAPE_COMMON,
    ),
    products=(
        _product(
            "Sun Java System Directory Server",
            _sig(K.VENDOR_VERSION, r"Sun-Java\(tm\)-System-Directory"),
        ),
        _product("Sun ONE Directory Server", _sig(K.VENDOR_VERSION, r"Sun[- ]ONE")),
        _product(
            "iPlanet / Netscape Directory Server",
            _sig(K.VENDOR_VERSION, r"iPlanet|Netscape"),
        ),
    ),
    versions=(_vv(r"/(?P<version>\d+(?:\.\d+)+)"),),
    anchors=(
        _anchor("nsUniqueId", "the server's unique id; survives renames"),
        _DN,
    ),
    delta=(DeltaSource.CHANGELOG, DeltaSource.TIMESTAMPS),
    delta_note="enable the Retro Change Log plug-in for cn=changelog",
    change_log="cn=changelog",
    disable=_disable("nsAccountLock", "true"),
    sources=(_MS_GLDAP, "Oracle DSEE 11g man pages: changelogentry(5dsoc), rfc3045(5dssd)"),
)

RADIANTONE = VendorRule(
    vendor=Vendor.RADIANTONE,
    product="RadiantOne VDS",
    signals=(
        _sig(K.VENDOR_NAME, r"Radiant ?Logic", STRONG),
        _sig(K.VENDOR_VERSION, r"RadiantOne", STRONG),
    ),
    products=(_product("RadiantOne FID", _sig(K.VENDOR_VERSION, r"\bFID\b")),),
    versions=(_vv(_DOTTED_VERSION),),
    anchors=(
        _anchor(
            "dn", "identity depends on the back end behind the virtual view; Microsoft uses dn"
        ),
    ),
    delta=(DeltaSource.CHANGELOG, DeltaSource.TIMESTAMPS),
    delta_note="cn=changelog (7.1.1+) reflects what the connected back ends report",
    change_log="cn=changelog",
    notes="No standard disable attribute: configure [deprovisioning] for the back end.",
    sources=(_MS_GLDAP,),
)

VENDOR_RULES: tuple[VendorRule, ...] = (
    OPENLDAP,
    AD_LDS,
    AD_DS,
    DS389,
    APACHEDS,
    IBM_SDS,
    ISODE,
    EDIRECTORY,
    OPENDJ,
    OPENDS,
    ORACLE_DSEE,
    RADIANTONE,
)
"""One rule per known vendor; table order breaks exact ties."""
