"""AnchorRegistry: the built-ins by default, plug-in strategies added as new registries."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import attrs
import pytest

from ldapconnector.anchors import (
    ANCHORS_ENTRY_POINT_GROUP,
    Anchor,
    AnchorKind,
    AnchorRegistry,
    AnchorStrategy,
    anchor_of_entry,
    choose_anchor,
    default_anchors,
    installed_anchors,
    strategy_for,
)
from ldapconnector.errors import ConfigurationError, InvalidRequestError
from ldapconnector.model import Entry, SearchScope
from ldapconnector.testing.anchor_plugin import ENTRY_UUID_HEX

UUID = "597ae2f6-16a6-1027-98f4-d28b5365dc14"
HEX = "597AE2F616A6102798F4D28B5365DC14"


def test_the_default_registry_holds_the_built_in_kinds() -> None:
    """default_anchors() is the strategies table, in its order, and never changes."""
    registry = default_anchors()
    assert registry.kinds == AnchorKind.builtins()
    assert [s.kind for s in registry] == list(AnchorKind.builtins())
    plugged = registry.with_strategy(ENTRY_UUID_HEX)
    assert plugged.names[-1] == "entryUUIDHex"
    assert len(plugged) == len(registry) + 1
    assert "entryUUIDHex" not in default_anchors()


@pytest.mark.parametrize("name", ["entryUUIDHex", "ENTRYUUIDHEX", " entryuuidhex "])
def test_lookup_ignores_case(name: str) -> None:
    """A plug-in's kind is found by its name in any case, as attribute names are."""
    plugged = default_anchors().with_strategy(ENTRY_UUID_HEX)
    assert plugged.strategy(name) is ENTRY_UUID_HEX
    assert name in plugged


@pytest.mark.parametrize("name", ["dn", "-dn-", "_distinguishedName", "DN"])
def test_every_dn_spelling_finds_the_dn(name: str) -> None:
    """The ECMA2Host spellings of the DN find the built-in dn strategy."""
    assert default_anchors().strategy(name) is strategy_for(AnchorKind.DN)


def test_an_unknown_name_suggests_the_registered_ones() -> None:
    """A misspelt kind gets a did-you-mean from the registry in use, plug-ins included."""
    plugged = default_anchors().with_strategy(ENTRY_UUID_HEX)
    with pytest.raises(ConfigurationError) as caught:
        plugged.strategy("entryUUIDhx")
    (problem,) = caught.value.problems
    assert 'did you mean "entryUUIDHex"?' in problem
    assert '"objectGUID"' in problem
    assert '"entryUUIDHex"' in problem
    assert plugged.get("entryUUIDhx") is None


def test_a_clash_is_refused_unless_replacing() -> None:
    """A second strategy for a kind needs replace=True; the dn row is never replaced."""
    plugged = default_anchors().with_strategy(ENTRY_UUID_HEX)
    with pytest.raises(ConfigurationError, match="registered already"):
        plugged.with_strategy(ENTRY_UUID_HEX)
    assert plugged.with_strategy(ENTRY_UUID_HEX, replace=True).strategy("entryUUIDHex")
    dn = strategy_for("dn")
    with pytest.raises(ConfigurationError, match="dn strategy cannot be replaced"):
        default_anchors().with_strategy(dn, replace=True)
    with pytest.raises(ConfigurationError, match="needs the built-in dn strategy"):
        AnchorRegistry([strategy_for("entryUUID")])


def test_a_plugged_anchor_round_trips_through_its_codec() -> None:
    """The canonical text is the plug-in's; the filter and lookup carry the server's form."""
    plugged = default_anchors().with_strategy(ENTRY_UUID_HEX)
    anchor = plugged.from_directory("entryUUIDHex", UUID.encode("ascii"))
    assert anchor.value == HEX
    assert anchor.kind == AnchorKind("entryUUIDHex")
    assert anchor == plugged.parse("entryuuidhex", "{" + UUID.upper() + "}")
    assert anchor.key == f"entryUUIDHex:{HEX.casefold()}"
    assert anchor.to_directory_value() == UUID
    assert anchor.search_filter() == f"(entryUUID={UUID})"
    plan = anchor.lookup_plan("dc=contoso,dc=lab")
    assert (plan.scope, plan.attributes) == (SearchScope.SUBTREE, ("entryUUID",))
    assert plan.search_filter == f"(entryUUID={UUID})"
    # Not the built-in entryUUID anchor, though it reads the same attribute.
    assert anchor != Anchor.parse("entryUUID", UUID)


def test_a_plugged_kind_takes_the_generic_path() -> None:
    """Only the built-in codecs have a shortcut; a plug-in's codec decodes every entry."""
    assert ENTRY_UUID_HEX._fast is None
    assert strategy_for("entryUUID")._fast is not None
    entry = Entry(dn="uid=a,dc=x", attributes={"entryUUID": (UUID,)})
    anchor = anchor_of_entry(entry, ENTRY_UUID_HEX)
    assert anchor is not None
    assert anchor.value == HEX
    assert anchor.strategy is ENTRY_UUID_HEX


def test_a_plugin_codec_error_is_a_refusal_not_a_crash() -> None:
    """A ValueError of the plug-in's codec becomes InvalidRequestError naming the kind."""
    with pytest.raises(InvalidRequestError, match="not a valid entryUUIDHex value: 'nope'"):
        Anchor.parse(ENTRY_UUID_HEX, "nope")
    entry = Entry(dn="uid=a,dc=x", attributes={"entryUUID": ("nope",)})
    assert anchor_of_entry(entry, ENTRY_UUID_HEX) is None


def test_an_anchor_of_a_plugged_kind_needs_its_strategy() -> None:
    """Without the strategy the constructor refuses, naming the kind and the way to do it."""
    with pytest.raises(InvalidRequestError, match="'entryUUIDHex' is not built in"):
        Anchor(kind=AnchorKind("entryUUIDHex"), value=HEX)
    with pytest.raises(InvalidRequestError, match="strategy"):
        Anchor(kind=AnchorKind.ENTRY_UUID, value=UUID, strategy=ENTRY_UUID_HEX)
    with pytest.raises(InvalidRequestError, match="not in canonical form"):
        Anchor(kind=ENTRY_UUID_HEX.kind, value=UUID, strategy=ENTRY_UUID_HEX)


def test_choose_anchor_looks_the_name_up_in_the_registry() -> None:
    """The configured plug-in kind is chosen, and the schema check is on its attribute."""
    plugged = default_anchors().with_strategy(ENTRY_UUID_HEX)
    assert choose_anchor("entryUUIDHex", "entryUUID", anchors=plugged) is ENTRY_UUID_HEX
    with pytest.raises(ConfigurationError, match="not an anchor kind"):
        choose_anchor("entryUUIDHex", "entryUUID")
    with pytest.raises(ConfigurationError, match='"entryUUID" is not an attribute'):
        choose_anchor("entryUUIDHex", None, lambda name: None, anchors=plugged)


def test_a_strategy_reads_an_attribute() -> None:
    """A strategy's attribute is an attribute type name or OID; only dn reads the DN."""
    codec = ENTRY_UUID_HEX.codec
    with pytest.raises(ConfigurationError, match="not an attribute type name"):
        AnchorStrategy(
            kind=AnchorKind("x"), attribute="two words", binary=False, rename_safe=True,
            operational=False, codec=codec,
        )  # fmt: skip
    with pytest.raises(ConfigurationError, match="reads the DN"):
        AnchorStrategy(
            kind=AnchorKind("dn"), attribute="cn", binary=False, rename_safe=False,
            operational=False, codec=codec,
        )  # fmt: skip


# -- entry points -------------------------------------------------------------------------


def test_no_entry_points_add_nothing() -> None:
    """installed_anchors(()) is the built-ins."""
    assert installed_anchors(()).names == default_anchors().names


def test_an_entry_point_contributes_a_strategy() -> None:
    """An entry point naming a strategy adds it to the built-ins (a new registry)."""
    point = EntryPoint(
        name="entry_uuid_hex", value="ldapconnector.testing.anchor_plugin:ENTRY_UUID_HEX",
        group=ANCHORS_ENTRY_POINT_GROUP,
    )  # fmt: skip
    registry = installed_anchors([point])
    assert registry.names == (*default_anchors().names, "entryUUIDHex")
    assert registry.strategy("entryuuidhex") is ENTRY_UUID_HEX
    # Given twice (two packages contributing one kind), the second is refused.
    with pytest.raises(ConfigurationError, match="registered already"):
        installed_anchors([point], base=registry)


def test_an_entry_point_giving_something_else_is_named() -> None:
    """A plug-in that gives no strategies is an error naming the entry point."""
    point = EntryPoint(name="broken", value="json:loads", group=ANCHORS_ENTRY_POINT_GROUP)
    with pytest.raises(ConfigurationError, match=r"'broken' .*not a AnchorStrategy"):
        installed_anchors([point])


def test_an_entry_point_that_fails_to_import_is_named() -> None:
    """A missing module is reported with the entry point, not as a bare ImportError."""
    point = EntryPoint(name="gone", value="no_such_module_xyz:S", group=ANCHORS_ENTRY_POINT_GROUP)
    with pytest.raises(ConfigurationError, match=r"'gone' .*cannot be loaded"):
        installed_anchors([point])


def test_a_plugin_cannot_shadow_a_built_in_kind() -> None:
    """Contributing the built-in rows again is refused, naming the entry point."""
    point = EntryPoint(
        name="again", value="ldapconnector.anchors._strategy:_STRATEGIES",
        group=ANCHORS_ENTRY_POINT_GROUP,
    )  # fmt: skip
    with pytest.raises(ConfigurationError, match=r"'again'.*cannot be replaced"):
        installed_anchors([point])


def test_a_replaced_built_in_kind_loses_its_shortcut_and_the_change_logs() -> None:
    """Replacing entryUUID's codec: the new codec decodes; the logs' readers refuse it."""
    from ldapconnector.detect import DeltaSource
    from ldapconnector.profiles.delta import make_reader

    replaced = attrs.evolve(strategy_for("entryUUID"), codec=ENTRY_UUID_HEX.codec)
    registry = default_anchors().with_strategy(replaced, replace=True)
    assert registry.strategy("entryUUID") is replaced
    assert replaced._fast is None
    entry = Entry(dn="uid=a,dc=x", attributes={"entryUUID": (UUID,)})
    assert anchor_of_entry(entry, replaced) == Anchor.parse(replaced, HEX)
    for source in (DeltaSource.ACCESSLOG, DeltaSource.CHANGELOG):
        with pytest.raises(ConfigurationError, match="a plug-in's strategy replaced"):
            make_reader(source, change_log_dn=None, anchor_strategy=replaced, bases=("dc=x",))
    make_reader(DeltaSource.TIMESTAMPS, change_log_dn=None, anchor_strategy=replaced, bases=())
