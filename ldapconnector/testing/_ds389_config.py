"""Generated files for the throwaway 389 Directory Server (text in, text out).

Debian's ``dscreate`` assumes systemd and system paths. The fixture gives it a private
``PREFIX`` instead: :func:`defaults_inf` rewrites ``defaults.inf`` so that every path is
under the temp dir and ``with_systemd = 0``; :func:`listen_on_loopback` makes the
instance template listen on 127.0.0.1 only (even during ``dscreate``'s own brief start).
After ``dscreate`` the server is stopped, so :func:`edit_dse` may rewrite ``dse.ldif``:
TLS on with our certificate, small caches, and the Retro Changelog with
``targetUniqueId``/``targetEntryUUID``. :func:`base_entries_ldif` is imported offline
(``ldif2db``), so the base entries leave no changelog records. The literal text (the
``dscreate`` answers, the base entries, the ``cn=RSA`` entry and the changelog ACI) is in
the package data files ``data/ds389-*.in``; this module fills in their ``$names``. The
MemberOf and Referential Integrity plug-ins ship disabled; ``plugins`` turns them on
(:data:`PLUGIN_VALUES`). See the 389 DS Administration Guide, "Using the Retro Changelog
Plug-in", "Using the MemberOf Plug-in" and "Maintaining Referential Integrity".
"""

from __future__ import annotations

import enum
import re
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from ldapconnector.testing._templates import first_rdn_value, render

__all__ = [
    "BASE_TEMPLATE",
    "CHANGELOG_ACI_TEMPLATE",
    "INSTANCE",
    "INSTANCE_TEMPLATE",
    "PLUGIN_VALUES",
    "RSA_TEMPLATE",
    "DS389Plugin",
    "Ds389Settings",
    "base_entries_ldif",
    "changelog_aci_ldif",
    "defaults_inf",
    "edit_dse",
    "instance_inf",
    "listen_on_loopback",
    "plugin_tuple",
]

INSTANCE = "test"
INSTANCE_TEMPLATE = "ds389-instance.inf.in"
BASE_TEMPLATE = "ds389-base.ldif.in"
CHANGELOG_ACI_TEMPLATE = "ds389-changelog-aci.ldif.in"
RSA_TEMPLATE = "ds389-rsa.ldif.in"
# The entries of BASE_TEMPLATE, in file order: each gets a fresh entryUUID ($NAME_uuid).
_BASE_ENTRY_NAMES = ("base", "people", "groups", "services", "service")

# defaults.inf key -> path below the private prefix ({instance_name} is dscreate's).
_PREFIXED_PATHS = {
    "sysconf_dir": "etc",
    "initconfig_dir": "etc/default",
    "config_dir": "etc/dirsrv/slapd-{instance_name}",
    "local_state_dir": "var",
    "run_dir": "run/dirsrv",
    "ldapi": "run/slapd-{instance_name}.socket",
    "pid_file": "run/dirsrv/slapd-{instance_name}.pid",
    "data_dir": "share",
    "tmp_dir": "tmp",
    "system_schema_dir": "share/dirsrv/schema",
    "tmpfiles_d": "etc/tmpfiles.d",
    "schema_dir": "etc/dirsrv/slapd-{instance_name}/schema",
    "cert_dir": "etc/dirsrv/slapd-{instance_name}",
    "lock_dir": "run/lock/dirsrv/slapd-{instance_name}",
    "log_dir": "var/log/dirsrv/slapd-{instance_name}",
    "access_log": "var/log/dirsrv/slapd-{instance_name}/access",
    "audit_log": "var/log/dirsrv/slapd-{instance_name}/audit",
    "error_log": "var/log/dirsrv/slapd-{instance_name}/errors",
    "security_log": "var/log/dirsrv/slapd-{instance_name}/security",
    "db_dir": "var/lib/dirsrv/slapd-{instance_name}/db",
    "db_home_dir": "var/lib/dirsrv/slapd-{instance_name}/db",
    "backup_dir": "var/lib/dirsrv/slapd-{instance_name}/bak",
    "ldif_dir": "var/lib/dirsrv/slapd-{instance_name}/ldif",
    "inst_dir": "var/lib/dirsrv/slapd-{instance_name}/inst",
}

_BDB = "cn=bdb,cn=config,cn=ldbm database,cn=plugins,cn=config"
_RETRO = "cn=Retro Changelog Plugin,cn=plugins,cn=config"

# (entry, attribute, values) that edit_dse sets after the ports, in this order (each
# replaced attribute moves to the end of its entry, so the order shows in dse.ldif).
_DSE_VALUES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("cn=config", "nsslapd-security", ("on",)),
    # Autosizing would give the caches a share of the machine's memory.
    (_BDB, "nsslapd-cache-autosize", ("0",)),
    (_BDB, "nsslapd-dbcachesize", ("16777216",)),
    (_BDB, "nsslapd-import-cache-autosize", ("0",)),
    (_BDB, "nsslapd-import-cachesize", ("16777216",)),
    (_BDB, "nsslapd-db-durable-transaction", ("off",)),
    (_RETRO, "nsslapd-pluginEnabled", ("on",)),
    (_RETRO, "nsslapd-attribute", ("nsuniqueid:targetUniqueId", "entryuuid:targetEntryUUID")),
    (_RETRO, "nsslapd-changelogmaxage", ("7d",)),
)

_MEMBEROF = "cn=MemberOf Plugin,cn=plugins,cn=config"
_REFINT = "cn=referential integrity postoperation,cn=plugins,cn=config"


class DS389Plugin(enum.StrEnum):
    """An optional plug-in of the test 389 DS (both ship disabled in ``dse.ldif``)."""

    MEMBEROF = "memberof"
    REFINT = "refint"


#: What enabling each plug-in sets, as (entry, attribute, values). MemberOf keeps
#: ``memberOf`` on the members of ``member``/``uniqueMember`` groups (adding the
#: ``nsMemberOf`` class it needs); Referential Integrity rewrites or removes a renamed or
#: deleted entry's DN in ``member``, ``uniqueMember``, ``owner`` and ``seeAlso`` at once
#: (``referint-update-delay: 0``, the template's value).
PLUGIN_VALUES: dict[DS389Plugin, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    DS389Plugin.MEMBEROF: (
        (_MEMBEROF, "nsslapd-pluginEnabled", ("on",)),
        (_MEMBEROF, "memberOfGroupAttr", ("member", "uniqueMember")),
        (_MEMBEROF, "memberOfAutoAddOC", ("nsMemberOf",)),
    ),
    DS389Plugin.REFINT: (
        (_REFINT, "nsslapd-pluginEnabled", ("on",)),
        (_REFINT, "referint-update-delay", ("0",)),
    ),
}


def plugin_tuple(values: Iterable[DS389Plugin | str]) -> tuple[DS389Plugin, ...]:
    """The plug-ins named, each once, in the enum's order.

    Raises:
        ValueError: a name is not a :class:`DS389Plugin` value.
    """
    wanted = {DS389Plugin(value) for value in values}
    return tuple(plugin for plugin in DS389Plugin if plugin in wanted)


@attrs.frozen(kw_only=True)
class Ds389Settings:
    """Everything the generated files depend on.

    Attributes:
        base_dn: the suffix (``dc=contoso,dc=lab``).
        service_dn: the connector's account, under ``ou=services``.
        service_password: its password (stored hashed by the server on first bind).
        root_password: the password of ``cn=Directory Manager``.
        user: the account ns-slapd runs as (``dirsrv`` when started by root).
        group: its group.
        ldap_port: the plain port on 127.0.0.1.
        ldaps_port: the LDAPS port on 127.0.0.1.
        plugins: the optional plug-ins to enable.
    """

    base_dn: str
    service_dn: str
    service_password: str = attrs.field(repr=False)
    root_password: str = attrs.field(repr=False)
    user: str
    group: str
    ldap_port: int
    ldaps_port: int
    plugins: tuple[DS389Plugin, ...] = attrs.field(default=(), converter=plugin_tuple)


def defaults_inf(text: str, prefix: Path) -> str:
    """Rewrite Debian's ``defaults.inf`` so every path is under ``prefix``, without systemd.

    Args:
        text: the content of ``/usr/share/dirsrv/inf/defaults.inf``.
        prefix: the private prefix (what ``PREFIX`` is set to for ``dscreate``).

    Returns:
        The rewritten file; keys not listed stay (binaries, libraries and plugins remain
        Debian's).
    """
    values = {key: str(prefix / path) for key, path in _PREFIXED_PATHS.items()}
    values["with_systemd"] = "0"

    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        return f"{key} = {values[key]}" if key in values else match.group(0)

    return re.sub(r"^(\w+)\s*=.*$", replace, text, flags=re.MULTILINE)


def listen_on_loopback(template_dse: str) -> str:
    """Add ``nsslapd-listenhost``/``nsslapd-securelistenhost: 127.0.0.1`` to the template.

    Args:
        template_dse: the content of ``template-dse.ldif`` (its ``cn=config`` entry has
            ``nsslapd-localuser: %ds_user%``).

    Returns:
        The template with both attributes after ``nsslapd-localuser``.

    Raises:
        ValueError: the template has no ``nsslapd-localuser`` line to anchor on.
    """
    anchor = re.search(r"^nsslapd-localuser:.*$", template_dse, flags=re.MULTILINE)
    if anchor is None:
        raise ValueError("template-dse.ldif has no nsslapd-localuser line")
    extra = "\nnsslapd-listenhost: 127.0.0.1\nnsslapd-securelistenhost: 127.0.0.1"
    return template_dse[: anchor.end()] + extra + template_dse[anchor.end() :]


def instance_inf(settings: Ds389Settings) -> str:
    """Return the ``dscreate from-file`` answers: no TLS yet, no start, no sample entries.

    The text is ``data/ds389-instance.inf.in`` filled in from ``settings``.
    """
    s = settings
    return render(
        INSTANCE_TEMPLATE,
        instance_name=INSTANCE,
        user=s.user,
        group=s.group,
        ldap_port=s.ldap_port,
        ldaps_port=s.ldaps_port,
        root_password=s.root_password,
        base_dn=s.base_dn,
    )


def _records(text: str) -> list[list[str]]:
    """Split LDIF into records of unfolded lines."""
    records = []
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        lines: list[str] = []
        for line in block.split("\n"):
            if line.startswith(" ") and lines:
                lines[-1] += line[1:]
            elif line:
                lines.append(line)
        records.append(lines)
    return records


def _find(records: Sequence[list[str]], dn: str) -> list[str]:
    for record in records:
        if record and record[0].lower() == f"dn: {dn}".lower():
            return record
    raise ValueError(f"dse.ldif has no entry {dn}")


def _replace(records: Sequence[list[str]], dn: str, attribute: str, *values: str) -> None:
    record = _find(records, dn)
    kept = [line for line in record if line.split(":", 1)[0].lower() != attribute.lower()]
    record[:] = kept + [f"{attribute}: {value}" for value in values]


def edit_dse(text: str, settings: Ds389Settings, *, certificate_name: str) -> str:
    """Configure a stopped instance's ``dse.ldif`` for the fixture.

    Sets the ports (also when they were picked again), turns TLS on with the
    certificate ``certificate_name`` from the NSS database, shrinks the database caches
    (autosizing would take a share of the machine's memory), and enables the Retro
    Changelog recording ``nsUniqueId`` as ``targetUniqueId`` and ``entryUUID`` as
    ``targetEntryUUID``, and the ``plugins`` asked for. The ``cn=RSA`` entry
    (``data/ds389-rsa.ldif.in``) replaces any there was, right after ``cn=encryption``.

    Args:
        text: the current ``dse.ldif``.
        settings: ports and accounts.
        certificate_name: the nickname of the server certificate in the NSS database.

    Returns:
        The new ``dse.ldif`` (unfolded lines, which ns-slapd reads as well).

    Raises:
        ValueError: an entry the edit relies on is missing.
    """
    records = _records(text)
    ports = (
        ("cn=config", "nsslapd-port", (str(settings.ldap_port),)),
        ("cn=config", "nsslapd-securePort", (str(settings.ldaps_port),)),
    )
    plugins = tuple(value for plugin in settings.plugins for value in PLUGIN_VALUES[plugin])
    for dn, attribute, values in (*ports, *_DSE_VALUES, *plugins):
        _replace(records, dn, attribute, *values)
    encryption = _find(records, "cn=encryption,cn=config")
    records = [r for r in records if r[0].lower() != "dn: cn=rsa,cn=encryption,cn=config"]
    [rsa] = _records(render(RSA_TEMPLATE, certificate_name=certificate_name))
    records.insert(records.index(encryption) + 1, rsa)
    return "\n\n".join("\n".join(record) for record in records) + "\n\n"


def base_entries_ldif(settings: Ds389Settings) -> str:
    """Return the suffix, its containers and the service account, with their ACIs.

    The text is ``data/ds389-base.ldif.in`` filled in from ``settings``. The service
    account may read the whole suffix (all attributes, operational ones too) and do
    everything under ``ou=people``; it has no size or look-through limits. Anonymous
    users see nothing under the suffix (no ACI grants them anything). The password goes
    in as given (the server hashes it).
    """
    # Imported entries get no entryUUID from the plugin: give them one, as a server would.
    uuids = {f"{name}_uuid": uuid.uuid4() for name in _BASE_ENTRY_NAMES}
    return render(
        BASE_TEMPLATE,
        base_dn=settings.base_dn,
        base_rdn_value=first_rdn_value(settings.base_dn),
        service_dn=settings.service_dn,
        service_cn=first_rdn_value(settings.service_dn),
        service_password=settings.service_password,
        **uuids,
    )


def changelog_aci_ldif(service_dn: str, changelog_dn: str = "cn=changelog") -> str:
    """Return the change that lets the service account read ``cn=changelog``.

    The plugin creates ``cn=changelog`` at the first start, so this is applied then
    (changes to ``cn=changelog`` itself are not recorded in it). The text is
    ``data/ds389-changelog-aci.ldif.in``.
    """
    return render(CHANGELOG_ACI_TEMPLATE, changelog_dn=changelog_dn, service_dn=service_dn)
