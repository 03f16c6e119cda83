"""Vendor rules from entry points: a package adds a product detection does not know.

In-process tests give the loader real ``EntryPoint`` objects naming rules of this module
(already imported, so the entry point loads it as an installed package's would be); one
test installs a distribution on a subprocess's path and runs the CLI, with no caller code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import EntryPoint
from pathlib import Path

import attrs
import pytest

from ldapconnector.detect import (
    VENDOR_RULES_ENTRY_POINT_GROUP,
    DeltaSource,
    DisableMethod,
    Signal,
    SignalKind,
    Vendor,
    VendorRule,
    Weight,
    default_rules,
    fingerprint,
    installed_vendor_rules,
)
from ldapconnector.errors import ConfigurationError

_ROOT = Path(__file__).parents[2]

CONTOSO_RULE = VendorRule(
    vendor=Vendor("contoso-dw"),
    product="Contoso Directory Works",
    signals=(Signal(kind=SignalKind.VENDOR_NAME, value="Contoso", weight=Weight.DECISIVE),),
    delta=(DeltaSource.TIMESTAMPS,),
    disable=DisableMethod(attribute="description", value="disabled"),
)
FORK_RULES = (
    attrs.evolve(CONTOSO_RULE, vendor=Vendor("fork-a"), signals=(
        Signal(kind=SignalKind.VENDOR_NAME, value="Fork A", weight=Weight.DECISIVE),)),
    attrs.evolve(CONTOSO_RULE, vendor=Vendor("fork-b"), signals=(
        Signal(kind=SignalKind.VENDOR_NAME, value="Fork B", weight=Weight.DECISIVE),)),
)  # fmt: skip
SECOND_OPENLDAP = attrs.evolve(default_rules().rule_for(Vendor.OPENLDAP))
NOT_A_RULE = {"vendor": "contoso-dw"}

ROOT_DSE = {
    "vendorName": ["Contoso"],
    "namingContexts": ["dc=contoso,dc=lab"],
    "supportedLDAPVersion": ["3"],
}


def _point(name: str, attribute: str) -> EntryPoint:
    group = VENDOR_RULES_ENTRY_POINT_GROUP
    return EntryPoint(name=name, value=f"{__name__}:{attribute}", group=group)


def test_a_contributed_rule_is_added_after_the_built_in_ones() -> None:
    """The entry point's rule joins the table; the built-in table itself is unchanged."""
    rules = installed_vendor_rules([_point("contoso", "CONTOSO_RULE")])
    assert rules.vendors == (*default_rules().vendors, Vendor("contoso-dw"))
    assert Vendor("contoso-dw") not in default_rules().vendors
    info = fingerprint(ROOT_DSE, rules=rules)
    assert info.vendor == Vendor("contoso-dw")
    assert info.product == "Contoso Directory Works"
    assert info.disable_method == DisableMethod(attribute="description", value="disabled")
    assert fingerprint(ROOT_DSE).vendor is Vendor.UNKNOWN


def test_an_entry_point_may_give_several_rules_and_they_load_in_name_order() -> None:
    """An iterable of rules is taken whole; entry points are read sorted by name."""
    points = [_point("zz-forks", "FORK_RULES"), _point("aa-contoso", "CONTOSO_RULE")]
    rules = installed_vendor_rules(points)
    assert rules.vendors[-3:] == (Vendor("contoso-dw"), Vendor("fork-a"), Vendor("fork-b"))


def test_nothing_given_adds_nothing_and_a_base_is_kept() -> None:
    """No entry points: the built-in table; ``base=`` is the set contributions join."""
    assert installed_vendor_rules(()) == default_rules()
    base = default_rules().without(Vendor.OPENLDAP)
    rules = installed_vendor_rules([_point("contoso", "CONTOSO_RULE")], base=base)
    assert Vendor.OPENLDAP not in rules.vendors
    assert Vendor("contoso-dw") in rules.vendors


def test_a_rule_for_a_vendor_the_table_has_is_refused_naming_the_entry_point() -> None:
    """A plug-in cannot silently shadow a built-in rule."""
    with pytest.raises(ConfigurationError, match=r"'again' .*a second rule for the same vendor"):
        installed_vendor_rules([_point("again", "SECOND_OPENLDAP")])


def test_something_else_than_a_rule_is_refused_naming_the_entry_point() -> None:
    """A dict is not a VendorRule row; a missing module is not a bare ImportError."""
    with pytest.raises(ConfigurationError, match=r"'bad' .*gives dict, not a VendorRule"):
        installed_vendor_rules([_point("bad", "NOT_A_RULE")])
    gone = EntryPoint(name="gone", value="nowhere_xyz:R", group=VENDOR_RULES_ENTRY_POINT_GROUP)
    with pytest.raises(ConfigurationError, match=r"'gone' .*cannot be loaded"):
        installed_vendor_rules([gone])


_PLUGIN = """
from ldapconnector.detect import Signal, SignalKind, Vendor, VendorRule, Weight

RULE = VendorRule(
    vendor=Vendor("contoso-dw"), product="Contoso Directory Works",
    signals=(Signal(kind=SignalKind.VENDOR_NAME, value="Contoso", weight=Weight.DECISIVE),),
)
"""


def test_the_fingerprint_command_uses_an_installed_packages_rule(tmp_path: Path) -> None:
    """`ldapconnector fingerprint` names the product of the installed rule, no caller code."""
    (tmp_path / "contoso_rules").mkdir()
    (tmp_path / "contoso_rules" / "__init__.py").write_text(_PLUGIN, encoding="utf-8")
    info = tmp_path / "contoso_rules-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: contoso-rules\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[{VENDOR_RULES_ENTRY_POINT_GROUP}]\ncontoso = contoso_rules:RULE\n", encoding="utf-8"
    )
    root = tmp_path / "root.ldif"
    root.write_text("dn:\nvendorName: Contoso\nsupportedLDAPVersion: 3\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(_ROOT)])}
    argv = ["fingerprint", "--root-dse", str(root), "--json"]
    done = subprocess.run(
        [sys.executable, "-c", f"from ldapconnector.cli import main; main({argv!r})"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["vendor"] == "contoso-dw"
