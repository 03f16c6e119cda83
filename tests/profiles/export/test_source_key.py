"""When an update's digest may cover the source record instead of the mapped record.

Only mappings whose every call is a built-in deterministic function qualify; the key
leaves out what only the password's mapping reads, and refuses values whose ``repr`` may
not be their content. A store shared by several workers reads its links per record.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ldapconnector.config import ApplyWhen, MappingConfig, MappingType
from ldapconnector.expressions import FunctionSpec, compile_expression, default_functions
from ldapconnector.mapping import MappingSet
from ldapconnector.profiles.export._memo import _recorded
from ldapconnector.profiles.export._source_key import SourceKey, _fingerprint, source_key
from ldapconnector.space import SqliteLinkStore


def _config(table: dict[str, Any]) -> MappingConfig:
    fields = dict(table, type=MappingType(table["type"]))
    if "apply" in fields:
        fields["apply"] = ApplyWhen(fields["apply"])
    return MappingConfig(**fields)


def _mappings(*tables: dict[str, Any], functions: Any = None) -> MappingSet:
    return MappingSet.compile([_config(table) for table in tables], functions=functions)


_CN = {"type": "direct", "source": "displayName", "target": "cn"}
_UID = {"type": "expression", "target": "uid", "expression": 'Word([upn], 1, "@")'}
_GID = {"type": "constant", "value": "10000", "target": "gidNumber"}
_PASSWORD = {"type": "direct", "source": "secret", "target": "userPassword", "apply": "create"}


def test_built_in_deterministic_mappings_key_on_the_keys_they_read() -> None:
    """The key covers the keys the mappings read (sorted), not the password's own."""
    key = source_key(_mappings(_CN, _UID, _GID, _PASSWORD), "userPassword")
    assert key is not None
    assert key.names == ("displayName", "upn")


@pytest.mark.parametrize(
    "expression",
    ["Now()", "Guid()", 'IIF([a]="x", RandomString(8, 1, 1, 1, 1), "y")',
     'SelectUniqueValue(Join("", [a], "1"), Join("", [a], "2"))'],
)  # fmt: skip
def test_a_call_that_is_not_deterministic_keys_on_the_mapped_record(expression: str) -> None:
    """Now(), Guid(), RandomString(), SelectUniqueValue: every record is mapped."""
    table = {"type": "expression", "target": "description", "expression": expression}
    assert source_key(_mappings(_CN, table), "userPassword") is None


def test_a_plug_in_function_keys_on_the_mapped_record() -> None:
    """A plug-in's answer may rest on more than its code, even when declared pure."""
    functions = default_functions().with_function(
        FunctionSpec(name="Initials", params=("String",), impl=lambda s: s[:1])
    )
    table = {"type": "expression", "target": "initials", "expression": "Initials([cn])"}
    assert source_key(_mappings(_CN, table, functions=functions), "userPassword") is None


def test_a_key_feeding_the_password_and_another_attribute_keys_on_the_mapped_record() -> None:
    """Keying on it would store a digest of the password."""
    described = {"type": "direct", "source": "secret", "target": "description"}
    assert source_key(_mappings(_CN, _PASSWORD, described), "userPassword") is None
    assert source_key(_mappings(_CN, _PASSWORD, described), "somethingElse") is not None


def test_expression_calls_name_each_function_once() -> None:
    """The functions an expression calls, as bound (IIF's branches included)."""
    text = 'Join("", Word([a], 1, "@"), IIF([b]="x", Now(), Word([c], 2, " ")))'
    expression = compile_expression(text)
    assert sorted(spec.name for spec in expression.calls) == ["IIF", "Join", "Now", "Word"]
    assert [spec.pure for spec in expression.calls if spec.name == "Now"] == [False]


def _key() -> SourceKey:
    return SourceKey(fingerprint="f", names=("a", "b"))


def test_the_key_tells_missing_from_null_and_keeps_types() -> None:
    """A missing key, null, 1, "1", True and 1.0 are all different keys."""
    values: list[Any] = [None, 1, "1", True, 1.0, [1], (1,), {"x": 1}]
    keys = [_key().of("u1", {"id": "u1", "a": value}) for value in values]
    keys.append(_key().of("u1", {"id": "u1"}))
    assert None not in keys
    assert len(set(keys)) == len(keys)


def test_the_key_covers_the_flags_and_the_id_but_no_other_key() -> None:
    """isSoftDeleted and @deleted count; a key no mapping reads does not."""
    plain = _key().of("u1", {"id": "u1", "a": "x"})
    assert _key().of("u1", {"id": "u1", "a": "x", "other": 5}) == plain
    assert _key().of("u2", {"id": "u2", "a": "x"}) != plain
    assert _key().of("u1", {"id": "u1", "a": "x", "isSoftDeleted": True}) != plain
    assert _key().of("u1", {"id": "u1", "a": "x", "@deleted": "true"}) != plain


class _Shown:
    def __repr__(self) -> str:
        return "'x'"


@pytest.mark.parametrize(
    "value",
    [datetime(2026, 1, 1, tzinfo=UTC), {1, 2}, b"x", _Shown(), ["a", _Shown()],
     {"k": _Shown()}, {1: "int key"}],
)  # fmt: skip
def test_a_value_that_is_not_plain_data_has_no_key(value: object) -> None:
    """Its ``repr`` may not be its whole content (or may vary): the record is mapped."""
    assert _key().of("u1", {"id": "u1", "a": value}) is None
    assert _key().of("u1", {"id": "u1", "other": value}) is not None  # not read: no matter


def test_the_fingerprint_follows_the_files_contents(tmp_path: Path) -> None:
    """Editing one file of the code that maps changes the fingerprint; a missing one gives none."""
    first, second = tmp_path / "a.py", tmp_path / "b.py"
    first.write_text("x = 1\n")
    second.write_text("y = 2\n")
    before = _fingerprint([first, second])
    assert _fingerprint([second, first]) == before
    second.write_text("y = 3\n")
    assert _fingerprint([first, second]) not in (before, None)
    assert _fingerprint([first, tmp_path / "gone.py"]) is None


class _SharedStore(SqliteLinkStore):
    """A SQLite store posing as one several workers share (it has a source lock)."""

    def lock_source(self, source_id: str) -> AbstractContextManager[None]:
        return nullcontext()


@pytest.fixture(name="shared")
def fixture_shared() -> Iterator[_SharedStore]:
    with _SharedStore.in_memory() as store:
        yield store


def test_a_shared_store_reads_links_per_record(shared: _SharedStore) -> None:
    """Another worker may change a link meanwhile: no links are read with the digests."""
    shared.put_reconciled_digests({"u1": "d"})
    assert _recorded(shared) == ({"u1": "d"}, None)
    with SqliteLinkStore.in_memory() as single:
        single.put_reconciled_digests({"u1": "d"})
        assert _recorded(single) == ({"u1": "d"}, {})  # a digest without a link: no fields
