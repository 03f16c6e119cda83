"""The cn=config LDIF and base entries of the throwaway OpenLDAP server (text in, text out).

Both are package data files, ``data/openldap-config.ldif.in`` and
``data/openldap-base.ldif.in``; this module fills in their ``$names`` (paths, DNs,
``{SSHA}`` hashes of the passwords). In the config, a blank line must separate
consecutive ``include:`` lines (slapadd reads each as a record of its own). The
configuration is what :class:`~ldapconnector.testing.OpenLDAPServer` documents:

* modules ``back_mdb``, ``accesslog``, ``syncprov``, ``ppolicy`` from ``/usr/lib/ldap``
  (Debian builds them as modules; in 2.5 the ppolicy schema is built into the module);
* schemas core, cosine, inetorgperson and nis, loaded before any database indexes them;
* ``{1}mdb`` for the suffix, defined *before* ``{2}mdb`` for ``cn=accesslog`` (otherwise
  ``cn=accesslog`` becomes the first naming context), both with ``olcDbMaxSize`` 1 GiB
  (the 10 MiB default fills up after ~4,700 logged adds);
* overlays syncprov, accesslog (writes, successful only, old values) and ppolicy on the
  suffix; syncprov on ``cn=accesslog`` so delta-syncrepl consumers work;
* optionally (``overlays``) the ``memberof`` and ``refint`` overlays on the suffix, their
  modules loaded by a second module list: memberOf on the members of ``groupOfNames``
  (kept right through renames and deletes) and referential integrity of ``member`` and
  ``uniqueMember`` (a renamed or deleted entry's DN is rewritten or removed in every
  group), from ``data/openldap-overlay-*.ldif.in``;
* TLS (unless ``tls`` is False: then no ``olcTLS*`` line) with ``olcTLSVerifyClient: try``
  and an ``olcAuthzRegexp`` mapping client certificates ``cn=NAME,ou=clients,o=contoso``
  to ``cn=NAME,ou=services,<suffix>``, which makes SASL EXTERNAL work;
* access: anonymous reads the Root DSE and subschema only; the service account writes
  ``ou=people``, reads the rest and ``cn=accesslog`` with no size limit (paged results are
  capped by the size limit, 500, for everyone but the rootdn); other users read the suffix
  but not passwords or the access log. Password hashes appear in the access log.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

import attrs

from ldapconnector.dn import parent_dn
from ldapconnector.testing._templates import first_rdn_value, render

__all__ = [
    "BASE_TEMPLATE",
    "CONFIG_TEMPLATE",
    "OVERLAY_TEMPLATES",
    "SlapdOverlay",
    "SlapdSettings",
    "base_entries_ldif",
    "config_ldif",
    "overlay_tuple",
    "ssha",
]

CONFIG_TEMPLATE = "openldap-config.ldif.in"
#: The config lines left out of a server without TLS (each starts with one of these).
_TLS_LINE_PREFIXES = ("olcTLS",)
BASE_TEMPLATE = "openldap-base.ldif.in"
#: The suffix database's built-in overlays (syncprov, accesslog, ppolicy): optional ones follow.
_FIXED_OVERLAYS = 3


class SlapdOverlay(enum.StrEnum):
    """An optional overlay of the test slapd's suffix database (slapo-memberof, slapo-refint).

    Each is a Debian module in ``/usr/lib/ldap`` of the same name; its configuration entry
    is a data file named in :data:`OVERLAY_TEMPLATES`.
    """

    MEMBEROF = "memberof"
    REFINT = "refint"


#: Each optional overlay's configuration entry (its ``$index`` is its place on the stack).
OVERLAY_TEMPLATES: dict[SlapdOverlay, str] = {
    SlapdOverlay.MEMBEROF: "openldap-overlay-memberof.ldif.in",
    SlapdOverlay.REFINT: "openldap-overlay-refint.ldif.in",
}


def overlay_tuple(values: Iterable[SlapdOverlay | str]) -> tuple[SlapdOverlay, ...]:
    """The overlays named, each once, in the order they are stacked (the enum's order).

    Raises:
        ValueError: a name is not a :class:`SlapdOverlay` value.
    """
    wanted = {SlapdOverlay(value) for value in values}
    return tuple(overlay for overlay in SlapdOverlay if overlay in wanted)


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
        tls: configure TLS (the ``olcTLS*`` settings); False leaves them out, and slapd
            then refuses StartTLS.
        overlays: the optional overlays of the suffix database, in stacking order.
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
    tls: bool = True
    overlays: tuple[SlapdOverlay, ...] = attrs.field(default=(), converter=overlay_tuple)
    peer_uid: int = attrs.field(factory=os.getuid)
    peer_gid: int = attrs.field(factory=os.getgid)

    @property
    def people_dn(self) -> str:
        """The container the service account may write: ``ou=people,<suffix>``."""
        return f"ou=people,{self.base_dn}"

    @property
    def services_dn(self) -> str:
        """The container of service accounts: the parent of :attr:`service_dn`."""
        return parent_dn(self.service_dn)


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


def config_ldif(settings: SlapdSettings) -> str:
    """Return the LDIF that ``slapadd -n0`` turns into the server's ``slapd.d``.

    The text is ``data/openldap-config.ldif.in`` filled in from ``settings``.

    Args:
        settings: paths, DNs and passwords of the server.

    Returns:
        The LDIF text (the admin password appears only as an ``{SSHA}`` hash).
    """
    s = settings
    text = render(
        CONFIG_TEMPLATE,
        directory=s.directory,
        ca_file=s.ca_file,
        cert_file=s.cert_file,
        key_file=s.key_file,
        # Certificate subjects reach the authz-regexp lower-cased.
        client_organization=s.client_organization.lower(),
        services_dn=s.services_dn,
        peer_gid=s.peer_gid,
        peer_uid=s.peer_uid,
        admin_dn=s.admin_dn,
        admin_password_hash=ssha(s.admin_password),
        base_dn=s.base_dn,
        people_dn=s.people_dn,
        service_dn=s.service_dn,
        accesslog_dn=s.accesslog_dn,
        policy_dn=s.policy_dn,
    )
    text += _overlays_ldif(s.overlays)
    if s.tls:
        return text
    # The olcTLS* lines are single lines of the cn=config entry: dropping them keeps the
    # record whole, and the template stays one file for both kinds of server.
    lines = text.splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith(_TLS_LINE_PREFIXES))


def _overlays_ldif(overlays: tuple[SlapdOverlay, ...]) -> str:
    """A second module list loading the overlays' modules, then one entry per overlay.

    They follow the whole configuration: the suffix database exists by then, and slapadd
    loads a module when it adds the module list, before the overlay entries that use it.
    """
    if not overlays:
        return ""
    loads = "".join(f"olcModuleLoad: {{{n}}}{o.value}\n" for n, o in enumerate(overlays))
    modules = (
        "\ndn: cn=module{1},cn=config\nobjectClass: olcModuleList\ncn: module{1}\n"
        f"olcModulePath: /usr/lib/ldap\n{loads}"
    )
    entries = [
        render(OVERLAY_TEMPLATES[overlay], index=_FIXED_OVERLAYS + n)
        for n, overlay in enumerate(overlays)
    ]
    return modules + "".join("\n" + entry for entry in entries)


def base_entries_ldif(settings: SlapdSettings, organization: str = "Contoso Lab") -> str:
    """Return the suffix, its containers, the service account and the default policy.

    The text is ``data/openldap-base.ldif.in`` filled in from ``settings``; the service
    password goes in as an ``{SSHA}`` hash.

    Args:
        settings: the DNs and the service password.
        organization: the ``o`` value of the suffix entry.

    Returns:
        LDIF content records (no ``changetype``), parents before children.
    """
    s = settings
    policies = parent_dn(s.policy_dn)
    return render(
        BASE_TEMPLATE,
        base_dn=s.base_dn,
        base_rdn_value=first_rdn_value(s.base_dn),
        organization=organization,
        services_dn=s.services_dn,
        services_ou=first_rdn_value(s.services_dn),
        policies_dn=policies,
        policies_ou=first_rdn_value(policies),
        service_dn=s.service_dn,
        service_cn=first_rdn_value(s.service_dn),
        service_password_hash=ssha(s.service_password),
        policy_dn=s.policy_dn,
    )
