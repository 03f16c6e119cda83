"""The link store's cost per exported record, PostgreSQL against SQLite, without LDAP.

Replays what an export asks of its store for each record, in batches of ``--page``
records (the runner's batch per page): a created user takes its source lock, reads its
link, records its intent (committed at once) and resolves it with the new link; an
unchanged user takes its lock and reads its link. One throwaway PostgreSQL on loopback
(``ldapconnector.testing.PostgreSQLServer``, no fsync) and one SQLite file (WAL) in a
temp dir. Prints microseconds per record for each store and their ratio; asserts nothing
about time. On PostgreSQL each statement is a round trip, so the figure follows the
round trips per record more than the statements' own cost.

    .venv/bin/python benchmarks/bench_postgres_store.py [--records 5000] [--page 100]
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ldapconnector.anchors import Anchor, AnchorKind
from ldapconnector.space import Intent, Link, LinkStore, PostgresLinkStore, SqliteLinkStore
from ldapconnector.space import source_lock as lock_of
from ldapconnector.testing import PostgreSQLServer


def _created(store: LinkStore, number: int) -> None:
    source_id = f"src-{number:06d}"
    with lock_of(store, source_id):
        store.get_by_source(source_id)
        dn = f"uid=u{number},ou=people,dc=contoso,dc=lab"
        store.put_intent(Intent(source_id=source_id, dn=dn, fingerprint={"ab12"}))
        anchor = Anchor.parse(AnchorKind.ENTRY_UUID, f"{number:08x}-0000-4000-8000-000000000000")
        store.resolve_intent(source_id, Link(source_id=source_id, anchor=anchor, dn=dn))


def _unchanged(store: LinkStore, number: int) -> None:
    source_id = f"src-{number:06d}"
    with lock_of(store, source_id):
        store.get_by_source(source_id)


def _per_record(
    store: LinkStore, step: Callable[[LinkStore, int], None], args: argparse.Namespace
) -> float:
    started = time.perf_counter()
    for first in range(0, args.records, args.page):
        with store.batch():
            for number in range(first, min(first + args.page, args.records)):
                step(store, number)
    return (time.perf_counter() - started) / args.records * 1e6


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--page", type=int, default=100)
    args = parser.parse_args()
    with PostgreSQLServer() as pg, tempfile.TemporaryDirectory() as tmp:
        stores: dict[str, Callable[[], contextlib.AbstractContextManager[LinkStore]]] = {
            "sqlite": lambda: SqliteLinkStore.open(Path(tmp) / "links.sqlite"),
            "postgresql": lambda: PostgresLinkStore.connect(pg.dsn(), schema="bench"),
        }
        figures: dict[str, dict[str, float]] = {}
        for name, opened in stores.items():
            with opened() as store:
                figures[name] = {
                    "created": _per_record(store, _created, args),
                    "unchanged": _per_record(store, _unchanged, args),
                }
        for step in ("created", "unchanged"):
            sqlite, postgres = figures["sqlite"][step], figures["postgresql"][step]
            print(
                f"{step:>9}: sqlite {sqlite:7.0f} us/record, postgresql {postgres:7.0f} us/record"
                f" (x{postgres / sqlite:.1f})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
