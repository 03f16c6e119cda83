"""The connector space: the link store (source id <-> anchor <-> last DN) and watermarks.

How this layer works: a :class:`LinkStore` remembers, for each source user, the anchor
of the directory entry it is linked to, the entry's last confirmed DN, its state (active,
disabled, deleted) and a hash of the attributes last written (:func:`attributes_hash`),
so renames, disables and deletes resolve and unchanged users cost nothing. It also keeps
one :class:`Watermark` per run profile and, for export correlation, what the last full
import saw of each entry (its DN and matching-attribute values only). The default backend,
:class:`SqliteLinkStore`, is one SQLite file (stdlib ``sqlite3``, WAL journal, a versioned
``meta`` table); ``SqliteLinkStore.in_memory()`` is the same code without a file.
``with store.batch():`` makes one transaction. Callers write a link only after the
directory confirmed the operation it records; an add is recorded first as an
:class:`Intent` (committed before it is sent), so a crash before the link commit leaves
an open intent that the next export resolves against the directory instead of adding
the user again. The store holds no passwords. :class:`PostgresLinkStore` (extra
``postgresql``, psycopg 3) keeps the same space in PostgreSQL for several workers: it also
implements :class:`SourceLocking` (one worker per source id at a time) and
:class:`Leasing` (one delta importer at a time). ``ldapconnector.testing.link_store_contract``
is the test suite every backend passes. Backends are chosen by name (``[space] backend``)
from a :class:`LinkStoreRegistry` (:func:`default_link_stores`: ``sqlite`` and
``postgresql``; :func:`installed_link_stores` adds those of the ``ldapconnector.link_stores``
entry points).
"""

from ldapconnector.space._hash import attributes_hash
from ldapconnector.space._model import ImportedObject, Intent, Link, LinkState, Watermark
from ldapconnector.space._postgres import DEFAULT_POSTGRES_SCHEMA, PostgresLinkStore
from ldapconnector.space._postgres_schema import POSTGRES_STORE_VERSION
from ldapconnector.space._registry import (
    LINK_STORES_ENTRY_POINT_GROUP,
    LinkStoreFactory,
    LinkStoreRegistry,
    LinkStoreSettings,
    LinkStoreSpec,
    default_link_stores,
    installed_link_stores,
)
from ldapconnector.space._sqlite import SqliteLinkStore
from ldapconnector.space._sqlite_schema import LINK_STORE_VERSION
from ldapconnector.space._store import (
    Leasing,
    LinksBySource,
    LinkStore,
    LinkStoreError,
    SourceLocking,
    links_by_source,
    source_lock,
)

__all__ = [
    "DEFAULT_POSTGRES_SCHEMA",
    "LINK_STORES_ENTRY_POINT_GROUP",
    "LINK_STORE_VERSION",
    "POSTGRES_STORE_VERSION",
    "ImportedObject",
    "Intent",
    "Leasing",
    "Link",
    "LinkState",
    "LinkStore",
    "LinkStoreError",
    "LinkStoreFactory",
    "LinkStoreRegistry",
    "LinkStoreSettings",
    "LinkStoreSpec",
    "LinksBySource",
    "PostgresLinkStore",
    "SourceLocking",
    "SqliteLinkStore",
    "Watermark",
    "attributes_hash",
    "default_link_stores",
    "installed_link_stores",
    "links_by_source",
    "source_lock",
]
