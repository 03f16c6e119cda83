"""Load config objects from TOML or plain data, collecting *every* problem first.

The loader walks each table against the fields of its attrs class (``attrs.fields``):
unknown keys get a did-you-mean, each value is converted to the field's type (enum strings
to members, lists to tuples, sub-tables to objects), then the field's checks and the
class's cross-field rules run. Problems are collected in a :class:`LoadContext` with their
key paths; an object is built only when its table has none, and the caller raises one
:class:`~ldapconnector.errors.ConfigurationError` at the end. Credentials are read from
the environment or a file here and are never put into a message.
"""

from __future__ import annotations

import difflib
import enum
import os
import tomllib
import typing
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from ldapconnector.config import _checks as _c
from ldapconnector.config._secret import Secret
from ldapconnector.config._sections import MappingConfig, MappingType
from ldapconnector.errors import ConfigurationError, ExpressionError

Compile = Callable[[str], object]
_T = typing.TypeVar("_T")


@attrs.define
class LoadContext:
    """What one load needs to know, and the problems it found so far.

    Attributes:
        allow_literal_password: accept ``password`` itself (programmatic use only).
        base_dir: what relative file paths are relative to.
        environ: where ``password_env`` names are looked up.
        compile_expression: called on each mapping expression, when given.
        problems: the problems found, in order, without duplicates.
    """

    allow_literal_password: bool
    base_dir: Path
    environ: Mapping[str, str]
    compile_expression: Compile | None
    problems: list[str] = attrs.field(factory=list)

    @classmethod
    def create(
        cls,
        allow_literal_password: bool,
        base_dir: str | os.PathLike[str] | None,
        environ: Mapping[str, str] | None,
        compile_expression: Compile | None,
    ) -> LoadContext:
        """Build a context with the documented defaults (working directory, os.environ)."""
        return cls(
            allow_literal_password=allow_literal_password,
            base_dir=Path.cwd() if base_dir is None else Path(base_dir).absolute(),
            environ=os.environ if environ is None else environ,
            compile_expression=compile_expression,
        )

    def add(self, path: str, message: str) -> None:
        """Record a problem at a key path (a problem already recorded is not repeated)."""
        problem = f"{path}: {message}" if path else message
        if problem not in self.problems:
            self.problems.append(problem)


def load_file(cls: type[_T], path: Path, compile_expression: Compile | None) -> _T:
    """Read and load a TOML config file (see ``ConnectorConfig.from_file``)."""
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ConfigurationError([f"{path}: cannot read the file: {exc.strerror}"]) from None
    except UnicodeDecodeError:
        raise ConfigurationError([f"{path}: the file is not UTF-8 text"]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError([f"{path}: not valid TOML: {exc}"]) from None
    ctx = LoadContext.create(False, path.parent, None, compile_expression)
    return load_one(cls, data, ctx)


def load_one(cls: type[_T], data: object, ctx: LoadContext) -> _T:
    """Load one table as ``cls``; raise one ConfigurationError if anything is wrong."""
    result = load_table(cls, data, getattr(cls, "_PATH", ""), ctx)
    if ctx.problems:
        raise ConfigurationError(ctx.problems)
    return typing.cast(_T, result)


def load_table(cls: Any, data: object, path: str, ctx: LoadContext) -> Any:
    """Convert and check one table; return the object, or INVALID (problems recorded)."""
    if not isinstance(data, Mapping):
        ctx.add(path, f"must be a table, got {_c.show(data)}")
        return _c.INVALID
    start = len(ctx.problems)
    fields = {_c.key_of(f): f for f in attrs.fields(cls)}
    _unknown_keys(data, fields, path, ctx)
    values: dict[str, Any] = {}  # valid values, for building the object
    partial: dict[str, Any] = {}  # plus partly valid lists of tables, for the rules
    for key, field in fields.items():
        if field.metadata.get("secret"):
            continue
        before = len(ctx.problems)
        value = _load_field(field, data.get(key), _c.join(path, key), ctx)
        if value is not _c.INVALID and value is not _ABSENT:
            partial[field.name] = value
            if len(ctx.problems) == before:
                values[field.name] = value
    _load_secrets(cls, data, values, partial, path, ctx)
    defaults = {f.name: _default(f) for f in attrs.fields(cls) if not _given(f, data)}
    rule_values = {k: v for k, v in defaults.items() if v is not _ABSENT} | partial
    for key, message in cls._cross_problems(rule_values):
        ctx.add(_c.join(path, key), message)
    if len(ctx.problems) > start:
        return _c.INVALID
    return _build(cls, values, path, ctx)


_ABSENT: Any = object()


def _given(field: attrs.Attribute[Any], data: Mapping[str, Any]) -> bool:
    key = _c.key_of(field)
    keys = (key, f"{key}_env", f"{key}_file") if field.metadata.get("secret") else (key,)
    return any(data.get(k) is not None for k in keys)


def _default(field: attrs.Attribute[Any]) -> Any:
    default: Any = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return default.factory()
    return _ABSENT if default is attrs.NOTHING else default


def _build(cls: Any, values: Mapping[str, Any], path: str, ctx: LoadContext) -> Any:
    try:
        instance = cls(**values)
    except ConfigurationError as exc:  # a rule the loader missed: still report, not crash
        for problem in exc.problems:
            ctx.add("", problem)
        return _c.INVALID
    if ctx.compile_expression is not None and isinstance(instance, MappingConfig):
        for problem in expression_problems(instance, path, ctx.compile_expression):
            ctx.add("", problem)
    return instance


def _unknown_keys(
    data: Mapping[Any, Any], fields: Mapping[str, Any], path: str, ctx: LoadContext
) -> None:
    known = list(fields)
    for key in data:
        if key in fields:
            continue
        name = str(key)
        hint = _hint(name, fields)
        if hint:
            ctx.add(_c.join(path, name), hint)
            continue
        folded = {k.lower(): k for k in known}
        close = difflib.get_close_matches(name.lower(), list(folded), n=1, cutoff=0.6)
        if close:
            ctx.add(_c.join(path, name), f"unknown key; did you mean {_c.show(folded[close[0]])}?")
        else:
            listed = ", ".join(_c.show(k) for k in known)
            ctx.add(_c.join(path, name), f"unknown key; expected one of {listed}")


# Names people reach for, and the key that does the job here (checked before difflib).
_HINTS = (
    ("verif", "insecure_skip_certificate_verification"),
    ("insecure", "insecure_skip_certificate_verification"),
    ("bind_dn", "user"),
    ("binddn", "user"),
    ("ssl", "security"),
    ("tls", "security"),
    ("base", "containers"),
)


def _hint(name: str, fields: Mapping[str, Any]) -> str | None:
    folded = name.lower()
    for fragment, key in _HINTS:
        if fragment in folded and key in fields:
            extra = ""
            if key == "insecure_skip_certificate_verification":
                extra = " (the only switch that turns certificate verification off)"
            return f"unknown key; did you mean {_c.show(key)}?{extra}"
    return None


def _load_field(field: attrs.Attribute[Any], raw: object, path: str, ctx: LoadContext) -> Any:
    if raw is None:
        if field.default is attrs.NOTHING:
            ctx.add(path, "is required")
            return _c.INVALID
        return _ABSENT
    before = len(ctx.problems)
    value = convert(raw, field.type, path, ctx)
    if value is _c.INVALID or len(ctx.problems) > before:
        return value
    for suffix, message in _c.value_problems(field, value):
        ctx.add(_c.join(path, suffix), message)
    if len(ctx.problems) > before:
        return _c.INVALID
    if field.metadata.get("path"):
        return _existing_file(value, path, ctx)
    if field.metadata.get("location"):
        return str(_resolve(value, ctx))
    return value


def convert(raw: object, tp: Any, path: str, ctx: LoadContext) -> Any:
    """Convert plain data to a field type, recording a problem (and returning INVALID)."""
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if _c.is_union(tp):
        return _convert_union(raw, args, tp, path, ctx)
    if typing.get_origin(tp) is tuple:
        return _convert_list(raw, args[0], path, ctx)
    if isinstance(tp, type) and attrs.has(tp):
        return load_table(tp, raw, path, ctx)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        for member in tp:
            if raw == member.value:
                return member
    elif _c.conforms(raw, tp):
        return float(typing.cast(float, raw)) if tp is float else raw
    ctx.add(path, f"must be {_c.describe(tp)}, got {_c.show(raw)}")
    return _c.INVALID


def _convert_union(raw: object, args: list[Any], tp: Any, path: str, ctx: LoadContext) -> Any:
    if len(args) == 1:
        return convert(raw, args[0], path, ctx)
    for arg in args:  # a closed set of words, or a table (deprovisioning flows)
        if attrs.has(arg) and isinstance(raw, Mapping):
            return load_table(arg, raw, path, ctx)
        members: list[enum.Enum] = list(arg) if isinstance(arg, enum.EnumMeta) else []
        for member in members:
            if raw == member.value:
                return member
    tables = [a for a in args if attrs.has(a)]
    keys = ", ".join(f.name for t in tables for f in attrs.fields(t))
    words = " or ".join(_c.describe(a) for a in args if a not in tables)
    ctx.add(path, f"must be {words} or a table {{{keys}}}, got {_c.show(raw)}")
    return _c.INVALID


def _convert_list(raw: object, item_type: Any, path: str, ctx: LoadContext) -> Any:
    if not isinstance(raw, list | tuple):
        ctx.add(path, f"must be {_c.describe(tuple[item_type, ...])}, got {_c.show(raw)}")
        return _c.INVALID
    items = [convert(item, item_type, f"{path}[{i}]", ctx) for i, item in enumerate(raw)]
    if attrs.has(item_type):  # keep the valid tables so cross-item rules still run
        return tuple(None if item is _c.INVALID else item for item in items)
    return _c.INVALID if _c.INVALID in items else tuple(items)


def _resolve(value: str, ctx: LoadContext) -> Path:
    file = Path(value).expanduser()
    return file if file.is_absolute() else ctx.base_dir / file


def _existing_file(value: str, path: str, ctx: LoadContext) -> Any:
    file = _resolve(value, ctx)
    if not file.exists():
        ctx.add(path, f"file not found: {_c.quote(str(file))}")
    elif not file.is_file():
        ctx.add(path, f"not a regular file: {_c.quote(str(file))}")
    elif not os.access(file, os.R_OK):
        ctx.add(path, f"file not readable: {_c.quote(str(file))}")
    else:
        return str(file)
    return _c.INVALID


def _load_secrets(
    cls: Any,
    data: Mapping[str, Any],
    values: dict[str, Any],
    partial: dict[str, Any],
    path: str,
    ctx: LoadContext,
) -> None:
    for field in attrs.fields(cls):
        if not field.metadata.get("secret"):
            continue
        before = len(ctx.problems)
        secret = _load_secret(field.name, data, values, path, ctx)
        if secret is _c.INVALID or len(ctx.problems) > before:
            continue
        partial[field.name] = values[field.name] = secret


def _load_secret(
    name: str, data: Mapping[str, Any], values: Mapping[str, Any], path: str, ctx: LoadContext
) -> Any:
    where = _c.join(path, name)
    literal = data.get(name)
    env, file = f"{name}_env", f"{name}_file"
    if literal is not None:
        if not ctx.allow_literal_password:
            ctx.add(
                where,
                f"a literal {name} is refused in configuration; use {env} (an "
                f"environment variable name) or {file} (a file path) instead (from Python, "
                "for tests: from_dict(..., allow_literal_password=True))",
            )
        elif data.get(env) is not None or data.get(file) is not None:
            ctx.add(where, f"give only one of {name}, {env} and {file}")
        elif isinstance(literal, Secret):
            return literal
        elif not isinstance(literal, str):
            ctx.add(where, f"must be a string or a Secret, got a {type(literal).__name__}")
        elif literal:
            return Secret(literal)
        else:
            ctx.add(where, "must not be empty")
        return _c.INVALID
    if any(data.get(k) is not None and k not in values for k in (env, file)):
        return _c.INVALID  # the reference itself is wrong, and already reported
    if values.get(env) is not None and values.get(file) is not None:
        return _c.INVALID  # the class rule reports "give only one"
    if values.get(env) is not None:
        return _secret_from_env(values[env], _c.join(path, env), ctx)
    if values.get(file) is not None:
        return _secret_from_file(values[file], _c.join(path, file), ctx)
    return None


def _secret_from_env(variable: str, where: str, ctx: LoadContext) -> Any:
    value = ctx.environ.get(variable)
    if value is None:
        ctx.add(where, f"environment variable {_c.show(variable)} is not set")
    elif not value:
        ctx.add(where, f"environment variable {_c.show(variable)} is empty")
    else:
        return Secret(value)
    return _c.INVALID


def _secret_from_file(file: str, where: str, ctx: LoadContext) -> Any:
    try:
        text = Path(file).read_text(encoding="utf-8")
    except OSError as exc:
        ctx.add(where, f"cannot read {_c.quote(file)}: {exc.strerror}")
        return _c.INVALID
    except UnicodeDecodeError:
        ctx.add(where, f"{_c.quote(file)} is not UTF-8 text")
        return _c.INVALID
    text = text.rstrip("\r\n")
    if not text:
        ctx.add(where, f"{_c.quote(file)} is empty")
        return _c.INVALID
    return Secret(text)


def expression_problems(
    mapping: MappingConfig, path: str, compile_expression: Compile
) -> Iterator[str]:
    """Compile an expression mapping's text; yield a problem if it does not compile.

    Args:
        mapping: the mapping (other types yield nothing).
        path: its key path (``mappings[2]``).
        compile_expression: the expressions layer's compile function.

    Yields:
        ``mappings[2].expression: <first line of the error>``.
    """
    if mapping.type is not MappingType.EXPRESSION or mapping.expression is None:
        return
    try:
        compile_expression(mapping.expression)
    except ExpressionError as exc:
        first_line = (str(exc).splitlines() or [type(exc).__name__])[0]
        yield f"{_c.join(path, 'expression')}: {first_line}"


def dump(obj: Any) -> dict[str, Any]:
    """Render a config object as plain TOML-compatible data; secrets are left out."""
    out: dict[str, Any] = {}
    for field in attrs.fields(type(obj)):
        value = getattr(obj, field.name)
        if value is not None and not field.metadata.get("secret"):
            out[_c.key_of(field)] = _plain(value)
    return out


def _plain(value: object) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if attrs.has(type(value)):
        return dump(value)
    return value
