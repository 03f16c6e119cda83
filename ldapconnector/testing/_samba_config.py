"""Generated files and command lines for the throwaway Samba AD DC (text in, text out).

The domain is provisioned with ``samba-tool domain provision`` (realm ``CONTOSO.LAB``, RFC
2307 attributes, no DNS) and then given, offline through ``ldbadd``/``ldbmodify`` on
``sam.ldb``, the OUs and the service account of :func:`base_entries_ldif` and the ACEs of
:func:`people_acl_ldif` and :func:`deleted_objects_acl_ldif`. :func:`smb_conf` writes the
configuration the server runs with: only the ``ldap`` service, bound to 127.0.0.1, and
every path (pid, sockets, locks, caches, logs, private) inside the instance's directory.
The literal text is in the package data files ``data/samba-*.in``; this module fills in
their ``$names``. See MS-ADTS 3.1.1.3 for the ``unicodePwd`` rules and ``smb.conf(5)``.
"""

from __future__ import annotations

import base64
from pathlib import Path

import attrs

from ldapconnector.testing._templates import first_rdn_value, render

__all__ = [
    "BASE_TEMPLATE",
    "DESCRIPTOR_TEMPLATE",
    "REALM",
    "SMB_CONF_TEMPLATE",
    "SambaSettings",
    "add_allow_ace",
    "base_entries_ldif",
    "deleted_objects_acl_ldif",
    "people_acl_ldif",
    "provision_argv",
    "smb_conf",
    "unicode_pwd",
]

REALM = "CONTOSO.LAB"
DOMAIN = "CONTOSO"
HOST_NAME = "dc1"
SMB_CONF_TEMPLATE = "samba-smb.conf.in"
BASE_TEMPLATE = "samba-base.ldif.in"
DESCRIPTOR_TEMPLATE = "samba-security-descriptor.ldif.in"


@attrs.frozen(kw_only=True)
class SambaSettings:
    """Where one instance lives and which certificate it presents.

    Attributes:
        directory: the instance's directory (a copy of the provisioned template).
        cert_file: PEM server certificate for LDAPS/StartTLS.
        key_file: its private key (mode 0600, as Samba insists).
        ca_file: the CA that signed it.
    """

    directory: Path
    cert_file: Path
    key_file: Path
    ca_file: Path


def provision_argv(samba_tool: str, target: Path, admin_password: str) -> list[str]:
    """Return the ``samba-tool domain provision`` command for a DC in ``target``."""
    return [
        samba_tool,
        "domain",
        "provision",
        f"--targetdir={target}",
        f"--realm={REALM}",
        f"--domain={DOMAIN}",
        "--server-role=dc",
        "--dns-backend=NONE",
        "--use-rfc2307",
        f"--host-name={HOST_NAME}",
        "--host-ip=127.0.0.1",
        f"--adminpass={admin_password}",
        "--option=interfaces=127.0.0.1",
        "--option=bind interfaces only=yes",
    ]


def smb_conf(settings: SambaSettings) -> str:
    """Return the ``smb.conf`` of one instance: LDAP only, loopback only, paths inside.

    The text is ``data/samba-smb.conf.in``; every path it names is below
    ``settings.directory`` except the certificate files. ``ldb:nosync = true`` (as in
    Samba's self-test): a throwaway database need not be synced after every write, and
    adds get 2-5x faster.
    """
    return render(
        SMB_CONF_TEMPLATE,
        netbios_name=HOST_NAME.upper(),
        workgroup=DOMAIN,
        realm=REALM,
        directory=settings.directory,
        key_file=settings.key_file,
        cert_file=settings.cert_file,
        ca_file=settings.ca_file,
    )


def unicode_pwd(password: str) -> str:
    """Return the base64 ``unicodePwd`` value: the quoted password in UTF-16LE."""
    return base64.b64encode(f'"{password}"'.encode("utf-16-le")).decode("ascii")


def base_entries_ldif(base_dn: str, service_dn: str, service_password: str) -> str:
    """Return the OUs ``people``, ``groups``, ``services`` and the enabled service account.

    The text is ``data/samba-base.ldif.in``. The password goes in as ``unicodePwd``
    (base64, :func:`unicode_pwd`); ``userAccountControl`` 66048 is NORMAL_ACCOUNT |
    DONT_EXPIRE_PASSWORD.
    """
    name = first_rdn_value(service_dn)
    return render(
        BASE_TEMPLATE,
        base_dn=base_dn,
        service_dn=service_dn,
        service_name=name,
        upn_suffix=REALM.lower(),
        unicode_pwd=unicode_pwd(service_password),
    )


def add_allow_ace(sddl: str, service_sid: str, rights: str = "GA") -> str:
    """Return ``sddl`` with an inheritable allow ACE for ``service_sid`` added.

    ``rights`` are SDDL rights (default ``GA``, full control; ``RPLC`` read property and
    list contents).

    The ACE goes first in the DACL, after its flags (an allow ACE needs no particular
    place when the DACL holds no deny ACEs, as a fresh OU's does not).

    Raises:
        ValueError: ``sddl`` has no DACL.
    """
    start = sddl.find("D:")
    if start < 0:
        raise ValueError(f"security descriptor without a DACL: {sddl}")
    position = sddl.find("(", start)
    end_of_dacl = sddl.find("S:", start)
    if position < 0 or (0 <= end_of_dacl < position):
        position = end_of_dacl if end_of_dacl >= 0 else len(sddl)
    return f"{sddl[:position]}(A;CI;{rights};;;{service_sid}){sddl[position:]}"


def people_acl_ldif(people_dn: str, sddl: str, service_sid: str) -> str:
    """Return the change giving ``service_sid`` full control of the people OU and below.

    Args:
        people_dn: the OU.
        sddl: its current ``nTSecurityDescriptor`` in SDDL (as ``ldbsearch`` shows it).
        service_sid: the service account's ``objectSid``.
    """
    return _descriptor_change(people_dn, add_allow_ace(sddl, service_sid))


def deleted_objects_acl_ldif(deleted_objects_dn: str, sddl: str, service_sid: str) -> str:
    """Return the change letting ``service_sid`` list and read ``CN=Deleted Objects``.

    The ACE is inheritable, so tombstones moved there are readable too: what an AD
    account needs to see deletes with the Show Deleted control (apply with
    ``ldbmodify --show-deleted``: the container is itself a deleted object).
    """
    return _descriptor_change(deleted_objects_dn, add_allow_ace(sddl, service_sid, "RPLC"))


def _descriptor_change(dn: str, sddl: str) -> str:
    """The change replacing the security descriptor of ``dn`` (``samba-security-descriptor``)."""
    return render(DESCRIPTOR_TEMPLATE, dn=dn, sddl=sddl)
