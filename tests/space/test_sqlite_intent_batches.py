"""``SqliteLinkStore.put_intents``: many intents, one commit, as durable as ``put_intent``."""

from __future__ import annotations

from pathlib import Path

import pytest

from ldapconnector.space import Intent, SqliteLinkStore


def _intents(count: int) -> list[Intent]:
    return [
        Intent(source_id=f"u{n}", dn=f"uid=u{n},dc=x", fingerprint={f"{n:02x}"})
        for n in range(count)
    ]


def test_intents_outside_a_batch_are_committed(tmp_path: Path) -> None:
    """Written outside a batch, the intents are in the file for the next process."""
    path = tmp_path / "state.sqlite"
    with SqliteLinkStore.open(path) as store:
        store.put_intents(_intents(3))
    with SqliteLinkStore.open(path) as store:
        assert [i.source_id for i in store.list_intents()] == ["u0", "u1", "u2"]


def test_intents_inside_a_batch_survive_its_rollback(tmp_path: Path) -> None:
    """Like put_intent: committed at once, so a later failure of the batch keeps them."""
    path = tmp_path / "state.sqlite"

    def failing_run(store: SqliteLinkStore) -> None:
        with store.batch():
            store.put_intents(_intents(2))
            store.resolve_intent("u0")  # undone by the rollback
            raise RuntimeError("the run failed")

    with SqliteLinkStore.open(path) as store, pytest.raises(RuntimeError):
        failing_run(store)
    with SqliteLinkStore.open(path) as store:
        assert [i.source_id for i in store.list_intents()] == ["u0", "u1"]


def test_no_intents_write_nothing() -> None:
    """An empty list is a no-op (no transaction is opened)."""
    with SqliteLinkStore.in_memory() as store:
        store.put_intents([])
        assert store.list_intents() == ()
