"""``ConnectorConfig``: the whole config file, one object per section."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from ldapconnector.config import _checks as _c
from ldapconnector.config import _load
from ldapconnector.config._checks import Validated as _Validated
from ldapconnector.config._connectivity import ConnectivityConfig
from ldapconnector.config._object_types import ObjectTypeDefinition
from ldapconnector.config._rules import connector_problems
from ldapconnector.config._sections import (
    AttributeConfig,
    DeprovisioningConfig,
    GlobalConfig,
    MappingConfig,
    ObjectTypeConfig,
    RunProfilesConfig,
    SpaceConfig,
)
from ldapconnector.errors import ConfigurationError

__all__ = ["ConnectorConfig"]

_M = _c.meta


@attrs.frozen(kw_only=True)
class ConnectorConfig(_Validated):
    """The whole config file: one object per section (docs/configuration.md).

    Attributes:
        connectivity: the ``[connectivity]`` section (required).
        global_: the ``[global]`` section (``global`` is a Python keyword).
        run_profiles: the ``[run_profiles]`` section.
        object_type: the ``[object_type]`` section; required when there are mappings.
        attributes: the ``[[attributes]]`` tables.
        deprovisioning: the ``[deprovisioning]`` section.
        mappings: the ``[[mappings]]`` tables.
        space: the ``[space]`` section: where the connector space is kept.
        object_types: the ``[[object_types]]`` tables: several named object types (users,
            groups), instead of ``[object_type]`` with top-level ``[[mappings]]``; see
            :meth:`for_object_type`.
    """

    connectivity: ConnectivityConfig
    global_: GlobalConfig = attrs.field(factory=GlobalConfig, metadata=_M(key="global"))
    run_profiles: RunProfilesConfig = attrs.field(factory=RunProfilesConfig)
    object_type: ObjectTypeConfig | None = None
    attributes: tuple[AttributeConfig, ...] = ()
    deprovisioning: DeprovisioningConfig = attrs.field(factory=DeprovisioningConfig)
    mappings: tuple[MappingConfig, ...] = ()
    space: SpaceConfig = attrs.field(factory=SpaceConfig)
    object_types: tuple[ObjectTypeDefinition, ...] = ()

    @classmethod
    def from_file(
        cls,
        path: str | os.PathLike[str],
        *,
        compile_expression: Callable[[str], object] | None = None,
    ) -> ConnectorConfig:
        """Load a TOML config file.

        A literal ``password`` is refused: use ``password_env`` or ``password_file``.
        Relative file paths in the file (``ca_file``, ...) are relative to its directory.

        Args:
            path: the TOML file.
            compile_expression: if given, called on every mapping expression; an
                :class:`~ldapconnector.errors.ExpressionError` it raises becomes a problem.

        Returns:
            The valid configuration.

        Raises:
            ConfigurationError: listing every problem (unreadable file, bad TOML, bad keys).
        """
        return _load.load_file(cls, Path(path), compile_expression)

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        allow_literal_password: bool = False,
        base_dir: str | os.PathLike[str] | None = None,
        environ: Mapping[str, str] | None = None,
        compile_expression: Callable[[str], object] | None = None,
    ) -> ConnectorConfig:
        """Load a configuration from plain data shaped like the TOML file.

        Args:
            data: the sections, as ``tomllib`` would return them.
            allow_literal_password: accept ``connectivity.password`` (a string or a
                :class:`Secret`) for programmatic use; refused by default, as in files.
            base_dir: what relative file paths are relative to (default: the working
                directory).
            environ: where ``password_env`` is looked up (default: ``os.environ``).
            compile_expression: as for :meth:`from_file`.

        Returns:
            The valid configuration.

        Raises:
            ConfigurationError: listing every problem.
        """
        ctx = _load.LoadContext.create(
            allow_literal_password, base_dir, environ, compile_expression
        )
        return _load.load_one(cls, data, ctx)

    def to_dict(self) -> dict[str, Any]:
        """Return plain data that :meth:`from_dict` reads back (TOML-compatible).

        Passwords are never rendered: only ``password_env``/``password_file`` appear, so a
        configuration built with a literal password does not round-trip its password.
        """
        return _load.dump(self)

    @property
    def object_type_names(self) -> tuple[str, ...]:
        """The names of the ``[[object_types]]``, in file order (empty for ``[object_type]``)."""
        return tuple(t.name for t in self.object_types)

    def for_object_type(self, name: str) -> ConnectorConfig:
        """The single-type configuration of one ``[[object_types]]`` table.

        The result has that type as ``object_type``, its mappings as ``mappings`` and its
        ``deprovisioning`` (or the top-level one): what a
        :class:`~ldapconnector.Connector` and every run profile read. Give each object
        type its own link store (source ids of users and groups may coincide).

        Args:
            name: the object type's ``name``.

        Raises:
            ConfigurationError: no object type has that name.
        """
        return _object_type_view(self, name)

    def check_expressions(self, compile_expression: Callable[[str], object]) -> None:
        """Compile every expression mapping; the hook for the expressions layer.

        Args:
            compile_expression: e.g. ``ldapconnector.compile_expression``.

        Raises:
            ConfigurationError: one problem per expression that does not compile.
        """
        lists = [("", self.mappings)]
        lists += [(f"object_types[{i}].", t.mappings) for i, t in enumerate(self.object_types)]
        problems = [
            problem
            for prefix, mappings in lists
            for index, mapping in enumerate(mappings)
            for problem in _load.expression_problems(
                mapping, f"{prefix}mappings[{index}]", compile_expression
            )
        ]
        if problems:
            raise ConfigurationError(problems)

    @classmethod
    def _cross_problems(cls, values: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
        return connector_problems(values)


def _object_type_view(config: ConnectorConfig, name: str) -> ConnectorConfig:
    """``config`` narrowed to one ``[[object_types]]`` table (see ``for_object_type``)."""
    found = [t for t in config.object_types if t.name == name]
    if not found:
        listed = ", ".join(repr(t.name) for t in config.object_types) or "none"
        raise ConfigurationError([f"object_types: no object type {name!r} (configured: {listed})"])
    definition = found[0]
    object_type = ObjectTypeConfig(
        target=definition.target, anchor=definition.anchor,
        query_attribute=definition.query_attribute, auxiliary=definition.auxiliary,
        containers=definition.containers, membership=definition.membership,
    )  # fmt: skip
    return attrs.evolve(
        config, object_type=object_type, mappings=definition.mappings, object_types=(),
        deprovisioning=definition.deprovisioning or config.deprovisioning,
    )  # fmt: skip


attrs.resolve_types(ConnectorConfig)
