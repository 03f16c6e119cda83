"""Value checks shared by the config classes (``ldapconnector.config``) and the loader.

A *check* is a function of one already-typed value that returns a problem message (without
the key path) or None. Field metadata names the checks; the same functions run when a
config object is built in code (``__attrs_post_init__``) and when one is loaded from a
file, so both paths report exactly the same words.
"""

from __future__ import annotations

import enum
import json
import re
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, ClassVar

import attrs

from ldapconnector.config._targets import DN_TARGET
from ldapconnector.dn import parse_dn
from ldapconnector.errors import ConfigurationError, InvalidRequestError

Check = Callable[[Any], "str | None"]
Problems = Iterator[tuple[str, str]]

_MAX_SHOWN = 60
_ATTRIBUTE_RE = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_-]*|[0-9]+(?:\.[0-9]+)+)(?:;[A-Za-z0-9-]+)*$")
_ENV_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_HOST_RE = re.compile(r"^[A-Za-z0-9_.:\[\]%-]+$")


class _Invalid:
    """Marker for a value that could not be converted (its problem is already recorded)."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()


def meta(
    *checks: Check,
    items: tuple[Check, ...] = (),
    key: str | None = None,
    path: bool = False,
    location: bool = False,
    secret: bool = False,
) -> dict[str, Any]:
    """Build the attrs field metadata the validators and the loader read.

    Args:
        *checks: checks of the whole (typed) value.
        items: checks of each item of a tuple value (reported as ``key[i]``).
        key: the key in the file, when it differs from the attribute name.
        path: the value is a file path: the loader resolves it and checks it exists.
        location: the value is a path of a file that may not exist yet (a state file the
            connector creates): the loader only resolves it.
        secret: the value is a credential: messages never show it.

    Returns:
        The metadata mapping for ``attrs.field(metadata=...)``.
    """
    return {
        "checks": checks,
        "items": items,
        "key": key,
        "path": path,
        "location": location,
        "secret": secret,
    }


def key_of(field: attrs.Attribute[Any]) -> str:
    """Return the file key of an attrs field (its metadata ``key`` or its name)."""
    key = field.metadata.get("key")
    return key if isinstance(key, str) else field.name


def join(path: str, key: str) -> str:
    """Join a key path and a key: ``join("mappings[2]", "apply") == "mappings[2].apply"``."""
    if not path or not key:
        return path or key
    return f"{path}{key}" if key.startswith("[") else f"{path}.{key}"


def show(value: object) -> str:
    """Render a value for a message the way it would be written in TOML (shortened)."""
    if isinstance(value, enum.Enum):
        return show(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 4] + '..."'
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


def quote(text: str) -> str:
    """Quote a string for a message in full (file paths are never shortened)."""
    return json.dumps(text, ensure_ascii=False)


def describe(tp: Any) -> str:
    """Describe a field type for a message: ``describe(int | None) == "an integer"``."""
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if is_union(tp):
        return " or ".join(describe(a) for a in args)
    if typing.get_origin(tp) is tuple:
        return f"a list of {_plural(args[0])}"
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "one of " + ", ".join(show(m.value) for m in tp)
    names = {str: "a string", int: "an integer", float: "a number", bool: "a boolean"}
    if tp in names:
        return names[tp] + (" (true or false)" if tp is bool else "")
    if isinstance(tp, type) and attrs.has(tp):
        return "a table"
    return f"a {getattr(tp, '__name__', tp)}"


def python_type(tp: Any) -> str:
    """Name a field type for code that builds config objects: ``"a Binding or None"``."""
    if is_union(tp):
        return " or ".join(python_type(a) for a in typing.get_args(tp))
    if tp is type(None):
        return "None"
    if typing.get_origin(tp) is tuple:
        return f"a tuple of {python_type(typing.get_args(tp)[0]).split(' ', 1)[-1]}"
    name = getattr(tp, "__name__", str(tp))
    return f"{'an' if name[0] in 'AEIOUaeiou' else 'a'} {name}"


def _plural(tp: Any) -> str:
    if isinstance(tp, type) and attrs.has(tp):
        return "tables"
    return {str: "strings", int: "integers", bool: "booleans"}.get(tp, describe(tp))


def is_union(tp: Any) -> bool:
    """Tell whether ``tp`` is a union type (``X | Y`` or ``Optional[X]``)."""
    return isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union


def conforms(value: object, tp: Any) -> bool:
    """Tell whether a value already has the (resolved) field type ``tp``."""
    if is_union(tp):
        return any(conforms(value, arg) for arg in typing.get_args(tp))
    if tp is type(None):
        return value is None
    if typing.get_origin(tp) is tuple:
        item = typing.get_args(tp)[0]
        return isinstance(value, tuple) and all(conforms(v, item) for v in value)
    if tp is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, tp)


def value_problems(field: attrs.Attribute[Any], value: object) -> Problems:
    """Run a field's checks on a value of the right type; yield ``(key suffix, message)``."""
    if value is None:
        return
    for check in field.metadata.get("checks", ()):
        message = check(value)
        if message is not None:
            yield "", message
    item_checks = field.metadata.get("items", ())
    if item_checks and isinstance(value, tuple):
        for index, item in enumerate(value):
            for check in item_checks:
                message = check(item)
                if message is not None:
                    yield f"[{index}]", message


def instance_problems(instance: Any, path: str) -> list[str]:
    """Validate a built config object: field types, field checks, then cross-field rules.

    Args:
        instance: an attrs config object whose class defines ``_cross_problems``.
        path: the key path of the object (``connectivity``, ``mappings[*]``).

    Returns:
        Every problem, each prefixed with its key path.
    """
    problems: list[str] = []
    values: dict[str, Any] = {}
    for field in attrs.fields(type(instance)):
        value = getattr(instance, field.name)
        where = join(path, key_of(field))
        if not conforms(value, field.type):
            got = f"a {type(value).__name__}"
            shown = show(value)
            if not field.metadata.get("secret") and not shown.startswith("a "):
                got = f"{shown} ({got})"
            problems.append(f"{where}: must be {python_type(field.type)}, got {got}")
            continue
        found = [join(where, sfx) + f": {msg}" for sfx, msg in value_problems(field, value)]
        problems.extend(found)
        if not found:
            values[field.name] = value
    for key, message in type(instance)._cross_problems(values):
        problems.append(f"{join(path, key)}: {message}")
    return problems


class Validated:
    """Mixin: check every field and the cross-field rules once ``__init__`` has run."""

    __slots__ = ()
    _PATH: ClassVar[str] = ""

    def __attrs_post_init__(self) -> None:
        problems = instance_problems(self, self._PATH)
        if problems:
            raise ConfigurationError(problems)

    @classmethod
    def _cross_problems(cls, values: Mapping[str, Any]) -> Problems:
        """Yield ``(key, message)`` for rules that involve several keys.

        ``values`` holds only the keys whose own value is valid, so a rule skips quietly
        when one of its keys is missing.
        """
        return iter(())


# --- checks -------------------------------------------------------------------------------


def port_range(value: int) -> str | None:
    """A TCP port: 1-65535."""
    return None if 1 <= value <= 65535 else f"must be 1-65535, got {show(value)}"


def positive(value: float) -> str | None:
    """A number greater than zero (NaN is not)."""
    return None if value > 0 else f"must be greater than 0, got {show(value)}"


def non_negative(value: int) -> str | None:
    """An integer of 0 or more."""
    return None if value >= 0 else f"must be 0 or more, got {show(value)}"


def not_blank(value: str) -> str | None:
    """A string with something other than white space in it."""
    return None if value.strip() else "must not be empty"


def host(value: str) -> str | None:
    """A host name or IP address (not a URL)."""
    if "://" in value:
        return f'must be a host name or IP address, not a URL, got {show(value)} (use "security")'
    if not _HOST_RE.match(value):
        return f"must be a host name or IP address, got {show(value)}"
    return None


def env_name(value: str) -> str | None:
    """A POSIX environment variable name; a value that is not one is never echoed.

    People sometimes put the password itself under ``password_env``; so the message does
    not repeat the value.
    """
    if _ENV_RE.match(value):
        return None
    return "must be the name of an environment variable (letters, digits, _), not a value"


def attribute_name(value: str) -> str | None:
    """An LDAP attribute description (name or OID, options allowed; RFC 4512 section 2.5)."""
    if _ATTRIBUTE_RE.match(value):
        return None
    return f"must be an attribute name, got {show(value)}"


def attribute_or_dn(value: str) -> str | None:
    """An attribute name, or ``-dn-`` for the entry's DN (the ECMA2Host spelling)."""
    return None if value == DN_TARGET else attribute_name(value)


def aliased_attribute(value: str) -> str | None:
    """An attribute with a transfer option, such as ``userCertificate;binary`` (RFC 4522)."""
    if attribute_name(value) is None and ";" in value:
        return None
    return (
        f'must be an attribute with an option such as "userCertificate;binary", got {show(value)}'
    )


def not_object_class(value: str) -> str | None:
    """Anything but ``objectClass`` (which is multi-valued by definition)."""
    if value.lower() == "objectclass":
        return "objectClass cannot be treated as single-valued"
    return None


def unique(value: tuple[str, ...]) -> str | None:
    """No value listed twice (compared without case, as LDAP names are)."""
    seen: set[str] = set()
    for item in value:
        if item.lower() in seen:
            return f"lists {show(item)} more than once"
        seen.add(item.lower())
    return None


def dn(value: str) -> str | None:
    """A distinguished name (RFC 4514, read by :func:`ldapconnector.dn.parse_dn`)."""
    if not value.strip():
        return "must be a DN, got an empty string"
    try:
        parse_dn(value)
    except InvalidRequestError as error:
        return f"must be a DN: {error}"
    return None


def duplicates(items: Iterable[tuple[int, str]]) -> Iterator[tuple[int, int, str]]:
    """Yield ``(index, first index, value)`` for values seen before (case-insensitive)."""
    first: dict[str, int] = {}
    for index, value in items:
        folded = value.lower()
        if folded in first:
            yield index, first[folded], value
        else:
            first[folded] = index
