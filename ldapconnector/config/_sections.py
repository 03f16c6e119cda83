"""The section classes of the config file after ``[connectivity]``.

Public through :mod:`ldapconnector.config`, which re-exports every name here; see that
module for how the classes validate themselves.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from ldapconnector.config import _checks as _c
from ldapconnector.config._checks import Validated as _Validated
from ldapconnector.config._membership import MembershipConfig
from ldapconnector.config._secret import Secret

_M = _c.meta


class Paging(enum.Enum):
    """How large searches are split (the Global page's "Supported Controls" for paging)."""

    AUTO = "auto"  # paged results if offered, else VLV + sort, else one search
    PAGED_RESULTS = "paged-results"  # RFC 2696
    VLV = "vlv"  # draft-ietf-ldapext-ldapv3-vlv with server-side sort (RFC 2891)
    NONE = "none"  # one search; may hit the server's size limit


class DeprovisionAction(enum.Enum):
    """A deprovisioning flow that is not "set attribute value".

    ``vendor`` uses the detected server's own disable method (MISSION.md section 1: ppolicy
    lock on OpenLDAP, ``nsAccountLock`` on 389 DS, the ``userAccountControl`` bit on AD).
    """

    NONE = "none"
    DELETE = "delete"
    VENDOR = "vendor"


class MappingType(enum.Enum):
    """The kind of an attribute mapping (Entra ID "Mapping type")."""

    DIRECT = "direct"
    CONSTANT = "constant"
    EXPRESSION = "expression"


class ApplyWhen(enum.Enum):
    """When a mapping is applied (Entra ID "Apply this mapping")."""

    ALWAYS = "always"
    CREATE = "create"


@attrs.frozen(kw_only=True)
class GlobalConfig(_Validated):
    """The ``[global]`` section: the Global and Partitions pages and the schema options.

    Attributes:
        partitions: naming contexts to work in (the Partitions page); empty means every
            naming context the server publishes.
        change_log_dn: where delta import reads changes (``cn=accesslog``,
            ``cn=changelog``); None means detected.
        delta_source: the change reader delta import uses, by its source name
            (``accesslog``, ``changelog``, ``usn-changed``, ``dirsync``, ``timestamps``,
            or the source of a plug-in reader); it overrides detection and the vendor
            rule's choice. None means detected. Checked against the registered readers
            when a delta import starts.
        password_attribute: the attribute passwords are set in (Microsoft's default).
        page_size: entries per page for paged or VLV searches.
        paging: which paging control to use ("Supported Controls" on the Global page).
        tree_delete: delete an entry with its subtree in one call with the Tree Delete
            control (1.2.840.113556.1.4.805) where the server offers it; otherwise a
            non-leaf delete fails for that object, naming its children.
        show_deleted: use the ShowDeleted control (1.2.840.113556.1.4.417) in uSNChanged
            delta imports so deletions are seen.
        follow_referrals: follow referrals and continuation references to the allowed
            hosts, with the same TLS verification and bind (Microsoft's connector never
            does); off, a referral is an error and continuation references are skipped.
        allowed_referral_hosts: the only hosts a referral may lead to (a referral to any
            other host is an error naming it); required with ``follow_referrals``.
        include_operational_attributes: add operational attributes (``createTimestamp``,
            ...) to the schema (RFC 3673).
        flow_nulls: a mapping whose result is null clears the target attribute; by
            default (as in Entra ID) a null result leaves the attribute as it is.
        include_extensible_attributes: allow every attribute on ``extensibleObject``
            entries (RFC 4512 section 4.3); makes the schema very large.
        attribute_aliases: attributes sent with a transfer option, e.g.
            ``userCertificate;binary`` (RFC 4522), which schema discovery cannot see.
        single_value_overrides: multi-valued attributes to treat as single-valued
            ("Treat as single value"); never ``objectClass``.
        allow_ad_ds_export: export (and plan) to Active Directory Domain Services (Samba AD
            is detected as such) although Microsoft does not support provisioning into AD
            DS with the Generic LDAP connector (only AD LDS); refused unless true.
        write_window: how many objects' writes an export keeps in flight on its connection
            (pipelining, docs/performance.md); 1 sends each write and waits for its answer.
    """

    _PATH: ClassVar[str] = "global"

    partitions: tuple[str, ...] = attrs.field(default=(), metadata=_M(_c.unique, items=(_c.dn,)))
    change_log_dn: str | None = attrs.field(default=None, metadata=_M(_c.dn))
    delta_source: str | None = attrs.field(default=None, metadata=_M(_c.not_blank))
    password_attribute: str = attrs.field(default="userPassword", metadata=_M(_c.attribute_name))
    page_size: int = attrs.field(default=1000, metadata=_M(_c.positive))
    paging: Paging = Paging.AUTO
    tree_delete: bool = False
    show_deleted: bool = True
    follow_referrals: bool = False
    allowed_referral_hosts: tuple[str, ...] = attrs.field(default=(), metadata=_M(items=(_c.host,)))
    include_operational_attributes: bool = False
    include_extensible_attributes: bool = False
    flow_nulls: bool = False
    attribute_aliases: tuple[str, ...] = attrs.field(
        default=(), metadata=_M(_c.unique, items=(_c.aliased_attribute,))
    )
    single_value_overrides: tuple[str, ...] = attrs.field(
        default=(), metadata=_M(_c.unique, items=(_c.attribute_name, _c.not_object_class))
    )
    allow_ad_ds_export: bool = False
    write_window: int = attrs.field(default=32, metadata=_M(_c.positive))

    @classmethod
    def _cross_problems(cls, values: Mapping[str, Any]) -> _c.Problems:
        if values.get("allowed_referral_hosts") and values.get("follow_referrals") is False:
            yield "allowed_referral_hosts", "has no effect unless follow_referrals = true"
        if values.get("follow_referrals") is True and not values.get("allowed_referral_hosts"):
            # A referral is followed only to a listed host: with none, nothing would be.
            yield (
                "follow_referrals",
                "needs allowed_referral_hosts: referrals are followed only to the hosts listed",
            )


@attrs.frozen(kw_only=True)
class RunProfilesConfig(_Validated):
    """The ``[run_profiles]`` section: which runs this connector may do.

    Attributes:
        full_import: read every object (needed to find existing objects before export).
        delta_import: read only changes; enable it where the server keeps a change log.
        export: write to the directory.
    """

    _PATH: ClassVar[str] = "run_profiles"

    full_import: bool = True
    delta_import: bool = False
    export: bool = True

    @classmethod
    def _cross_problems(cls, values: Mapping[str, Any]) -> _c.Problems:
        imports = values.get("full_import", True) or values.get("delta_import", True)
        if values.get("export") and not imports:
            yield (
                "export",
                (
                    "needs full_import or delta_import: without an import existing objects "
                    "cannot be found and would be created twice"
                ),
            )


# A PostgreSQL schema name the store puts into its statements (quoted) as a name.
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class SpaceBackend(enum.StrEnum):
    """The shipped link-store backends (``[space] backend``): the names a plug-in need not add.

    ``backend`` is an open name, so that an installed package's backend
    (``ldapconnector.link_stores`` entry points) is chosen the same way; the shipped
    names load as these members, and compare equal to their strings.
    """

    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


# A backend's registered name (the link-store registry checks the same form).
_BACKEND_NAME = re.compile(r"[a-z][a-z0-9_-]*")


def _backend(value: str) -> str:
    """The shipped backends' names as :class:`SpaceBackend` members; any other as given."""
    try:
        return SpaceBackend(value)
    except ValueError:
        return value


def _backend_name(value: str) -> str | None:
    if _BACKEND_NAME.fullmatch(value):
        return None
    return f"use lower-case letters, digits, - and _ (a link store's name), got {_c.show(value)}"


@attrs.frozen(kw_only=True)
class SpaceConfig(_Validated):
    """The ``[space]`` section: where the connector space (links, watermarks) is kept.

    Attributes:
        backend: the link store's name: ``sqlite`` (the default), ``postgresql`` (extra
            ``postgresql``; a space several workers share), or a backend an installed
            package registers (``ldapconnector.link_stores`` entry points); an unknown
            name is refused when the store is opened, with the registered names.
        path: the state file, relative to the config file's directory; for ``sqlite``,
            None means the default, a file named after the config next to it
            (``connector.toml`` -> ``connector.state.sqlite``), which the command line
            chooses.
        in_memory: keep the space in memory only (``sqlite``): nothing is remembered
            between runs.
        dsn: the connection string (PostgreSQL: libpq ``key=value`` or a URL), resolved
            from ``dsn_env``/``dsn_file``: it may carry a password, so a literal is refused
            in files, as for ``connectivity.password``.
        dsn_env: the environment variable holding the DSN.
        dsn_file: the file holding the DSN (trailing newline stripped).
        schema: the PostgreSQL schema holding this connector's space (one per connector).
    """

    _PATH: ClassVar[str] = "space"

    backend: str = attrs.field(
        default=SpaceBackend.SQLITE, converter=_backend, metadata=_M(_backend_name)
    )
    path: str | None = attrs.field(default=None, metadata=_M(_c.not_blank, location=True))
    in_memory: bool = False
    dsn: Secret | None = attrs.field(default=None, metadata=_M(secret=True))
    dsn_env: str | None = attrs.field(default=None, metadata=_M(_c.env_name))
    dsn_file: str | None = attrs.field(default=None, metadata=_M(_c.not_blank, path=True))
    schema: str = attrs.field(default="ldapconnector", metadata=_M(_c.not_blank))

    @classmethod
    def _cross_problems(cls, values: Mapping[str, Any]) -> _c.Problems:
        if values.get("in_memory") and values.get("path"):
            yield "in_memory", "give only one of path and in_memory = true"
        if values.get("dsn_env") and values.get("dsn_file"):
            yield "dsn_file", "give only one of dsn_env and dsn_file"
        backend = values.get("backend", SpaceBackend.SQLITE)
        postgres = backend == SpaceBackend.POSTGRESQL
        dsn = values.get("dsn_env") or values.get("dsn_file") or values.get("dsn")
        if postgres and not dsn:
            yield "dsn_env", 'required when backend is "postgresql": set dsn_env or dsn_file'
        for key in ("path", "in_memory"):
            # A plug-in backend may keep a file; memory is the SQLite store's alone.
            if values.get(key) and (postgres or (key == "in_memory" and backend != "sqlite")):
                yield key, 'applies to backend = "sqlite" only'
        if backend == SpaceBackend.SQLITE and (values.get("dsn_env") or values.get("dsn_file")):
            yield "backend", 'a dsn is given: set backend = "postgresql" (or a plug-in\'s name)'
        schema = values.get("schema")
        if isinstance(schema, str) and not _SCHEMA_NAME.fullmatch(schema):
            yield "schema", "use lower-case letters, digits and _ (at most 63, no digit first)"


@attrs.frozen(kw_only=True)
class ObjectTypeConfig(_Validated):
    """The ``[object_type]`` section: the Object Types page.

    Attributes:
        target: the structural object class of the entries (``inetOrgPerson``).
        anchor: the immutable attribute that identifies an entry (``entryUUID``,
            ``objectGUID``, ``-dn-`` for the DN); None means the detected recommendation.
            Multi-valued attributes are refused once the schema is known.
        query_attribute: the attribute searched to find an entry by anchor; None means the
            anchor itself.
        auxiliary: auxiliary object classes added to every entry (``posixAccount``).
        containers: search bases inside the partitions ("Search only in selected
            containers"); empty means the whole partitions.
        membership: set when the entries are groups: where their members come from
            (docs/groups.md).
    """

    _PATH: ClassVar[str] = "object_type"

    target: str = attrs.field(metadata=_M(_c.attribute_name))
    anchor: str | None = attrs.field(default=None, metadata=_M(_c.attribute_or_dn))
    query_attribute: str | None = attrs.field(default=None, metadata=_M(_c.attribute_or_dn))
    auxiliary: tuple[str, ...] = attrs.field(
        default=(), metadata=_M(_c.unique, items=(_c.attribute_name,))
    )
    containers: tuple[str, ...] = attrs.field(default=(), metadata=_M(_c.unique, items=(_c.dn,)))
    membership: MembershipConfig | None = None

    @classmethod
    def _cross_problems(cls, values: Mapping[str, Any]) -> _c.Problems:
        target = values.get("target")
        for index, name in enumerate(values.get("auxiliary", ())):
            if target and name.lower() == target.lower():
                yield f"auxiliary[{index}]", f"{_c.show(name)} is already the target class"


@attrs.frozen(kw_only=True)
class AttributeConfig(_Validated):
    """One ``[[attributes]]`` table: an attribute exposed for mapping (Select Attributes).

    Attributes:
        name: the attribute name.
        single_value: True to treat it as single-valued, False as multi-valued; None
            follows the schema.
    """

    _PATH: ClassVar[str] = "attributes[*]"

    name: str = attrs.field(metadata=_M(_c.attribute_name))
    single_value: bool | None = None

    @classmethod
    def _cross_problems(cls, values: Mapping[str, Any]) -> _c.Problems:
        if values.get("single_value") and str(values.get("name", "")).lower() == "objectclass":
            yield "single_value", "objectClass cannot be treated as single-valued"


@attrs.frozen(kw_only=True)
class SetAttributeValue(_Validated):
    """A deprovisioning flow that sets a boolean attribute (``nsAccountLock = true``).

    Attributes:
        set_attribute: the attribute to set; it must not be a selected attribute.
        value: the boolean to write (Microsoft allows only booleans here).
    """

    _PATH: ClassVar[str] = "deprovisioning.*"

    set_attribute: str = attrs.field(metadata=_M(_c.attribute_name))
    value: bool = True


Flow = DeprovisionAction | SetAttributeValue


@attrs.frozen(kw_only=True)
class DeprovisioningConfig(_Validated):
    """The ``[deprovisioning]`` section: what happens to users who leave.

    Attributes:
        disable: the flow for ``isSoftDeleted`` users: none, delete, vendor (the server's
            own disable method), or set a value.
        delete: the flow for deleted users (and pruned ones): none, delete, vendor, or set
            a value.
        max_deletes: the most entries one run may delete (mass-deletion guard; 500 is the
            default threshold of Entra's accidental-deletion prevention).
    """

    _PATH: ClassVar[str] = "deprovisioning"

    disable: Flow = DeprovisionAction.NONE
    delete: Flow = DeprovisionAction.NONE
    max_deletes: int = attrs.field(default=500, metadata=_M(_c.non_negative))


@attrs.frozen(kw_only=True)
class MappingConfig(_Validated):
    """One ``[[mappings]]`` table: how a target attribute gets its value.

    Attributes:
        type: direct, constant or expression.
        target: the directory attribute to write; ``-dn-`` builds the entry's DN.
        source: the source attribute (``direct`` only).
        value: the constant (``constant`` only).
        expression: the expression text (``expression`` only); compiled by the
            expressions layer, not here.
        default_value: the value used when the source is null (``direct``/``expression``).
        apply: always, or only when the entry is created.
        matching_precedence: use this mapping to find existing entries, lowest first;
            unique across mappings.
    """

    _PATH: ClassVar[str] = "mappings[*]"

    type: MappingType
    target: str = attrs.field(metadata=_M(_c.attribute_or_dn))
    source: str | None = attrs.field(default=None, metadata=_M(_c.attribute_name))
    value: str | None = None
    expression: str | None = attrs.field(default=None, metadata=_M(_c.not_blank))
    default_value: str | None = None
    apply: ApplyWhen = ApplyWhen.ALWAYS
    matching_precedence: int | None = attrs.field(default=None, metadata=_M(_c.positive))

    @classmethod
    def _cross_problems(cls, values: Mapping[str, Any]) -> _c.Problems:
        kind = values.get("type")
        if kind is None:
            return
        needed = _NEEDED[kind]
        for key in ("source", "value", "expression", "default_value"):
            given = values.get(key, "") is not None
            if key == needed and not given:
                yield key, f"required when type is {_c.show(kind)}"
            elif key in _UNUSED[kind] and given and key in values:
                yield key, f"not used when type is {_c.show(kind)}"


_NEEDED = {
    MappingType.DIRECT: "source",
    MappingType.CONSTANT: "value",
    MappingType.EXPRESSION: "expression",
}
_UNUSED = {
    MappingType.DIRECT: ("value", "expression"),
    MappingType.CONSTANT: ("source", "expression", "default_value"),
    MappingType.EXPRESSION: ("source", "value"),
}


for _cls in (
    GlobalConfig,
    RunProfilesConfig,
    ObjectTypeConfig,
    AttributeConfig,
    SetAttributeValue,
    DeprovisioningConfig,
    MappingConfig,
    SpaceConfig,
):
    attrs.resolve_types(_cls, globals())
