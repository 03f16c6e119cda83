"""Tests for each section of ``ldapconnector.config`` and the rules across sections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ldapconnector.config import (
    Binding,
    ConnectivityConfig,
    ConnectorConfig,
    DeprovisionAction,
    GlobalConfig,
    MappingConfig,
    MappingType,
    Paging,
    SetAttributeValue,
)
from ldapconnector.errors import ConfigurationError, ExpressionSyntaxError


def minimal(**sections: Any) -> dict[str, Any]:
    """Return a small valid config dict (anonymous LDAPS), with sections replaced/added."""
    data: dict[str, Any] = {"connectivity": {"host": "ldap.example.org", "binding": "anonymous"}}
    data.update(sections)
    return data


def problems_of(data: dict[str, Any], **kwargs: Any) -> tuple[str, ...]:
    """Load ``data`` and return the problems of the ConfigurationError it must raise."""
    with pytest.raises(ConfigurationError) as info:
        ConnectorConfig.from_dict(data, **kwargs)
    return info.value.problems


def dn_mapping() -> dict[str, str]:
    """A mapping that builds the DN, so export-capable mapping lists are complete."""
    return {"type": "expression", "expression": '"cn=x"', "target": "-dn-"}


# --- connectivity -----------------------------------------------------------------------------


@pytest.mark.parametrize(("port", "ok"), [(0, False), (1, True), (65535, True), (65536, False)])
def test_port_range(port: int, ok: bool) -> None:
    """Ports 1-65535 are accepted and anything else is a problem."""
    data = minimal()
    data["connectivity"]["port"] = port
    if ok:
        assert ConnectorConfig.from_dict(data).connectivity.port == port
    else:
        assert problems_of(data) == (f"connectivity.port: must be 1-65535, got {port}",)


@pytest.mark.parametrize(("security", "port"), [("none", 389), ("starttls", 389), ("ldaps", 636)])
def test_effective_port_follows_security(security: str, port: int) -> None:
    """Without a port, the standard one for the security mode is used."""
    config = ConnectivityConfig.from_dict(
        {"host": "h", "binding": "anonymous", "security": security}
    )
    assert config.effective_port == port


@pytest.mark.parametrize("timeout", [0, -1.5])
def test_timeout_must_be_positive(timeout: float) -> None:
    """A timeout of zero or less is a problem."""
    data = minimal()
    data["connectivity"]["timeout"] = timeout
    assert problems_of(data) == (
        f"connectivity.timeout: must be greater than 0, got {float(timeout)!r}",
    )


def test_simple_binding_needs_user_and_password() -> None:
    """A simple bind without a DN or password is reported for both keys."""
    data = minimal()
    data["connectivity"]["binding"] = "simple"
    assert problems_of(data) == (
        'connectivity.user: required when binding is "simple"',
        'connectivity.password: required when binding is "simple": set password_env or '
        "password_file",
    )


def test_sasl_external_needs_client_certificate_and_tls() -> None:
    """SASL EXTERNAL needs a client certificate, its key and a TLS connection."""
    data = minimal()
    data["connectivity"].update(binding="sasl-external", security="none")
    assert problems_of(data) == (
        'connectivity.client_cert: required when binding is "sasl-external"',
        'connectivity.client_key: required when binding is "sasl-external"',
        'connectivity.security: binding "sasl-external" needs "starttls" or "ldaps"',
    )


def test_sasl_external_with_files_loads(tmp_path: Path) -> None:
    """SASL EXTERNAL with existing certificate and key files loads."""
    for name in ("cert.pem", "key.pem", "ca.pem"):
        (tmp_path / name).write_text("x")
    data = minimal()
    data["connectivity"].update(
        binding="sasl-external", client_cert="cert.pem", client_key="key.pem", ca_file="ca.pem"
    )
    conn = ConnectorConfig.from_dict(data, base_dir=tmp_path).connectivity
    assert conn.binding is Binding.SASL_EXTERNAL
    assert conn.client_key == str(tmp_path / "key.pem")


@pytest.mark.parametrize("key", ["ca_file", "client_cert", "client_key"])
def test_missing_certificate_files_are_problems(key: str, tmp_path: Path) -> None:
    """A certificate or key file that does not exist is reported with its resolved path."""
    data = minimal()
    data["connectivity"][key] = "nope.pem"
    problems = problems_of(data, base_dir=tmp_path)
    assert f'connectivity.{key}: file not found: "{tmp_path / "nope.pem"}"' in problems


def test_host_must_not_be_a_url() -> None:
    """A URL in ``host`` is reported with a pointer to ``security``."""
    data = minimal()
    data["connectivity"]["host"] = "ldaps://ldap.example.org"
    (problem,) = problems_of(data)
    assert problem.startswith("connectivity.host: must be a host name or IP address, not a URL")


def test_tls_opt_out_and_cleartext_flags_are_booleans() -> None:
    """The TLS opt-out and the clear-text bind switch take booleans only."""
    data = minimal()
    data["connectivity"].update(
        insecure_skip_certificate_verification="yes", allow_cleartext_bind=1
    )
    assert problems_of(data) == (
        "connectivity.allow_cleartext_bind: must be a boolean (true or false), got 1",
        "connectivity.insecure_skip_certificate_verification: must be a boolean (true or "
        'false), got "yes"',
    )


def test_building_in_code_validates_too() -> None:
    """Constructing a section in code runs the same checks and reports every problem."""
    with pytest.raises(ConfigurationError) as info:
        ConnectivityConfig(host="h", binding=Binding.ANONYMOUS, port=0, timeout=0)
    assert info.value.problems == (
        "connectivity.port: must be 1-65535, got 0",
        "connectivity.timeout: must be greater than 0, got 0",
    )


def test_enum_given_as_string_in_code_is_a_type_problem() -> None:
    """Code must pass enum members; a plain string is reported with the expected type."""
    with pytest.raises(ConfigurationError) as info:
        ConnectivityConfig(host="h", binding="anonymous")  # type: ignore[arg-type]
    assert info.value.problems == (
        'connectivity.binding: must be a Binding, got "anonymous" (a str)',
    )


# --- enums ----------------------------------------------------------------------------------

ENUM_CASES = [
    ("connectivity", "security", '"none", "starttls", "ldaps"'),
    ("connectivity", "binding", '"anonymous", "simple", "sasl-external", "kerberos"'),
    ("global", "paging", '"auto", "paged-results", "vlv", "none"'),
    ("deprovisioning", "disable", '"none", "delete", "vendor" or a table {set_attribute, value}'),
    ("deprovisioning", "delete", '"none", "delete", "vendor" or a table {set_attribute, value}'),
    ("mappings", "type", '"direct", "constant", "expression"'),
    ("mappings", "apply", '"always", "create"'),
]


@pytest.mark.parametrize(("section", "key", "allowed"), ENUM_CASES)
def test_bad_enum_value_lists_the_allowed_values(section: str, key: str, allowed: str) -> None:
    """Every closed-set key reports a bad value together with every allowed value."""
    data = minimal(object_type={"target": "person"})
    if section == "mappings":
        data["mappings"] = [{"type": "direct", "source": "a", "target": "-dn-", key: "bogus"}]
        path = f"mappings[0].{key}"
    else:
        data.setdefault(section, {})[key] = "bogus"
        path = f"{section}.{key}"
    assert f'{path}: must be one of {allowed}, got "bogus"' in problems_of(data)


# --- global --------------------------------------------------------------------------------


def test_partitions_must_be_dns() -> None:
    """Each partition must have the ``attribute=value`` form in every RDN."""
    (problem,) = problems_of(minimal(**{"global": {"partitions": ["dc=a,dc=b", "contoso"]}}))
    assert problem == (
        "global.partitions[1]: must be a DN: 'contoso' is not a distinguished name (RFC 4514): "
        "expected attribute=value at offset 0"
    )


def test_dn_with_escaped_comma_is_accepted() -> None:
    """An escaped comma inside an RDN value does not split the RDN (RFC 4514)."""
    config = ConnectorConfig.from_dict(minimal(**{"global": {"partitions": [r"o=Smith\, Inc"]}}))
    assert config.global_.partitions == (r"o=Smith\, Inc",)


def test_global_defaults_match_microsoft() -> None:
    """The Global defaults are Microsoft's: page size 1000, userPassword, no referrals."""
    config = GlobalConfig()
    assert config.page_size == 1000
    assert config.password_attribute == "userPassword"
    assert config.follow_referrals is False
    assert config.paging is Paging.AUTO


def test_global_schema_options_load() -> None:
    """Schema options (aliases, overrides, operational and extensible) load as typed values."""
    section = {
        "attribute_aliases": ["userCertificate;binary"],
        "single_value_overrides": ["mail"],
        "include_operational_attributes": True,
        "include_extensible_attributes": True,
        "follow_referrals": True,
        "allowed_referral_hosts": ["ldap2.example.org"],
    }
    config = ConnectorConfig.from_dict(minimal(**{"global": section}))
    assert config.global_.attribute_aliases == ("userCertificate;binary",)
    assert config.global_.allowed_referral_hosts == ("ldap2.example.org",)


def test_global_schema_option_problems() -> None:
    """Bad aliases, an objectClass override and referral hosts without referrals are reported."""
    section = {
        "attribute_aliases": ["userCertificate"],
        "single_value_overrides": ["objectClass"],
        "allowed_referral_hosts": ["ldap2"],
    }
    assert problems_of(minimal(**{"global": section})) == (
        "global.attribute_aliases[0]: must be an attribute with an option such as "
        '"userCertificate;binary", got "userCertificate"',
        "global.single_value_overrides[0]: objectClass cannot be treated as single-valued",
        "global.allowed_referral_hosts: has no effect unless follow_referrals = true",
    )


# --- run profiles, object type, attributes ------------------------------------------------------


def test_export_without_any_import_is_refused() -> None:
    """Export with both imports off is refused (it would create duplicates)."""
    (problem,) = problems_of(minimal(run_profiles={"full_import": False, "export": True}))
    assert problem.startswith("run_profiles.export: needs full_import or delta_import")


def test_object_type_options_load() -> None:
    """Auxiliary classes and containers load as tuples."""
    section = {
        "target": "inetOrgPerson",
        "auxiliary": ["posixAccount", "shadowAccount"],
        "containers": ["ou=people,dc=contoso,dc=lab"],
    }
    config = ConnectorConfig.from_dict(
        minimal(object_type=section, **{"global": {"partitions": ["dc=contoso,dc=lab"]}})
    )
    assert config.object_type is not None
    assert config.object_type.auxiliary == ("posixAccount", "shadowAccount")


def test_container_outside_partitions_is_a_problem() -> None:
    """A container outside every configured partition is reported."""
    data = minimal(
        object_type={"target": "person", "containers": ["ou=people,dc=other"]},
        **{"global": {"partitions": ["dc=contoso,dc=lab"]}},
    )
    assert problems_of(data) == (
        'object_type.containers[0]: "ou=people,dc=other" is not inside any of global.partitions',
    )


def test_target_class_repeated_as_auxiliary_is_a_problem() -> None:
    """The structural target class cannot also be listed as auxiliary."""
    data = minimal(object_type={"target": "person", "auxiliary": ["Person"]})
    assert problems_of(data) == ('object_type.auxiliary[0]: "Person" is already the target class',)


def test_duplicate_attribute_and_object_class_single_value() -> None:
    """An attribute listed twice and a single-valued objectClass are both reported."""
    data = minimal(
        attributes=[
            {"name": "cn"},
            {"name": "CN"},
            {"name": "objectClass", "single_value": True},
        ]
    )
    assert problems_of(data) == (
        "attributes[2].single_value: objectClass cannot be treated as single-valued",
        'attributes[1].name: "CN" is already listed in attributes[0]',
    )


# --- deprovisioning ----------------------------------------------------------------------------


def test_set_attribute_flow_loads() -> None:
    """A ``{set_attribute, value}`` table becomes a SetAttributeValue flow."""
    data = minimal(deprovisioning={"disable": {"set_attribute": "nsAccountLock", "value": True}})
    config = ConnectorConfig.from_dict(data)
    assert config.deprovisioning.disable == SetAttributeValue(
        set_attribute="nsAccountLock", value=True
    )
    assert config.deprovisioning.delete is DeprovisionAction.NONE
    assert config.to_dict()["deprovisioning"]["disable"] == {
        "set_attribute": "nsAccountLock",
        "value": True,
    }


def test_set_attribute_value_must_be_boolean() -> None:
    """Only boolean values may be set when disabling (as in Microsoft's connector)."""
    data = minimal(deprovisioning={"disable": {"set_attribute": "nsAccountLock", "value": "TRUE"}})
    assert problems_of(data) == (
        'deprovisioning.disable.value: must be a boolean (true or false), got "TRUE"',
    )


def test_set_attribute_must_not_be_a_selected_attribute() -> None:
    """The set-attribute flow may not use an attribute that is selected on the attributes list."""
    data = minimal(
        attributes=[{"name": "nsAccountLock"}],
        deprovisioning={"disable": {"set_attribute": "nsaccountlock"}},
    )
    (problem,) = problems_of(data)
    assert problem.startswith('deprovisioning.disable.set_attribute: "nsaccountlock" is also')


def test_max_deletes_must_not_be_negative() -> None:
    """The mass-deletion guard takes 0 or more."""
    assert problems_of(minimal(deprovisioning={"max_deletes": -1})) == (
        "deprovisioning.max_deletes: must be 0 or more, got -1",
    )


# --- mappings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "needed"), [("direct", "source"), ("constant", "value"), ("expression", "expression")]
)
def test_mapping_type_requires_its_key(kind: str, needed: str) -> None:
    """Each mapping type requires its own key."""
    data = minimal(object_type={"target": "person"}, mappings=[{"type": kind, "target": "-dn-"}])
    assert problems_of(data) == (f'mappings[0].{needed}: required when type is "{kind}"',)


def test_mapping_keys_of_another_type_are_problems() -> None:
    """Keys that belong to another mapping type are reported as unused."""
    mapping = {"type": "constant", "value": "x", "source": "a", "target": "-dn-"}
    data = minimal(object_type={"target": "person"}, mappings=[mapping])
    assert problems_of(data) == ('mappings[0].source: not used when type is "constant"',)


def test_mapping_target_is_required() -> None:
    """A mapping without a target is reported."""
    data = minimal(object_type={"target": "person"}, mappings=[{"type": "direct", "source": "a"}])
    assert "mappings[0].target: is required" in problems_of(data)


def test_duplicate_matching_precedence_is_a_problem() -> None:
    """Two mappings with the same matching precedence are reported."""
    mappings = [
        dn_mapping(),
        {"type": "direct", "source": "mail", "target": "mail", "matching_precedence": 1},
        {"type": "direct", "source": "uid", "target": "uid", "matching_precedence": 1},
    ]
    data = minimal(object_type={"target": "person"}, mappings=mappings)
    assert problems_of(data) == (
        "mappings[2].matching_precedence: 1 is already used by mappings[1]; each precedence "
        "must be unique",
    )


def test_matching_precedence_must_be_positive() -> None:
    """A matching precedence of 0 is reported."""
    mapping = {"type": "direct", "source": "a", "target": "a", "matching_precedence": 0}
    data = minimal(object_type={"target": "person"}, mappings=[dn_mapping(), mapping])
    assert problems_of(data) == ("mappings[1].matching_precedence: must be greater than 0, got 0",)


def test_duplicate_targets_are_problems() -> None:
    """Two mappings writing the same attribute are reported."""
    mappings = [
        dn_mapping(),
        {"type": "direct", "source": "a", "target": "mail"},
        {"type": "constant", "value": "b", "target": "Mail"},
    ]
    data = minimal(object_type={"target": "person"}, mappings=mappings)
    assert problems_of(data) == ('mappings[2].target: "Mail" is already the target of mappings[1]',)


def test_mappings_need_a_dn_mapping_and_an_object_type() -> None:
    """Mappings without a ``-dn-`` target or an object type are reported."""
    data = minimal(mappings=[{"type": "direct", "source": "a", "target": "mail"}])
    assert problems_of(data) == (
        "object_type: required when there are mappings (the target object class)",
        'mappings: no mapping has target "-dn-", so export cannot name new entries',
    )


def test_mapping_built_in_code_is_validated() -> None:
    """A MappingConfig built in code with a missing key raises ConfigurationError."""
    with pytest.raises(ConfigurationError, match=r"mappings\[\*\]\.source: required"):
        MappingConfig(type=MappingType.DIRECT, target="mail")


def _fake_compile(text: str) -> object:
    """Stand in for the expressions layer: refuse anything mentioning ``Bogus``."""
    position = text.find("Bogus")
    if position >= 0:
        raise ExpressionSyntaxError("unknown function Bogus", source=text, position=position)
    return text


def test_expression_hook_reports_compile_errors_with_other_problems() -> None:
    """With ``compile_expression`` given, a bad expression joins the other problems."""
    mappings = [
        dn_mapping(),
        {"type": "expression", "expression": 'Bogus("x")', "target": "cn"},
    ]
    data = minimal(object_type={"target": "person"}, mappings=mappings)
    data["connectivity"]["port"] = 0
    assert problems_of(data, compile_expression=_fake_compile) == (
        "connectivity.port: must be 1-65535, got 0",
        "mappings[1].expression: unknown function Bogus at line 1, column 1 (position 0)",
    )


def test_check_expressions_on_a_built_config() -> None:
    """``check_expressions`` compiles the stored texts and raises one error for the bad ones."""
    mappings = [dn_mapping(), {"type": "expression", "expression": "Bogus()", "target": "cn"}]
    config = ConnectorConfig.from_dict(minimal(object_type={"target": "person"}, mappings=mappings))
    with pytest.raises(ConfigurationError) as info:
        config.check_expressions(_fake_compile)
    assert info.value.problems == (
        "mappings[1].expression: unknown function Bogus at line 1, column 1 (position 0)",
    )
