"""The value objects of the detection layer: Root DSE model, schema names, OIDs, requests."""

from __future__ import annotations

import json

from ldapconnector.detect import (
    DeltaSource,
    RootDSE,
    Vendor,
    fingerprint,
    format_server_info,
    oid_name,
    root_dse_attributes_to_request,
    schema_attributes_to_request,
)
from ldapconnector.detect._schemanames import SchemaNames


def test_root_dse_merges_names_case_insensitively() -> None:
    """Two spellings of one attribute are merged under the first spelling, values unique."""
    root = RootDSE.from_mapping(
        {"supportedControl": ["1.2.3", "1.2.3"], "supportedcontrol": ["1.2.4", "1.2.3"]}
    )
    assert root.names == ("supportedControl",)
    assert root.supported_controls == ("1.2.3", "1.2.4")
    assert root.cleanup == ("supportedControl: 2 duplicate values ignored",)


def test_root_dse_drops_empty_attributes() -> None:
    """An attribute with no values counts as absent."""
    root = RootDSE.from_mapping({"altServer": [], "vendorName": ["X"]})
    assert not root.has("altServer")
    assert root.vendor_name == "X"
    assert not root.is_empty


def test_schema_names_reads_single_and_multiple_names() -> None:
    """NAME 'x' and NAME ( 'x' 'y' ) forms both count; broken definitions are skipped."""
    names = SchemaNames.from_subschema(
        {
            "attributeTypes": [
                "( 1.1 NAME 'cn' SUP name )",
                "( 1.2 NAME ( 'sn' 'surname' ) SUP name )",
                "garbage",
            ],
            "objectclasses": ["( 2.1 NAME 'olcGlobal' STRUCTURAL )"],
        }
    )
    assert names.attribute_types == frozenset({"cn", "sn", "surname"})
    assert names.object_classes == frozenset({"olcGlobal"})
    assert names.has_attribute_type("SURNAME")


def test_oid_names_cover_the_mandatory_features() -> None:
    """The OID table names paged results, True/False filters and '+'."""
    assert oid_name("1.2.840.113556.1.4.319") == "Paged results"
    assert oid_name(" 1.3.6.1.4.1.4203.1.5.3 ") == "Absolute True/False filters"
    assert oid_name("1.3.6.1.4.1.4203.1.5.1") == "All operational attributes (+)"
    assert oid_name("9.9.9") is None


def test_request_list_names_what_ad_returns_only_when_asked() -> None:
    """Live detection asks by name for the attributes AD, Samba, IBM and OpenDJ hide."""
    wanted = {n.lower() for n in root_dse_attributes_to_request()}
    for name in (
        "supportedCapabilities",
        "highestCommittedUSN",
        "dsServiceName",
        "isGlobalCatalogReady",
        "changelog",
        "firstChangeNumber",
        "lastChangeNumber",
        "lastExternalChangelogCookie",
        "vendorVersion",
        "ibm-supportedCapabilities",
        "directoryTreeName",
    ):
        assert name.lower() in wanted
    assert root_dse_attributes_to_request()[:2] == ("*", "+")
    assert len(wanted) == len(root_dse_attributes_to_request())
    assert "attributeTypes" in schema_attributes_to_request()


def test_json_document_has_the_contract_keys() -> None:
    """to_json_dict carries the contract keys and survives a JSON round trip."""
    info = fingerprint({"objectClass": ["OpenLDAProotDSE"], "namingContexts": ["cn=accesslog"]})
    document = json.loads(json.dumps(info.to_json_dict()))
    for key in ("vendor", "product", "version", "confidence", "evidence", "anchor"):
        assert key in document
    assert document["vendor"] == Vendor.OPENLDAP.value
    assert document["delta_source"] == DeltaSource.ACCESSLOG.value
    assert document["naming_contexts"] == ["cn=accesslog"]
    assert document["default_partitions"] == []
    assert document["certificate"] is None


def test_human_report_has_the_global_page_sections() -> None:
    """The text report shows server, SASL, features found/not found, controls, log, partitions."""
    text = format_server_info(fingerprint({"vendorName": ["389 Project"]}))
    for title in (
        "Server",
        "SASL mechanisms",
        "Mandatory features found",
        "Mandatory features not found",
        "Supported controls",
        "Change log",
        "Partitions",
        "Evidence",
    ):
        assert f"\n{title}" in f"\n{text}"
    assert "Certificate" not in text
