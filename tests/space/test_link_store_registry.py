"""Link-store backends chosen by ``[space] backend``: shipped ones and a third party's.

The third-party backend is :class:`DictLinkStore`, a small in-memory store written here
that passes the contract suite; it is chosen by configuration through an explicit
registry and through an entry point (a real ``EntryPoint`` naming this module's spec, and
an installed distribution the command line finds with no caller code).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import attrs
import pytest

from ldapconnector.anchors import Anchor
from ldapconnector.cli._state import open_store
from ldapconnector.config import ConnectorConfig, SpaceBackend
from ldapconnector.connector import link_store_settings, open_link_store
from ldapconnector.errors import ConfigurationError, LinkStoreError
from ldapconnector.space import (
    LINK_STORES_ENTRY_POINT_GROUP,
    ImportedObject,
    Intent,
    Link,
    LinksBySource,
    LinkState,
    LinkStoreSettings,
    LinkStoreSpec,
    PostgresLinkStore,
    SqliteLinkStore,
    Watermark,
    default_link_stores,
    installed_link_stores,
    links_by_source,
)
from ldapconnector.testing import PostgreSQLServer
from ldapconnector.testing.link_store_contract import LinkStoreContract, link

_ROOT = Path(__file__).parents[2]
_BASE = {"connectivity": {"host": "127.0.0.1", "binding": "anonymous", "security": "none"}}

_State = tuple[
    dict[str, Link], dict[str, Watermark], dict[str, Intent], dict[Anchor, Any], dict[str, Any]
]


class DictLinkStore:
    """A third-party backend: the connector space in dicts (one process, nothing kept).

    A batch saves a copy of the dicts and puts it back when the block raises; an intent
    commits the batch so far (the copies of open batches are taken again).
    """

    def __init__(self, settings: LinkStoreSettings) -> None:
        self.settings = settings
        self._links: dict[str, Link] = {}
        self._watermarks: dict[str, Watermark] = {}
        self._intents: dict[str, Intent] = {}
        self._imported: dict[Anchor, ImportedObject] = {}
        self._pending: dict[str, tuple[str, ...]] = {}
        self._saved: list[_State] = []

    def _state(self) -> _State:
        return (
            dict(self._links), dict(self._watermarks), dict(self._intents),
            dict(self._imported), dict(self._pending),
        )  # fmt: skip

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        self._saved.append(self._state())
        try:
            yield
        except BaseException:
            links, marks, intents, imported, pending = self._saved.pop()
            self._links, self._watermarks, self._intents, self._imported, self._pending = (
                links, marks, intents, imported, pending,
            )  # fmt: skip
            raise
        self._saved.pop()

    def _live(self, anchor: Anchor) -> Link | None:
        found = [k for k in self._links.values() if k.anchor == anchor]
        return next((k for k in found if k.state is not LinkState.DELETED), None)

    def get_by_source(self, source_id: str) -> Link | None:
        return self._links.get(source_id)

    def get_by_anchor(self, anchor: Anchor) -> Link | None:
        found = [k for k in self._links.values() if k.anchor == anchor]
        return self._live(anchor) or (found[0] if found else None)

    def get_by_dn(self, dn: str) -> Link | None:
        found = [k for k in self._links.values() if k.dn.casefold() == dn.casefold()]
        live = [k for k in found if k.state is not LinkState.DELETED]
        return (live or found or [None])[0]

    def put(self, link: Link) -> None:
        holder = self._live(link.anchor)
        if link.state is not LinkState.DELETED and holder and holder.source_id != link.source_id:
            raise LinkStoreError(f"the anchor is linked to {holder.source_id!r} already")
        self._links[link.source_id] = attrs.evolve(link, updated=link.updated.astimezone(UTC))

    def mark(self, source_id: str, state: LinkState) -> Link:
        if source_id not in self._links:
            raise LinkStoreError(f"no link for source id {source_id!r}")
        marked = attrs.evolve(self._links[source_id], state=state, updated=datetime.now(UTC))
        self.put(marked)
        return marked

    def remove(self, source_id: str) -> bool:
        return self._links.pop(source_id, None) is not None

    def iter_links(self, state: LinkState | None = None) -> Iterator[Link]:
        for source_id in sorted(self._links):
            if state is None or self._links[source_id].state is state:
                yield self._links[source_id]

    def count(self, state: LinkState | None = None) -> int:
        return sum(1 for _ in self.iter_links(state))

    def put_intent(self, intent: Intent) -> None:
        self._intents[intent.source_id] = intent
        self._saved = [self._state() for _ in self._saved]

    def get_intent(self, source_id: str) -> Intent | None:
        return self._intents.get(source_id)

    def list_intents(self) -> tuple[Intent, ...]:
        return tuple(self._intents[s] for s in sorted(self._intents))

    def resolve_intent(self, source_id: str, link: Link | None = None) -> bool:
        if source_id not in self._intents:
            return False
        if link is not None:
            self.put(link)
        del self._intents[source_id]
        return True

    def get_watermark(self, profile: str) -> Watermark | None:
        return self._watermarks.get(profile)

    def set_watermark(self, watermark: Watermark) -> None:
        self._watermarks[watermark.profile] = watermark

    def record_import(
        self, anchor: Anchor, dn: str, matching_values: Mapping[str, Sequence[str]]
    ) -> None:
        self.record_imports([ImportedObject(anchor=anchor, dn=dn, matching_values=matching_values)])

    def record_imports(self, objects: Iterable[ImportedObject]) -> None:
        self._imported.update((o.anchor, o) for o in objects)

    def live_links_by_anchor(self, anchors: Iterable[Anchor]) -> dict[Anchor, Link]:
        found = {anchor: self._live(anchor) for anchor in anchors}
        return {anchor: live for anchor, live in found.items() if live is not None}

    def find_by_matching(self, attribute: str, value: str) -> tuple[Anchor, ...]:
        def matches(o: ImportedObject) -> bool:
            return any(
                name.casefold() == attribute.casefold()
                and value.casefold() in (v.casefold() for v in values)
                for name, values in o.matching_values.items()
            )

        return tuple(o.anchor for o in self.iter_imported() if matches(o))

    def get_imported(self, anchor: Anchor) -> ImportedObject | None:
        return self._imported.get(anchor)

    def iter_imported(self) -> Iterator[ImportedObject]:
        yield from sorted(self._imported.values(), key=lambda o: o.anchor.value)

    def forget_import(self, anchor: Anchor) -> bool:
        return self._imported.pop(anchor, None) is not None

    def clear_imports(self) -> None:
        self._imported.clear()

    def imported_count(self) -> int:
        return len(self._imported)

    def put_pending_members(self, group_id: str, member_ids: Iterable[str]) -> None:
        members = tuple(sorted(set(member_ids)))
        if members:
            self._pending[group_id] = members
        else:
            self._pending.pop(group_id, None)

    def pending_members(self, group_id: str) -> tuple[str, ...]:
        return self._pending.get(group_id, ())

    def iter_pending_groups(self) -> Iterator[str]:
        yield from sorted(self._pending)

    def close(self) -> None:
        self._saved.clear()


MEMORY = LinkStoreSpec(name="memory", factory=DictLinkStore, summary="dicts, for tests")
SQLITE_AGAIN = LinkStoreSpec(name="sqlite", factory=DictLinkStore)
NOT_A_STORE = LinkStoreSpec(name="not-a-store", factory=lambda settings: settings)  # type: ignore[arg-type,return-value]
_DSN = "host=db.example password=s3cr3t-value"


def _broken(settings: LinkStoreSettings) -> DictLinkStore:
    raise OSError(f"cannot reach {settings.dsn}")


BROKEN = LinkStoreSpec(name="broken", factory=_broken)


def _point(name: str, attribute: str) -> EntryPoint:
    group = LINK_STORES_ENTRY_POINT_GROUP
    return EntryPoint(name=name, value=f"{__name__}:{attribute}", group=group)


def _space(**space: object) -> ConnectorConfig:
    return ConnectorConfig.from_dict({**_BASE, "space": space}, environ={"DSN": _DSN})


class TestDictLinkStore(LinkStoreContract):
    """The third-party backend passes the contract, opened by name through a registry."""

    @pytest.fixture(name="store")
    def fixture_store(self) -> Iterator[DictLinkStore]:
        """An empty store from the registry's ``memory`` backend."""
        store = default_link_stores().with_store(MEMORY).open(LinkStoreSettings(backend="memory"))
        assert isinstance(store, DictLinkStore)
        with contextlib.closing(store):
            yield store


def test_a_backend_without_a_batch_lookup_is_looked_up_one_id_at_a_time() -> None:
    """``links_by_source`` falls back to ``get_by_source`` for a store without it."""
    store = DictLinkStore(LinkStoreSettings(backend="memory"))
    assert not isinstance(store, LinksBySource)
    store.put(link("u1"))
    assert links_by_source(store, ["u1", "u2", "u1"]) == {"u1": link("u1")}


def test_a_third_party_backend_is_chosen_by_config_through_an_explicit_registry() -> None:
    """``backend = "memory"`` opens the registered factory, given the section's settings."""
    config = _space(backend="memory", path="/srv/space", dsn_env="DSN", schema="tenant_a")
    store = open_link_store(config.space, stores=default_link_stores().with_store(MEMORY))
    assert isinstance(store, DictLinkStore)
    assert store.settings == LinkStoreSettings(
        backend="memory", path="/srv/space", dsn=_DSN, schema="tenant_a"
    )
    assert "s3cr3t" not in repr(store.settings)


def test_a_third_party_backend_is_chosen_by_config_through_an_entry_point() -> None:
    """An entry point naming a LinkStoreSpec adds the backend; the config then picks it."""
    stores = installed_link_stores([_point("memory", "MEMORY")])
    assert stores.names == ("memory", "postgresql", "sqlite")
    assert default_link_stores().names == ("postgresql", "sqlite")
    store = open_link_store(_space(backend="memory").space, stores=stores)
    assert isinstance(store, DictLinkStore)
    store.put(link())
    assert store.count() == 1


def test_the_command_line_opens_the_configured_backend_and_state_overrides_it(
    tmp_path: Path,
) -> None:
    """open_store gives the plug-in's store; ``--state FILE`` is a SQLite file still."""
    config = _space(backend="memory")
    stores = default_link_stores().with_store(MEMORY)
    args = argparse.Namespace(config=str(tmp_path / "connector.toml"), state=None)
    assert isinstance(open_store(config, args, stores=stores), DictLinkStore)
    args.state = str(tmp_path / "override.sqlite")
    with contextlib.closing(open_store(config, args, stores=stores)) as store:
        assert isinstance(store, SqliteLinkStore)
    assert (tmp_path / "override.sqlite").exists()


def test_sqlite_stays_the_default_with_its_file_next_to_the_config(tmp_path: Path) -> None:
    """No ``[space]``: the SQLite file named after the config; ``in_memory`` keeps none."""
    default = str(tmp_path / "connector.state.sqlite")
    config = _space()
    assert config.space.backend is SpaceBackend.SQLITE
    with contextlib.closing(open_link_store(config.space, default_path=default)) as store:
        assert isinstance(store, SqliteLinkStore)
    assert Path(default).exists()
    settings = link_store_settings(_space(in_memory=True).space, default_path=default)
    assert settings.path is None
    assert link_store_settings(_space(backend="memory").space, default_path=default).path is None


def test_an_unknown_backend_suggests_the_registered_names() -> None:
    """A misspelt name is refused when the store is opened, with a did-you-mean."""
    stores = default_link_stores().with_store(MEMORY)
    with pytest.raises(ConfigurationError) as caught:
        open_link_store(_space(backend="memroy").space, stores=stores)
    message = str(caught.value)
    assert "space.backend: no link store named 'memroy' is registered" in message
    assert "did you mean 'memory'?" in message
    assert "registered: memory, postgresql, sqlite" in message
    with pytest.raises(ConfigurationError, match="no link store named 'redis'"):
        open_link_store(_space(backend="redis").space)


def test_a_plug_in_cannot_shadow_a_shipped_backend() -> None:
    """An entry point naming ``sqlite`` again is refused, naming the entry point."""
    with pytest.raises(ConfigurationError, match=r"'again' .*already"):
        installed_link_stores([_point("again", "SQLITE_AGAIN")])
    with pytest.raises(ConfigurationError, match=r"'odd' .*gives type, not a LinkStoreSpec"):
        installed_link_stores([_point("odd", "DictLinkStore")])


def test_a_factory_giving_no_store_or_failing_is_reported_without_the_dsn() -> None:
    """Not a store: ConfigurationError naming what it lacks; a crash: LinkStoreError, DSN hidden."""
    stores = default_link_stores().with_store(NOT_A_STORE).with_store(BROKEN)
    with pytest.raises(ConfigurationError, match=r"gave a LinkStoreSettings, not a link store"):
        open_link_store(_space(backend="not-a-store").space, stores=stores)
    with pytest.raises(LinkStoreError, match="'broken' link store cannot be opened") as caught:
        open_link_store(_space(backend="broken", dsn_env="DSN").space, stores=stores)
    assert "s3cr3t" not in str(caught.value)
    assert "OSError: cannot reach ***" in str(caught.value)


def test_the_command_line_finds_an_installed_backend(tmp_path: Path) -> None:
    """`ldapconnector export` opens the installed package's backend; nothing registers it."""
    (tmp_path / "vault_store").mkdir()
    (tmp_path / "vault_store" / "__init__.py").write_text(
        "from ldapconnector.errors import LinkStoreError\n"
        "from ldapconnector.space import LinkStoreSpec\n"
        "def _open(settings):\n"
        "    raise LinkStoreError(f'vault store reached, schema {settings.schema}')\n"
        "VAULT = LinkStoreSpec(name='vault', factory=_open)\n",
        encoding="utf-8",
    )
    info = tmp_path / "vault_store-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: vault-store\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        f"[{LINK_STORES_ENTRY_POINT_GROUP}]\nvault = vault_store:VAULT\n", encoding="utf-8"
    )
    config = tmp_path / "connector.toml"
    config.write_text(
        '[connectivity]\nhost = "127.0.0.1"\nbinding = "anonymous"\nsecurity = "none"\n'
        '[space]\nbackend = "vault"\nschema = "tenant_b"\n',
        encoding="utf-8",
    )
    source = tmp_path / "users.jsonl"
    source.write_text('{"id": "1"}\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(_ROOT)])}
    argv = ["export", "--config", str(config), "--source", str(source)]
    done = subprocess.run(
        [sys.executable, "-m", "ldapconnector", *argv],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert "vault store reached, schema tenant_b" in done.stderr
    assert done.returncode != 0


@pytest.mark.integration
@pytest.mark.postgresql
def test_the_postgresql_backend_is_chosen_by_config(postgresql_server: PostgreSQLServer) -> None:
    """``backend = "postgresql"`` with ``dsn_env`` opens that schema; the DSN never shows."""
    config = ConnectorConfig.from_dict(
        {**_BASE, "space": {"backend": "postgresql", "dsn_env": "DSN", "schema": "by_config"}},
        environ={"DSN": postgresql_server.dsn()},
    )
    settings = link_store_settings(config.space)
    assert postgresql_server.password not in repr(settings)
    with contextlib.closing(open_link_store(config.space)) as store:
        assert isinstance(store, PostgresLinkStore)
        assert store.schema == "by_config"
        store.put(link())
    with PostgresLinkStore.connect(postgresql_server.dsn(), schema="by_config") as again:
        assert again.get_by_source("u1") == link()
    wrong = postgresql_server.dsn().replace(postgresql_server.password, "not-the-password")
    refused = LinkStoreSettings(backend="postgresql", dsn=wrong, schema="by_config")
    with pytest.raises(LinkStoreError) as caught:
        default_link_stores().open(refused)
    assert "not-the-password" not in str(caught.value)


def test_each_object_type_gets_its_own_file_or_schema() -> None:
    """An object type's store: its name before the file's suffix, after the schema's name."""
    sqlite = _space().space
    settings = link_store_settings(sqlite, default_path="/srv/c.state.sqlite", object_type="groups")
    assert settings.path == "/srv/c.state.groups.sqlite"
    postgres = _space(backend="postgresql", dsn_env="DSN", schema="tenant_a").space
    settings = link_store_settings(postgres, object_type="groups")
    assert (settings.schema, settings.path) == ("tenant_a_groups", None)
    assert link_store_settings(postgres).schema == "tenant_a"
