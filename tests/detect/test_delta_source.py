"""DeltaSource is an open value: the shipped kinds are constants, a plug-in names its own.

Code written against the former enum keeps working (``DeltaSource.ACCESSLOG``, ``.value``,
``is`` after any conversion), and a vendor rule may list a kind detection has no evidence
for: it is then offered on the rule's word.
"""

from __future__ import annotations

import pytest

from ldapconnector.detect import (
    Confidence,
    DeltaSource,
    ServerInfo,
    Signal,
    SignalKind,
    Vendor,
    VendorRule,
    Weight,
    as_delta_source,
    default_rules,
    fingerprint,
)
from ldapconnector.errors import DetectionError, LdapConnectorError
from ldapconnector.profiles.delta import (
    ChangeRecord,
    ChangeType,
    DeltaSourceChoice,
    watermark_source,
)
from ldapconnector.space import Watermark

AUDITLOG = DeltaSource("auditlog")

SHIPPED = {
    "ACCESSLOG": "accesslog",
    "CHANGELOG": "changelog",
    "USN_CHANGED": "usn-changed",
    "DIRSYNC": "dirsync",
    "SYNCREPL": "syncrepl",
    "TIMESTAMPS": "timestamps",
}

AUDITED_RULE = VendorRule(
    vendor=Vendor("audited"),
    product="Audited Directory",
    signals=(Signal(kind=SignalKind.VENDOR_NAME, value="Audited", weight=Weight.DECISIVE),),
    delta=(AUDITLOG, DeltaSource.TIMESTAMPS),
    change_log="/var/log/audit.ldif",
)
AUDITED_ROOT_DSE = {
    "vendorName": ["Audited Directory"],
    "namingContexts": ["o=audited", "cn=accesslog"],
}


@pytest.mark.parametrize(("constant", "value"), sorted(SHIPPED.items()))
def test_the_shipped_kinds_are_constants_with_the_enum_values(constant: str, value: str) -> None:
    """Each former enum member is a constant with the same value, found again by of()."""
    source = getattr(DeltaSource, constant)
    assert source.value == value
    assert str(source) == value
    assert DeltaSource.of(value) is source
    assert DeltaSource.of(value.upper()) is source
    assert source.is_builtin
    assert source in DeltaSource.builtins()


def test_the_builtins_keep_the_enum_order() -> None:
    """builtins() lists the kinds in the order iterating the enum gave."""
    assert [s.value for s in DeltaSource.builtins()] == list(SHIPPED.values())


def test_a_plug_in_kind_is_a_value_equal_by_name() -> None:
    """A new kind is not built in, compares and hashes by value, and of() keeps it."""
    assert not AUDITLOG.is_builtin
    assert AUDITLOG == DeltaSource("auditlog") == DeltaSource.of(" AuditLog ")
    assert len({AUDITLOG, DeltaSource("auditlog"), DeltaSource.ACCESSLOG}) == 2
    assert AUDITLOG not in DeltaSource.builtins()
    assert as_delta_source(AUDITLOG) is AUDITLOG


@pytest.mark.parametrize("value", ["", "Audit Log", "-audit", "AuditLog", 7, None])
def test_a_malformed_name_is_refused(value: object) -> None:
    """The constructor takes lower-case names only; the error is the library's own."""
    with pytest.raises(DetectionError, match="delta source value") as caught:
        DeltaSource(value)  # type: ignore[arg-type]
    assert isinstance(caught.value, LdapConnectorError)


def test_fields_convert_to_the_constants() -> None:
    """Values made from strings are the constants themselves, so ``is`` still works."""
    info = ServerInfo(
        vendor="openldap", product=None, version=None, confidence=Confidence.LOW, evidence=(),
        delta_source="accesslog", delta_sources=("accesslog", "Timestamps"),
    )  # fmt: skip
    assert info.delta_source is DeltaSource.ACCESSLOG
    assert info.delta_sources == (DeltaSource.ACCESSLOG, DeltaSource.TIMESTAMPS)
    assert info.delta_sources[1] is DeltaSource.TIMESTAMPS
    assert DeltaSourceChoice(source="dirsync").source is DeltaSource.DIRSYNC
    record = ChangeRecord(type=ChangeType.ADD, dn="cn=x", position="1", source="auditlog")
    assert record.source == AUDITLOG


def test_a_stored_watermark_names_its_source_even_a_plug_in_one() -> None:
    """A shipped source is read back as its constant, a plug-in's as its kind; junk is None."""
    shipped = Watermark(profile="delta_import", value='{"n":1,"source":"changelog"}')
    assert watermark_source(shipped) is DeltaSource.CHANGELOG
    plugged = Watermark(profile="delta_import", value='{"offset":0,"source":"auditlog"}')
    assert watermark_source(plugged) == AUDITLOG
    assert (
        watermark_source(Watermark(profile="delta_import", value='{"source": "Not A Name!"}'))
        is None
    )


def test_a_rule_offers_its_own_kind_on_its_word() -> None:
    """Detection has no evidence for auditlog: the rule that recognised the server vouches."""
    rules = default_rules().with_rule(AUDITED_RULE)
    info = fingerprint(AUDITED_ROOT_DSE, rules=rules)
    assert info.vendor == Vendor("audited")
    assert info.delta_source == AUDITLOG
    assert info.delta_sources == (AUDITLOG, DeltaSource.TIMESTAMPS)
    assert info.change_log_dn == "/var/log/audit.ldif"
    vouched = (
        "delta source auditlog at /var/log/audit.ldif (the vendor rule's own kind: not probed)"
    )
    assert vouched in info.evidence
    assert any(e.startswith("advertised but not used (accesslog") for e in info.evidence)
    assert info.to_json_dict()["delta_source"] == "auditlog"


def test_a_plug_in_kind_is_not_offered_by_a_server_that_answers_nothing() -> None:
    """An empty Root DSE offers nothing, not even the rule's own kind."""
    rules = default_rules().with_rule(AUDITED_RULE)
    assert fingerprint({}, rules=rules).delta_source is None


def test_no_built_in_rule_offers_a_kind_without_evidence() -> None:
    """The built-in table lists shipped kinds only (the vouching is for plug-ins)."""
    for rule in default_rules():
        assert all(source.is_builtin for source in rule.delta), rule.vendor
