"""Vendor rules as an extension point: an in-house product detected like the built-ins."""

from __future__ import annotations

import attrs
import pytest

from ldapconnector.detect import (
    AnchorCandidate,
    Confidence,
    DeltaSource,
    DisableMethod,
    ProductRule,
    Signal,
    SignalKind,
    Vendor,
    VendorRule,
    VendorRules,
    VersionRule,
    Weight,
    default_rules,
    fingerprint,
    format_server_info,
    render_vendor_matrix,
    root_dse_attributes_to_request,
)
from ldapconnector.errors import DetectionError, LdapConnectorError

IN_HOUSE = Vendor("in-house")

ACME_ROOT_DSE = {
    "objectClass": ["top"],
    "vendorName": ["Acme Directory Works"],
    "vendorVersion": ["AcmeDir 3.2.1 (build 77)"],
    "namingContexts": ["o=acme"],
    "acmeClusterName": ["prod-eu"],
    "supportedControl": ["1.2.840.113556.1.4.319", "1.3.6.1.4.1.99999.2.1"],
    "changelog": ["cn=changelog"],
    "lastChangeNumber": ["42"],
}

ACME_RULE = VendorRule(
    vendor=IN_HOUSE,
    product="Acme Directory",
    signals=(
        Signal(kind=SignalKind.VENDOR_NAME, value=r"^Acme Directory", weight=Weight.STRONG),
        Signal(kind=SignalKind.ATTRIBUTE, value="acmeClusterName", weight=Weight.STRONG),
        Signal(kind=SignalKind.CONTROL, value="1.3.6.1.4.1.99999.*"),
    ),
    products=(
        ProductRule(
            product="Acme Directory Cluster",
            signals=(Signal(kind=SignalKind.ATTRIBUTE, value="acmeClusterName"),),
        ),
    ),
    versions=(VersionRule(attribute="vendorVersion", pattern=r"AcmeDir (?P<version>[\d.]+)"),),
    anchors=(AnchorCandidate(attribute="acmeGUID", note="Acme's immutable id"),),
    delta=(DeltaSource.CHANGELOG, DeltaSource.TIMESTAMPS),
    change_log="cn=changelog",
    disable=DisableMethod(attribute="acmeDisabled", value="TRUE"),
    sources=("Acme Directory admin guide",),
)


def test_an_in_house_rule_flows_through_fingerprint_like_a_built_in() -> None:
    """Vendor, product, version, anchor, delta source, change log and disable come from it."""
    info = fingerprint(ACME_ROOT_DSE, rules=default_rules().with_rule(ACME_RULE))
    assert info.vendor == IN_HOUSE
    assert info.vendor.value == "in-house"
    assert info.product == "Acme Directory Cluster"
    assert info.version == "3.2.1"
    assert info.confidence is Confidence.HIGH
    assert info.anchor == "acmeGUID"
    assert info.delta_source is DeltaSource.CHANGELOG
    assert info.change_log_dn == "cn=changelog"
    assert info.disable_method == DisableMethod(attribute="acmeDisabled", value="TRUE")
    assert "Root DSE has acmeClusterName -> in-house (strong)" in info.evidence
    assert info.to_json_dict()["vendor"] == "in-house"
    assert "Vendor:              in-house (confidence high)" in format_server_info(info)


def test_without_the_rule_the_same_root_dse_is_unknown() -> None:
    """The built-in table does not know Acme: the rule is what identifies it."""
    info = fingerprint(ACME_ROOT_DSE)
    assert info.vendor is Vendor.UNKNOWN
    assert info.confidence is Confidence.NONE


def test_an_in_house_rule_hidden_vendor_name_costs_a_level() -> None:
    """Custom rules get the rebrand fallback too: no vendorName, one level lower."""
    root = {k: v for k, v in ACME_ROOT_DSE.items() if not k.startswith("vendor")}
    info = fingerprint(root, rules=default_rules().with_rule(ACME_RULE))
    assert info.vendor == IN_HOUSE
    assert info.confidence is Confidence.LOW
    assert any("what a rebrand keeps" in e for e in info.evidence)


def test_built_in_vendors_stay_constants_that_compare_equal() -> None:
    """``Vendor("openldap")`` equals ``Vendor.OPENLDAP``; ``of`` gives the very constant."""
    assert Vendor("openldap") == Vendor.OPENLDAP
    assert Vendor.of("openldap") is Vendor.OPENLDAP
    assert Vendor.of(IN_HOUSE) is IN_HOUSE
    assert Vendor.OPENLDAP.is_builtin
    assert not IN_HOUSE.is_builtin
    assert [v.value for v in Vendor.builtins()][-1] == "unknown"
    assert {Vendor.AD_DS: 1}[Vendor("ad-ds")] == 1
    assert str(IN_HOUSE) == "in-house"


def test_a_rule_written_with_a_built_in_value_reports_the_constant() -> None:
    """A rule spelled ``Vendor("389ds")`` yields ``info.vendor is Vendor.DS389`` (``is`` works)."""
    rule = attrs.evolve(default_rules().rule_for("389ds"), vendor=Vendor("389ds"))
    rules = default_rules().with_rule(rule, replace=True)
    info = fingerprint({"vendorName": ["389 Project"]}, rules=rules)
    assert info.vendor is Vendor.DS389


@pytest.mark.parametrize("value", ["", "In-House", "in house", "-x", 389])
def test_a_malformed_vendor_value_is_refused(value: object) -> None:
    """Vendor values are lower-case names; anything else is a DetectionError naming it."""
    with pytest.raises(DetectionError, match="vendor value"):
        Vendor(value)  # type: ignore[arg-type]


def test_rule_set_refuses_duplicates_unknown_and_empty_rules() -> None:
    """Each problem names the rule's position and vendor; all are LdapConnectorErrors."""
    rules = default_rules()
    with pytest.raises(DetectionError, match=r"rule 13 \(in-house\): a second rule"):
        rules.with_rule(ACME_RULE).with_rule(ACME_RULE)
    with pytest.raises(DetectionError, match="'unknown' is the answer"):
        rules.with_rule(attrs.evolve(ACME_RULE, vendor=Vendor.UNKNOWN))
    with pytest.raises(LdapConnectorError, match="has no signals"):
        rules.with_rule(attrs.evolve(ACME_RULE, signals=()))
    with pytest.raises(DetectionError, match="no vendor rule for 'in-house'"):
        rules.with_rule(ACME_RULE, replace=True)


def test_rule_sets_are_values_not_a_registry() -> None:
    """Adding returns a new set; the default table is unchanged; without() drops one."""
    extended = default_rules().with_rule(ACME_RULE)
    assert IN_HOUSE in extended.vendors
    assert IN_HOUSE not in default_rules().vendors
    assert len(extended) == len(default_rules()) + 1
    assert Vendor.APACHEDS not in extended.without(Vendor.APACHEDS).vendors
    assert VendorRules(rules=[ACME_RULE]).vendors == (IN_HOUSE,)
    assert extended.with_rules([]) == extended


def test_an_empty_rule_set_answers_unknown() -> None:
    """With no rules at all, every server is unknown (not the built-in table)."""
    info = fingerprint({"objectClass": ["OpenLDAProotDSE"]}, rules=VendorRules(rules=()))
    assert info.vendor is Vendor.UNKNOWN


def test_live_detection_asks_for_the_rules_root_dse_attributes() -> None:
    """A custom rule's Root DSE attribute is requested by name (AD-style servers need it)."""
    assert "acmeClusterName" not in root_dse_attributes_to_request()
    assert "acmeClusterName" in root_dse_attributes_to_request(default_rules().with_rule(ACME_RULE))


def test_the_vendor_matrix_documents_a_custom_rule() -> None:
    """render_vendor_matrix(rules) has a row and a section for the in-house vendor."""
    text = render_vendor_matrix(default_rules().with_rule(ACME_RULE))
    assert "| `in-house` | Acme Directory |" in text
    assert "## `in-house`: Acme Directory" in text
    assert "`in-house`" not in render_vendor_matrix()
