"""The space values: attributes_hash, Link and Watermark validation."""

from __future__ import annotations

import doctest
import hashlib
import json
import random
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldapconnector.anchors import Anchor
from ldapconnector.space import ImportedObject, Link, Watermark, attributes_hash
from ldapconnector.space import _hash as hash_module
from ldapconnector.space._hash import AttributeValue

ANCHOR = Anchor.parse("entryUUID", "597ae2f6-16a6-1027-98f4-d28b5365dc14")


def test_doctests() -> None:
    """The examples in the attributes_hash docstring hold."""
    result = doctest.testmod(hash_module)
    assert result.attempted > 0
    assert result.failed == 0


def test_hash_golden_value() -> None:
    """The hash of a fixed mapping is stable across versions (a change re-exports everyone)."""
    digest = attributes_hash({"cn": "Britta Simon", "mail": ["b@x", "a@x"], "photo": b"\x00\x5c"})
    assert digest == attributes_hash(
        {"MAIL": ("a@x", "b@x"), "CN": ["Britta Simon"], "photo": [b"\x00\x5c"]}
    )
    canonical = '{"cn":["Britta Simon"],"mail":["a@x","b@x"],"photo":[{"base64":"AFw="}]}'
    assert digest == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert digest == "a7156fd1712e9d0ac818e276518c80bd5b4bd09b61ba4ce9fd32722801acd2b5"


def test_hash_keeps_value_case_and_types_apart() -> None:
    """Value case matters, and bytes differ from the same text."""
    assert attributes_hash({"sn": "Simon"}) != attributes_hash({"sn": "simon"})
    assert attributes_hash({"sn": "abc"}) != attributes_hash({"sn": b"abc"})


def test_hash_ldap_booleans_and_integers() -> None:
    """bool is the RFC 4517 TRUE/FALSE and int its decimal string."""
    assert attributes_hash({"nsAccountLock": True}) == attributes_hash({"nsaccountlock": "TRUE"})
    assert attributes_hash({"uidNumber": 1000}) == attributes_hash({"uidnumber": "1000"})


def test_hash_empty_equals_absent() -> None:
    """An attribute with no values hashes like an absent one."""
    assert attributes_hash({"mail": [], "cn": "a"}) == attributes_hash({"cn": "a"})


def test_hash_refuses_other_types() -> None:
    """A value that is not str, bytes, int or bool is a TypeError."""
    with pytest.raises(TypeError, match="float"):
        attributes_hash({"x": [1.5]})  # type: ignore[list-item]


values = st.one_of(st.text(max_size=5), st.binary(max_size=5), st.integers(), st.booleans())


@given(
    attributes=st.dictionaries(
        st.sampled_from(["cn", "mail", "sn", "photo"]), st.lists(values, max_size=4), max_size=4
    ),
    seed=st.randoms(use_true_random=False),
)
def test_hash_ignores_name_case_and_value_order(
    attributes: dict[str, list[AttributeValue]], seed: random.Random
) -> None:
    """Upper-casing names and shuffling values never changes the hash."""
    shuffled: dict[str, list[AttributeValue]] = {}
    for name, found in attributes.items():
        copy = list(found)
        seed.shuffle(copy)
        shuffled[name.upper()] = copy
    assert attributes_hash(shuffled) == attributes_hash(attributes)


def _reference_hash(attributes: dict[str, list[AttributeValue]]) -> str:
    """The hash as first defined: every value's sort key through ``json.dumps``."""
    merged: dict[str, dict[str, object]] = {}
    for name, values in attributes.items():
        for value in values:
            encoded = hash_module._encode(value)
            key = json.dumps(encoded, sort_keys=True, ensure_ascii=False)
            merged.setdefault(name.strip().lower(), {})[key] = encoded
    canonical = {n: [f[k] for k in sorted(f)] for n, f in merged.items() if f}
    document = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


_HASH_VALUES = st.text(max_size=6) | st.binary(max_size=4) | st.integers() | st.booleans()


@given(st.dictionaries(st.sampled_from(["cn", "CN", " mail", "x"]), st.lists(_HASH_VALUES)))
def test_hash_matches_the_json_dumps_definition(
    attributes: dict[str, list[AttributeValue]],
) -> None:
    """Strings' sort keys skip json.dumps; the hash (stored in every link) stays the same.

    Text covers quotes, backslashes, control characters, surrogates and non-ASCII.
    """
    assert attributes_hash(attributes) == _reference_hash(attributes)


def test_link_validation() -> None:
    """A link needs a source id, a DN, an aware time and a real digest."""
    with pytest.raises(ValueError, match="source_id"):
        Link(source_id="", anchor=ANCHOR, dn="cn=a")
    with pytest.raises(ValueError, match="updated"):
        Link(source_id="u", anchor=ANCHOR, dn="cn=a", updated=datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="attributes_hash"):
        Link(source_id="u", anchor=ANCHOR, dn="cn=a", attributes_hash="not-a-digest")
    with pytest.raises(TypeError):
        Link(source_id="u", anchor="entryUUID=x", dn="cn=a")  # type: ignore[arg-type]


def test_watermark_validation() -> None:
    """A watermark needs a profile and an aware time; its value is opaque."""
    assert Watermark(profile="p", value="").value == ""
    with pytest.raises(ValueError, match="profile"):
        Watermark(profile=" ", value="1")
    with pytest.raises(ValueError, match="taken_at"):
        Watermark(profile="p", value="1", taken_at=datetime(2024, 1, 1))


def test_imported_object_freezes_its_values() -> None:
    """The matching values of an ImportedObject cannot be changed in place."""
    found = ImportedObject(anchor=ANCHOR, dn="cn=a", matching_values={"mail": ["a@x"]})
    assert found.matching_values == {"mail": ("a@x",)}
    with pytest.raises(TypeError):
        found.matching_values["mail"] = ("b@x",)  # type: ignore[index]
