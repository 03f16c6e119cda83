"""The bridge's own file (``ldapconnector serve --config FILE``): listener, TLS, connectors.

It is separate from the connector configuration (``[connectivity]``, ``[[mappings]]``...),
which each ``[[connectors]]`` table names by path, so one bridge can serve several
connectors, each under its own tenant path ``/ecma2host_<name>/scim``::

    port = 8585                      # TLS unless the command line says --plain-http
    host = "127.0.0.1"
    hostnames = ["ecma.contoso.lab"] # SANs of a generated certificate (localhost always)
    certificate = "bridge.pem"       # with private_key; default: generated on first start
    private_key = "bridge.key"
    autosync_minutes = 120           # how often the connector space is refreshed

    [[connectors]]
    name = "LDAP"                    # tenant URL https://host:8585/ecma2host_LDAP/scim
    config = "connector.toml"
    token_env = "SCIM_TOKEN"         # or token_file; 12 characters at least
    mode = "pass-through"            # or "mapped"
    user_name = "uid"                # the LDAP attribute behind userName
    external_id = "employeeNumber"   # the LDAP attribute behind externalId (optional)
    users = "users"                  # with [[object_types]]: the type behind /Users
    groups = "groups"                # the group type behind /Groups (off when not given)
"""

from __future__ import annotations

import enum
import re
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from ldapconnector.errors import ConfigurationError

__all__ = [
    "BridgeMode",
    "BridgeSettings",
    "EndpointSettings",
    "load_settings",
    "settings_from_dict",
]

DEFAULT_PORT = 8585  # the ECMA Connector Host's default
DEFAULT_AUTOSYNC_MINUTES = 120.0  # the ECMA host's "autosync timer" default
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class BridgeMode(enum.Enum):
    """How a SCIM resource becomes a source record for the export.

    ``pass-through``: the client already evaluated the expressions (as Entra ID does for
    the ECMA host): the ECMA2Host extension attributes are written as sent, ``-dn-`` is the
    DN. ``mapped``: the client sends core SCIM attributes (``userName``,
    ``name.familyName``...); the flattened resource goes through the ``[[mappings]]``.
    """

    PASS_THROUGH = "pass-through"  # noqa: S105 (a mode's name, not a password)
    MAPPED = "mapped"


@attrs.frozen(kw_only=True)
class EndpointSettings:
    """One ``[[connectors]]`` table: a connector served under its own path.

    Attributes:
        name: the connector's name, in the tenant path ``/ecma2host_<name>/scim``.
        config: the connector configuration file.
        token_env: the environment variable holding the bearer token.
        token_file: the file holding the bearer token (one line).
        mode: pass-through or mapped.
        user_name: the LDAP attribute behind ``userName``.
        external_id: the LDAP attribute behind ``externalId``, if any.
        matching: pass-through mode: the attributes that find an existing entry for a
            POST (correlation), in order; by default the ``matching_precedence`` of the
            connector's ``[[mappings]]``.
        users: the ``[[object_types]]`` name served as ``/Users`` (by default the type
            the ``groups`` type's members belong to); None for an ``[object_type]`` file.
        groups: the ``[[object_types]]`` name served as ``/Groups`` (a group type, with
            ``membership``); None serves no ``/Groups``.
    """

    name: str
    config: Path
    token_env: str | None = None
    token_file: Path | None = None
    mode: BridgeMode = BridgeMode.PASS_THROUGH
    user_name: str = "uid"
    external_id: str | None = None
    matching: tuple[str, ...] = ()
    users: str | None = None
    groups: str | None = None

    @property
    def path(self) -> str:
        """The tenant path, ``/ecma2host_<name>/scim`` (the ECMA host's URL shape)."""
        return f"/ecma2host_{self.name}/scim"


@attrs.frozen(kw_only=True)
class BridgeSettings:
    """The whole bridge file.

    Attributes:
        host: the address to listen on.
        port: the port (8585 by default, as the ECMA host).
        hostnames: the host names a generated certificate names (besides ``localhost``).
        certificate: a PEM certificate (chain) to serve; None generates one.
        private_key: its PEM private key.
        state_dir: where a generated certificate is kept (the file's directory).
        autosync_minutes: the connector space refresh period (delta import).
        connectors: the connectors served.
    """

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    hostnames: tuple[str, ...] = ()
    certificate: Path | None = None
    private_key: Path | None = None
    state_dir: Path = Path()
    autosync_minutes: float = DEFAULT_AUTOSYNC_MINUTES
    connectors: tuple[EndpointSettings, ...] = ()


_TOP_KEYS = frozenset(
    {"host", "port", "hostnames", "certificate", "private_key", "autosync_minutes", "connectors"}
)
_ENDPOINT_KEYS = frozenset(
    {"name", "config", "token_env", "token_file", "mode", "user_name", "external_id", "matching",
     "users", "groups"}
)  # fmt: skip


def _unknown(data: Mapping[str, Any], known: frozenset[str], where: str) -> Iterator[str]:
    for key in sorted(set(data) - known):
        yield f"{where}{key}: unknown key (known: {', '.join(sorted(known))})"


def _typed(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> str:
    value = data[key]
    if isinstance(value, bool) and kind is not bool:
        return f"{where}{key}: must be {getattr(kind, '__name__', kind)}, got {value!r}"
    if not isinstance(value, kind):
        return f"{where}{key}: must be {getattr(kind, '__name__', 'a value')}, got {value!r}"
    return ""


_TOP_TYPES: dict[str, type | tuple[type, ...]] = {
    "host": str, "port": int, "hostnames": list, "certificate": str, "private_key": str,
    "autosync_minutes": (int, float), "connectors": list,
}  # fmt: skip
_ENDPOINT_TYPES: dict[str, type | tuple[type, ...]] = {
    "name": str, "config": str, "token_env": str, "token_file": str, "mode": str,
    "user_name": str, "external_id": str, "matching": list, "users": str, "groups": str,
}  # fmt: skip


def _type_problems(data: Mapping[str, Any], types: Mapping[str, Any], where: str) -> list[str]:
    found = (_typed(data, key, kind, where) for key, kind in types.items() if key in data)
    return [problem for problem in found if problem]


def _endpoint_problems(data: Mapping[str, Any], where: str) -> list[str]:
    problems = [
        *_unknown(data, _ENDPOINT_KEYS, where),
        *_type_problems(data, _ENDPOINT_TYPES, where),
    ]
    if problems:
        return problems
    if not _NAME.match(str(data.get("name", ""))):
        problems.append(f"{where}name: required; letters, digits, '_', '.', '-' (a URL segment)")
    if "config" not in data:
        problems.append(f"{where}config: required (the connector configuration file)")
    if ("token_env" in data) == ("token_file" in data):
        problems.append(f"{where}token_env: give exactly one of token_env and token_file")
    modes = {mode.value for mode in BridgeMode}
    if data.get("mode", BridgeMode.PASS_THROUGH.value) not in modes:
        problems.append(f"{where}mode: must be one of {sorted(modes)}, got {data['mode']!r}")
    return problems


def _endpoint(data: Mapping[str, Any], base: Path) -> EndpointSettings:
    token_file = data.get("token_file")
    return EndpointSettings(
        name=data["name"], config=base / data["config"], token_env=data.get("token_env"),
        token_file=base / token_file if token_file else None,
        mode=BridgeMode(data.get("mode", BridgeMode.PASS_THROUGH.value)),
        user_name=data.get("user_name", "uid"), external_id=data.get("external_id"),
        matching=tuple(data.get("matching", ())), users=data.get("users"),
        groups=data.get("groups"),
    )  # fmt: skip


def _top_problems(data: Mapping[str, Any]) -> list[str]:
    problems = [*_unknown(data, _TOP_KEYS, ""), *_type_problems(data, _TOP_TYPES, "")]
    if problems:
        return problems
    if not 1 <= data.get("port", DEFAULT_PORT) <= 65535:
        problems.append(f"port: must be 1-65535, got {data['port']}")
    if ("certificate" in data) != ("private_key" in data):
        problems.append("certificate: give both certificate and private_key, or neither")
    if data.get("autosync_minutes", 1) <= 0:
        problems.append("autosync_minutes: must be positive")
    if not data.get("connectors"):
        problems.append("connectors: at least one [[connectors]] table is required")
    return problems


def settings_from_dict(data: Mapping[str, Any], *, base_dir: Path) -> BridgeSettings:
    """Build the settings from plain data shaped like the file.

    Args:
        data: the file's keys, as ``tomllib`` returns them.
        base_dir: what relative paths are relative to (the file's directory).

    Raises:
        ConfigurationError: listing every problem with its key.
    """
    problems = _top_problems(data)
    tables = data.get("connectors", []) if not problems else []
    for index, table in enumerate(tables):
        where = f"connectors[{index}]."
        if not isinstance(table, Mapping):
            problems.append(f"connectors[{index}]: must be a table")
            continue
        problems += _endpoint_problems(table, where)
    names = [t.get("name") for t in tables if isinstance(t, Mapping)]
    problems += [
        f"connectors: the name {n!r} is used twice" for n in set(names) if names.count(n) > 1
    ]
    if problems:
        raise ConfigurationError(problems)
    return _settings(data, base_dir)


def _settings(data: Mapping[str, Any], base: Path) -> BridgeSettings:
    certificate, key = data.get("certificate"), data.get("private_key")
    return BridgeSettings(
        host=data.get("host", "127.0.0.1"), port=data.get("port", DEFAULT_PORT),
        hostnames=tuple(data.get("hostnames", ())),
        certificate=base / certificate if certificate else None,
        private_key=base / key if key else None, state_dir=base,
        autosync_minutes=float(data.get("autosync_minutes", DEFAULT_AUTOSYNC_MINUTES)),
        connectors=tuple(_endpoint(table, base) for table in data["connectors"]),
    )  # fmt: skip


def load_settings(path: str | Path) -> BridgeSettings:
    """Read the bridge file (TOML); relative paths are relative to its directory.

    Raises:
        ConfigurationError: the file cannot be read, is not TOML, or has bad keys.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigurationError([f"{path}: cannot be read ({error.strerror})"]) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigurationError([f"{path}: not valid TOML ({error})"]) from None
    return settings_from_dict(data, base_dir=path.parent)
