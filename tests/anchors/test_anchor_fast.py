"""The fast path of anchor decoding gives exactly what the codecs give, or stands aside."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldapconnector.anchors import (
    ANCHOR_STRATEGIES,
    Anchor,
    AnchorKind,
    anchor_of_entry,
    anchors_of_entries,
)
from ldapconnector.anchors._fast import FAST_CANONICAL
from ldapconnector.errors import InvalidRequestError
from ldapconnector.model import Entry

_HEX = "0123456789abcdefABCDEF"
uuid_texts = st.uuids().map(str) | st.uuids().map(lambda u: str(u).upper())
ns_unique_ids = st.lists(
    st.text(alphabet=_HEX, min_size=8, max_size=8), min_size=4, max_size=4
).map("-".join)
# Values the codecs accept in another spelling, or refuse: the fast path must not guess.
odd_texts = (
    uuid_texts.map(lambda text: "{" + text + "}")
    | uuid_texts.map(lambda text: f" {text} ")
    | st.text(max_size=40)
)
values = (
    st.binary(min_size=16, max_size=16)
    | st.binary(max_size=40)
    | uuid_texts
    | uuid_texts.map(str.encode)
    | ns_unique_ids
    | odd_texts
    | odd_texts.map(lambda text: text.encode("utf-8"))
)


def _slow(kind: AnchorKind, raw: str | bytes) -> str | None:
    try:
        return ANCHOR_STRATEGIES[kind].codec.decode(raw)
    except InvalidRequestError:
        return None


@given(kind=st.sampled_from(sorted(FAST_CANONICAL, key=lambda k: k.value)), raw=values)
def test_fast_path_agrees_with_the_codec(kind: AnchorKind, raw: str | bytes) -> None:
    """Whenever the fast path answers, the codec gives the same canonical value."""
    fast = FAST_CANONICAL[kind](raw)
    if fast is not None:
        assert fast == _slow(kind, raw)


@given(raw=st.binary(min_size=16, max_size=16))
def test_guids_take_the_fast_path(raw: bytes) -> None:
    """Binary GUIDs and RFC 4122 strings always decode without the codec, as uuid does."""
    assert FAST_CANONICAL[AnchorKind.OBJECT_GUID](raw) == str(uuid.UUID(bytes_le=raw))
    assert FAST_CANONICAL[AnchorKind.EDIRECTORY_GUID](raw) == str(uuid.UUID(bytes=raw))
    text = str(uuid.UUID(bytes=raw)).upper().encode()
    assert FAST_CANONICAL[AnchorKind.ENTRY_UUID](text) == str(uuid.UUID(bytes=raw))


@given(raw=values)
def test_anchors_from_the_fast_path_equal_checked_ones(raw: str | bytes) -> None:
    """An anchor built on the fast path equals (and hashes as) one built with checks."""
    fast = FAST_CANONICAL[AnchorKind.ENTRY_UUID](raw)
    if fast is None:
        return
    anchor = Anchor.from_directory(AnchorKind.ENTRY_UUID, raw)
    checked = Anchor(kind=AnchorKind.ENTRY_UUID, value=fast)
    assert anchor == checked
    assert hash(anchor) == hash(checked)


def test_unusable_values_still_raise() -> None:
    """A value the fast path leaves alone is refused by the codec as before."""
    with pytest.raises(InvalidRequestError, match="not a valid objectGUID"):
        Anchor.from_directory(AnchorKind.OBJECT_GUID, b"short")


@given(kind=st.sampled_from(sorted(FAST_CANONICAL, key=lambda k: k.value)), text=values)
def test_a_text_the_shortcut_keeps_is_what_normalize_gives(
    kind: AnchorKind, text: str | bytes
) -> None:
    """The constructor skips normalize for a text the shortcut returns unchanged: sound."""
    if not isinstance(text, str) or FAST_CANONICAL[kind](text) != text:
        return
    assert ANCHOR_STRATEGIES[kind].codec.normalize(text) == text
    assert Anchor(kind=kind, value=text).value == text


# An entry's attributes for an anchor attribute: absent, empty, spelled otherwise, or set.
def _entries(attribute: str) -> st.SearchStrategy[Entry]:
    names = st.sampled_from([attribute, attribute.lower(), attribute.upper()])
    attributes = st.dictionaries(names, st.lists(values, max_size=2).map(tuple), max_size=1)
    return st.builds(Entry, st.just("uid=a,dc=x"), attributes)


@given(
    kind=st.sampled_from(sorted(ANCHOR_STRATEGIES, key=lambda k: k.value)),
    data=st.data(),
)
def test_a_page_of_anchors_is_what_anchor_of_entry_gives(
    kind: AnchorKind, data: st.DataObject
) -> None:
    """anchors_of_entries (the full import's page at once) agrees with anchor_of_entry."""
    strategy = ANCHOR_STRATEGIES[kind]
    entries = data.draw(st.lists(_entries(strategy.attribute or "cn"), max_size=4))
    page = anchors_of_entries(entries, strategy)
    one_by_one = [anchor_of_entry(entry, strategy) for entry in entries]
    assert page == one_by_one
    assert [None if a is None else (a.kind, a.value, a.strategy) for a in page] == [
        None if a is None else (a.kind, a.value, a.strategy) for a in one_by_one
    ]
