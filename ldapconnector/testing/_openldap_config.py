"""The cn=config LDIF and base entries of the throwaway OpenLDAP server (pure text).

The configuration is what :class:`~ldapconnector.testing.OpenLDAPServer` documents:

* modules ``back_mdb``, ``accesslog``, ``syncprov``, ``ppolicy`` from ``/usr/lib/ldap``
  (Debian builds them as modules; in 2.5 the ppolicy schema is built into the module);
* schemas core, cosine, inetorgperson and nis, loaded before any database indexes them;
* ``{1}mdb`` for the suffix, defined *before* ``{2}mdb`` for ``cn=accesslog`` (otherwise
  ``cn=accesslog`` becomes the first naming context), both with ``olcDbMaxSize`` 1 GiB
  (the 10 MiB default fills up after ~4,700 logged adds);
* overlays syncprov, accesslog (writes, successful only, old values) and ppolicy on the
  suffix; syncprov on ``cn=accesslog`` so delta-syncrepl consumers work;
* TLS with ``olcTLSVerifyClient: try`` and an ``olcAuthzRegexp`` mapping client
  certificates ``cn=NAME,ou=clients,o=contoso`` to ``cn=NAME,ou=services,<suffix>``,
  which makes SASL EXTERNAL work;
* access: anonymous reads the Root DSE and subschema only; the service account writes
  ``ou=people``, reads the rest and ``cn=accesslog`` with no size limit (paged results are
  capped by the size limit, 500, for everyone but the rootdn); other users read the suffix
  but not passwords or the access log. Password hashes appear in the access log.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import attrs

__all__ = ["SlapdSettings", "base_entries_ldif", "config_ldif", "ssha"]

SCHEMA_DIR = Path("/etc/ldap/schema")
MODULE_DIR = Path("/usr/lib/ldap")
SCHEMAS = ("core", "cosine", "inetorgperson", "nis")
MODULES = ("back_mdb", "accesslog", "syncprov", "ppolicy")
DB_MAX_SIZE = 1024**3


@attrs.frozen(kw_only=True)
class SlapdSettings:
    """Everything the generated configuration depends on.

    Attributes:
        directory: the server's temp dir (databases, pid file, certificates live in it).
        base_dn: the suffix of the main database.
        admin_dn: the rootdn of both databases and a manager of ``cn=config``.
        admin_password: the rootdn's password.
        service_dn: the connector's service account.
        service_password: the service account's password.
        accesslog_dn: the suffix of the access log database.
        policy_dn: the default password policy entry.
        client_organization: the O of client certificates mapped to service accounts.
        ca_file: CA certificate file (trusted for client certificates).
        cert_file: server certificate file.
        key_file: server private key file.
        peer_uid: the uid whose ldapi SASL EXTERNAL identity manages ``cn=config``.
        peer_gid: that identity's gid.
    """

    directory: Path
    base_dn: str
    admin_dn: str
    admin_password: str
    service_dn: str
    service_password: str
    accesslog_dn: str
    policy_dn: str
    client_organization: str
    ca_file: Path
    cert_file: Path
    key_file: Path
    peer_uid: int = attrs.field(factory=os.getuid)
    peer_gid: int = attrs.field(factory=os.getgid)

    @property
    def people_dn(self) -> str:
        """The container the service account may write: ``ou=people,<suffix>``."""
        return f"ou=people,{self.base_dn}"

    @property
    def services_dn(self) -> str:
        """The container of service accounts: the parent of :attr:`service_dn`."""
        return self.service_dn.split(",", 1)[1]


def ssha(password: str, salt: bytes | None = None) -> str:
    """Return an RFC 2307 ``{SSHA}`` hash of ``password`` for a ``userPassword`` value.

    Args:
        password: the clear-text password.
        salt: the salt (8 random bytes when None).

    Returns:
        ``{SSHA}`` followed by base64(SHA-1(password + salt) + salt).
    """
    salt = os.urandom(8) if salt is None else salt
    digest = hashlib.sha1(password.encode("utf-8") + salt, usedforsecurity=False).digest()
    return "{SSHA}" + base64.b64encode(digest + salt).decode("ascii")


def _records(*records: Sequence[str]) -> str:
    return "\n\n".join("\n".join(lines) for lines in records) + "\n"


def _global(s: SlapdSettings) -> list[str]:
    services = s.services_dn
    org = s.client_organization.lower()
    return [
        "dn: cn=config",
        "objectClass: olcGlobal",
        "cn: config",
        f"olcPidFile: {s.directory / 'slapd.pid'}",
        f"olcArgsFile: {s.directory / 'slapd.args'}",
        f"olcTLSCACertificateFile: {s.ca_file}",
        f"olcTLSCertificateFile: {s.cert_file}",
        f"olcTLSCertificateKeyFile: {s.key_file}",
        "olcTLSVerifyClient: try",
        f'olcAuthzRegexp: {{0}}"^cn=([^,]+),ou=clients,o={org}$" "cn=$1,{services}"',
    ]


def _modules() -> list[str]:
    return [
        "dn: cn=module{0},cn=config",
        "objectClass: olcModuleList",
        "cn: module{0}",
        f"olcModulePath: {MODULE_DIR}",
        *(f"olcModuleLoad: {{{i}}}{name}" for i, name in enumerate(MODULES)),
    ]


def _schema() -> str:
    # A blank line must separate consecutive include: lines.
    head = "dn: cn=schema,cn=config\nobjectClass: olcSchemaConfig\ncn: schema\n"
    includes = "\n".join(f"include: file://{SCHEMA_DIR / name}.ldif\n" for name in SCHEMAS)
    return head + "\n" + includes


def _frontend() -> list[str]:
    return [
        "dn: olcDatabase={-1}frontend,cn=config",
        "objectClass: olcDatabaseConfig",
        "objectClass: olcFrontendConfig",
        "olcDatabase: {-1}frontend",
        "olcSizeLimit: 500",
        'olcAccess: {0}to dn.base="" by * read',
        'olcAccess: {1}to dn.base="cn=Subschema" by * read',
    ]


def _config_db(s: SlapdSettings) -> list[str]:
    peer = f"gidNumber={s.peer_gid}+uidNumber={s.peer_uid},cn=peercred,cn=external,cn=auth"
    return [
        "dn: olcDatabase={0}config,cn=config",
        "objectClass: olcDatabaseConfig",
        "olcDatabase: {0}config",
        f'olcAccess: {{0}}to * by dn.exact="{peer}" manage by dn.exact="{s.admin_dn}" manage'
        " by * none",
    ]


def _mdb(s: SlapdSettings, index: int, suffix: str, directory: str) -> list[str]:
    return [
        f"dn: olcDatabase={{{index}}}mdb,cn=config",
        "objectClass: olcDatabaseConfig",
        "objectClass: olcMdbConfig",
        f"olcDatabase: {{{index}}}mdb",
        f"olcSuffix: {suffix}",
        f"olcDbDirectory: {s.directory / directory}",
        f"olcDbMaxSize: {DB_MAX_SIZE}",
        "olcDbNoSync: TRUE",
        f"olcRootDN: {s.admin_dn}",
        f'olcLimits: {{0}}dn.exact="{s.service_dn}" size=unlimited time=unlimited',
    ]


def _main_db(s: SlapdSettings) -> list[str]:
    svc = f'dn.exact="{s.service_dn}"'
    people = f'dn.subtree="{s.people_dn}"'
    acl = [
        f"to {people} attrs=userPassword by {svc} write by self write by anonymous auth by * none",
        "to attrs=userPassword by self write by anonymous auth by * none",
        f"to {people} by {svc} write by users read by * none",
        f"to * by {svc} read by users read by * none",
    ]
    return [
        *_mdb(s, 1, s.base_dn, "data"),
        f"olcRootPW: {ssha(s.admin_password)}",
        "olcDbIndex: objectClass,entryUUID,entryCSN eq",
        "olcDbIndex: uid,mail,member,uniqueMember,memberUid eq",
        "olcDbIndex: cn eq,sub",
        *(f"olcAccess: {{{i}}}{rule}" for i, rule in enumerate(acl)),
    ]


def _main_overlays(s: SlapdSettings) -> list[list[str]]:
    db = "olcDatabase={1}mdb,cn=config"
    return [
        [
            f"dn: olcOverlay={{0}}syncprov,{db}",
            "objectClass: olcOverlayConfig",
            "objectClass: olcSyncProvConfig",
            "olcOverlay: {0}syncprov",
            "olcSpCheckpoint: 100 10",
            "olcSpSessionlog: 1000",
        ],
        [
            f"dn: olcOverlay={{1}}accesslog,{db}",
            "objectClass: olcOverlayConfig",
            "objectClass: olcAccessLogConfig",
            "olcOverlay: {1}accesslog",
            f"olcAccessLogDB: {s.accesslog_dn}",
            "olcAccessLogOps: writes",
            "olcAccessLogSuccess: TRUE",
            "olcAccessLogPurge: 07+00:00 01+00:00",
            "olcAccessLogOld: (objectClass=*)",
        ],
        [
            f"dn: olcOverlay={{2}}ppolicy,{db}",
            "objectClass: olcOverlayConfig",
            "objectClass: olcPPolicyConfig",
            "olcOverlay: {2}ppolicy",
            f"olcPPolicyDefault: {s.policy_dn}",
            "olcPPolicyHashCleartext: TRUE",
        ],
    ]


def _accesslog_db(s: SlapdSettings) -> list[list[str]]:
    db = "olcDatabase={2}mdb,cn=config"
    return [
        [
            *_mdb(s, 2, s.accesslog_dn, "accesslog"),
            "olcDbIndex: objectClass,entryCSN,entryUUID,reqEnd,reqResult,reqStart,reqDN eq",
            f'olcAccess: {{0}}to * by dn.exact="{s.service_dn}" read by * none',
        ],
        [
            f"dn: olcOverlay={{0}}syncprov,{db}",
            "objectClass: olcOverlayConfig",
            "objectClass: olcSyncProvConfig",
            "olcOverlay: {0}syncprov",
            "olcSpNoPresent: TRUE",
            "olcSpReloadHint: TRUE",
        ],
    ]


def _monitor_db(s: SlapdSettings) -> list[list[str]]:
    # cn=Monitor tells the slapd version (monitoredInfo), which the Root DSE does not.
    readers = f'by dn.exact="{s.service_dn}" read by dn.exact="{s.admin_dn}" read'
    return [
        [
            "dn: olcDatabase={3}monitor,cn=config",
            "objectClass: olcDatabaseConfig",
            "olcDatabase: {3}monitor",
            f'olcAccess: {{0}}to dn.subtree="cn=Monitor" {readers} by * none',
        ]
    ]


def config_ldif(settings: SlapdSettings) -> str:
    """Return the LDIF that ``slapadd -n0`` turns into the server's ``slapd.d``.

    Args:
        settings: paths, DNs and passwords of the server.

    Returns:
        The LDIF text (the admin password appears only as an ``{SSHA}`` hash).
    """
    s = settings
    head = _records(_global(s), _modules())
    tail = _records(
        _frontend(),
        _config_db(s),
        _main_db(s),
        *_main_overlays(s),
        *_accesslog_db(s),
        *_monitor_db(s),
    )
    return head + "\n" + _schema() + "\n" + tail


def base_entries_ldif(settings: SlapdSettings, organization: str = "Contoso Lab") -> str:
    """Return the suffix, its containers, the service account and the default policy.

    Args:
        settings: the DNs and the service password.
        organization: the ``o`` value of the suffix entry.

    Returns:
        LDIF content records (no ``changetype``), parents before children.
    """
    s = settings
    base_rdn_value = s.base_dn.split(",", 1)[0].split("=", 1)[1]
    service_cn = s.service_dn.split(",", 1)[0].split("=", 1)[1]
    policies = s.policy_dn.split(",", 1)[1]

    def ou(dn: str) -> list[str]:
        value = dn.split(",", 1)[0].split("=", 1)[1]
        return [f"dn: {dn}", "objectClass: organizationalUnit", f"ou: {value}"]

    return _records(
        [
            f"dn: {s.base_dn}",
            "objectClass: dcObject",
            "objectClass: organization",
            f"dc: {base_rdn_value}",
            f"o: {organization}",
        ],
        ou(s.people_dn),
        ou(f"ou=groups,{s.base_dn}"),
        ou(s.services_dn),
        ou(policies),
        [
            f"dn: {s.service_dn}",
            "objectClass: organizationalRole",
            "objectClass: simpleSecurityObject",
            f"cn: {service_cn}",
            "description: the connector's service account",
            f"userPassword: {ssha(s.service_password)}",
        ],
        [
            f"dn: {s.policy_dn}",
            "objectClass: device",
            "objectClass: pwdPolicy",
            "cn: default",
            "pwdAttribute: userPassword",
            "pwdLockout: FALSE",
            "pwdMaxFailure: 0",
            "pwdInHistory: 0",
            "pwdCheckQuality: 0",
            "pwdMinLength: 0",
            "pwdMustChange: FALSE",
            "pwdAllowUserChange: TRUE",
            "pwdSafeModify: FALSE",
        ],
    )
