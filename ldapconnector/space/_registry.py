"""Link-store backends by name: the ``[space] backend`` key picks one from a registry.

A backend is one :class:`LinkStoreSpec` row: its name (what ``backend = "..."`` says) and
a factory that opens the store from :class:`LinkStoreSettings` (the ``[space]`` section
with its defaults applied and its DSN revealed). :func:`default_link_stores` holds the two
shipped backends, ``sqlite`` and ``postgresql``; a registry is immutable, and
:meth:`LinkStoreRegistry.with_store` returns a new one. Installed packages contribute
backends through the ``ldapconnector.link_stores`` entry points
(:func:`installed_link_stores`, what the command line opens its store with)::

    [project.entry-points."ldapconnector.link_stores"]
    redis = "my_package.store:REDIS_STORE"          # a LinkStoreSpec or an iterable of them

A backend passes ``ldapconnector.testing.link_store_contract`` like the shipped ones.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from importlib.metadata import EntryPoint
from types import MappingProxyType

import attrs

from ldapconnector._entry_points import add_entry_point_items
from ldapconnector.errors import ConfigurationError, LdapConnectorError, LinkStoreError
from ldapconnector.space._postgres import DEFAULT_POSTGRES_SCHEMA, PostgresLinkStore
from ldapconnector.space._sqlite import SqliteLinkStore
from ldapconnector.space._store import LinkStore

__all__ = [
    "LINK_STORES_ENTRY_POINT_GROUP",
    "LinkStoreFactory",
    "LinkStoreRegistry",
    "LinkStoreSettings",
    "LinkStoreSpec",
    "default_link_stores",
    "installed_link_stores",
]

#: The entry-point group that contributes link-store backends.
LINK_STORES_ENTRY_POINT_GROUP = "ldapconnector.link_stores"

# A backend name as `[space] backend` spells it (the config checks the same form).
_NAME = re.compile(r"[a-z][a-z0-9_-]*")

# What a store must have to be used as one (the LinkStore protocol's methods).
_METHODS = tuple(name for name in vars(LinkStore) if not name.startswith("_"))


@attrs.frozen(kw_only=True)
class LinkStoreSettings:
    """What a link-store factory is given: the ``[space]`` section, defaults applied.

    Attributes:
        backend: the backend's registered name.
        path: the store's file (relative paths already resolved); None keeps a SQLite
            space in memory. The command line fills in the default file for ``sqlite``.
        dsn: the connection string (``dsn_env``/``dsn_file``, revealed): it may carry a
            password, so it never shows in ``repr`` and factories must not put it into
            messages.
        schema: the namespace of this connector's space in a shared database (the
            PostgreSQL schema).
    """

    backend: str = "sqlite"
    path: str | None = None
    dsn: str | None = attrs.field(default=None, repr=False)
    schema: str = DEFAULT_POSTGRES_SCHEMA


LinkStoreFactory = Callable[[LinkStoreSettings], LinkStore]
"""Opens one backend's store from the settings."""


def _check_name(_instance: object, _attribute: object, name: str) -> None:
    if not _NAME.fullmatch(name):
        raise ValueError(f"link store name {name!r}: use lower-case letters, digits, - and _")


@attrs.frozen(kw_only=True)
class LinkStoreSpec:
    """One backend: the name ``[space] backend`` gives, and how its store is opened.

    Attributes:
        name: the backend's name (lower-case letters, digits, ``-`` and ``_``).
        factory: opens the store; it raises
            :class:`~ldapconnector.errors.LinkStoreError` (or ConfigurationError) when it
            cannot, any other exception is reported as a LinkStoreError.
        summary: one line for listings.
    """

    name: str = attrs.field(validator=_check_name)
    factory: LinkStoreFactory
    summary: str = ""


def _frozen_specs(value: Mapping[str, LinkStoreSpec]) -> Mapping[str, LinkStoreSpec]:
    for name, spec in value.items():
        if spec.name != name:
            raise ValueError(f"the {name!r} row holds the link store {spec.name!r}")
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class LinkStoreRegistry:
    """An immutable set of link-store backends, one :class:`LinkStoreSpec` per name.

    Attributes:
        specs: the rows, keyed by name.
    """

    specs: Mapping[str, LinkStoreSpec] = attrs.field(converter=_frozen_specs)

    @property
    def names(self) -> tuple[str, ...]:
        """The registered names, sorted."""
        return tuple(sorted(self.specs))

    def get(self, name: str) -> LinkStoreSpec | None:
        """The row of ``name``, or None."""
        return self.specs.get(name)

    def with_store(self, spec: LinkStoreSpec, *, replace: bool = False) -> LinkStoreRegistry:
        """A new registry holding these backends and ``spec``.

        Raises:
            ValueError: a backend of that name exists and ``replace`` is False.
        """
        if spec.name in self.specs and not replace:
            raise ValueError(
                f"a link store named {spec.name!r} is registered already; "
                "pass replace=True to replace it"
            )
        return LinkStoreRegistry(specs={**self.specs, spec.name: spec})

    def open(self, settings: LinkStoreSettings) -> LinkStore:
        """Open the store of ``settings.backend`` with its factory.

        Raises:
            ConfigurationError: no backend of that name is registered (the message
                suggests the closest name and lists them), or the factory's settings
                are incomplete, or it gave something that is not a link store.
            LinkStoreError: the backend could not open its store.
        """
        spec = self.specs.get(settings.backend)
        if spec is None:
            raise ConfigurationError([_unknown(settings.backend, self.names)])
        try:
            store = spec.factory(settings)
        except LdapConnectorError:
            raise
        except Exception as error:  # a plug-in's own failure, reported as the store's
            text = str(error).replace(settings.dsn, "***") if settings.dsn else str(error)
            raise LinkStoreError(
                f"the {spec.name!r} link store cannot be opened: {type(error).__name__}: {text}"
            ) from None
        missing = [name for name in _METHODS if not callable(getattr(store, name, None))]
        if missing:
            raise ConfigurationError(
                [f"space.backend: the {spec.name!r} factory gave a {type(store).__name__}, "
                 f"not a link store (it lacks {', '.join(missing)})"]
            )  # fmt: skip
        return store


def _unknown(name: str, names: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return (
        f"space.backend: no link store named {name!r} is registered{hint} "
        f"(registered: {', '.join(names)}; a plug-in adds one through the "
        f"{LINK_STORES_ENTRY_POINT_GROUP} entry points)"
    )


def _open_sqlite(settings: LinkStoreSettings) -> LinkStore:
    if settings.dsn is not None:
        raise ConfigurationError(['space.dsn_env: the "sqlite" link store takes no dsn'])
    if settings.path is None:
        return SqliteLinkStore.in_memory()
    return SqliteLinkStore.open(settings.path)


def _open_postgres(settings: LinkStoreSettings) -> LinkStore:
    if settings.dsn is None:
        raise ConfigurationError(
            ['space.dsn_env: required when backend is "postgresql": set dsn_env or dsn_file']
        )
    return PostgresLinkStore.connect(settings.dsn, schema=settings.schema)


_DEFAULT = LinkStoreRegistry(
    specs={
        "sqlite": LinkStoreSpec(
            name="sqlite", factory=_open_sqlite, summary="one SQLite file (or memory)"
        ),
        "postgresql": LinkStoreSpec(
            name="postgresql",
            factory=_open_postgres,
            summary="a PostgreSQL schema several workers share (extra postgresql)",
        ),
    }
)


def default_link_stores() -> LinkStoreRegistry:
    """The backends this version ships: ``sqlite`` and ``postgresql``."""
    return _DEFAULT


def installed_link_stores(
    points: Iterable[EntryPoint] | None = None, *, base: LinkStoreRegistry | None = None
) -> LinkStoreRegistry:
    """The shipped backends plus those installed packages contribute.

    Args:
        points: the entry points to read; default: the environment's
            ``ldapconnector.link_stores`` group.
        base: the registry to add to (default: :func:`default_link_stores`).

    Raises:
        ConfigurationError: an entry point cannot be loaded, gives something else than
            link-store rows, or names a backend that is registered already (each names
            the entry point and its distribution).
    """
    registry = base if base is not None else default_link_stores()
    return add_entry_point_items(
        group=LINK_STORES_ENTRY_POINT_GROUP,
        points=points,
        base=registry,
        kind=LinkStoreSpec,
        add=LinkStoreRegistry.with_store,
    )
