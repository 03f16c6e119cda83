"""Tests for ``ldapconnector.config``: typed sections, loading, problems, secrets."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from ldapconnector.config import (
    ApplyWhen,
    Binding,
    ConnectivityConfig,
    ConnectorConfig,
    DeprovisionAction,
    MappingType,
    Secret,
    Security,
)
from ldapconnector.errors import ConfigurationError

PASSWORD = "s3cret-Pa55word!"

# The sample from DESIGN.md ("Config file"), unchanged apart from the comments.
DESIGN_SAMPLE = """
[connectivity]
host = "127.0.0.1"
port = 636
security = "ldaps"
binding = "simple"
user = "cn=admin,dc=contoso,dc=lab"
password_env = "LDAP_PASSWORD"
ca_file = "ca.pem"
timeout = 180
allow_cleartext_bind = false

[global]
partitions = ["dc=contoso,dc=lab"]
change_log_dn = "cn=accesslog"
password_attribute = "userPassword"

[run_profiles]
full_import = true
delta_import = true
export = true

[object_type]
target = "inetOrgPerson"
anchor = "entryUUID"
query_attribute = "entryUUID"

[[attributes]]
name = "cn"
single_value = true

[deprovisioning]
disable = "delete"
delete = "delete"
max_deletes = 100

[[mappings]]
type = "expression"
expression = 'Join("", "CN=", Word([userPrincipalName], 1, "@"), ",DC=Contoso,DC=lab")'
target = "-dn-"
apply = "create"

[[mappings]]
type = "direct"
source = "mail"
target = "mail"
matching_precedence = 1
"""


@pytest.fixture(name="env")
def fixture_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Provide the bind password in ``LDAP_PASSWORD``."""
    monkeypatch.setenv("LDAP_PASSWORD", PASSWORD)


@pytest.fixture(name="sample_file")
def fixture_sample_file(tmp_path: Path) -> Path:
    """Write the DESIGN.md sample and the CA file it names into a temp directory."""
    (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    path = tmp_path / "connector.toml"
    path.write_text(DESIGN_SAMPLE)
    return path


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


# --- the DESIGN.md sample ---------------------------------------------------------------


@pytest.mark.usefixtures("env")
def test_design_sample_loads(sample_file: Path) -> None:
    """The DESIGN.md sample, with the password from the environment, loads as typed objects."""
    config = ConnectorConfig.from_file(sample_file)
    conn = config.connectivity
    assert conn.security is Security.LDAPS
    assert conn.binding is Binding.SIMPLE
    assert conn.effective_port == 636
    assert conn.password == Secret(PASSWORD)
    assert conn.ca_file == str(sample_file.parent / "ca.pem")
    assert conn.timeout == 180.0
    assert config.global_.partitions == ("dc=contoso,dc=lab",)
    assert config.global_.page_size == 1000
    assert config.object_type is not None
    assert config.object_type.anchor == "entryUUID"
    assert config.attributes[0].single_value is True
    assert config.deprovisioning.disable is DeprovisionAction.DELETE
    assert config.deprovisioning.max_deletes == 100
    assert config.mappings[0].type is MappingType.EXPRESSION
    assert config.mappings[0].apply is ApplyWhen.CREATE
    assert config.mappings[1].apply is ApplyWhen.ALWAYS
    assert config.mappings[1].matching_precedence == 1


@pytest.mark.usefixtures("env")
def test_to_dict_round_trips_without_the_password(sample_file: Path) -> None:
    """``to_dict`` renders the password reference only, and ``from_dict`` reads it back equal."""
    config = ConnectorConfig.from_file(sample_file)
    data = config.to_dict()
    assert "password" not in data["connectivity"]
    assert data["connectivity"]["password_env"] == "LDAP_PASSWORD"
    assert PASSWORD not in repr(data)
    assert data["global"]["partitions"] == ["dc=contoso,dc=lab"]
    assert ConnectorConfig.from_dict(data) == config


# --- one error, every problem -------------------------------------------------------------


def test_three_mistakes_give_one_error_listing_all_three(tmp_path: Path) -> None:
    """A file with three unrelated mistakes raises one ConfigurationError naming all three."""
    path = tmp_path / "bad.toml"
    path.write_text(
        '[connectivity]\nhost = "h"\nbinding = "anonymous"\nport = 0\n\n'
        "[global]\npage_size = -5\n\n"
        '[[mappings]]\ntype = "direct"\nsource = "a"\ntarget = "-dn-"\napply = "sometimes"\n'
        '[object_type]\ntarget = "person"\n'
    )
    with pytest.raises(ConfigurationError) as info:
        ConnectorConfig.from_file(path)
    assert info.value.problems == (
        "connectivity.port: must be 1-65535, got 0",
        "global.page_size: must be greater than 0, got -5",
        'mappings[0].apply: must be one of "always", "create", got "sometimes"',
    )
    assert "3 problems" in str(info.value)


def test_unknown_key_suggests_the_closest_name() -> None:
    """A misspelt key is an error with a did-you-mean."""
    data = minimal()
    data["connectivity"]["prot"] = 389
    assert problems_of(data) == ('connectivity.prot: unknown key; did you mean "port"?',)


def test_unknown_section_suggests_the_closest_name() -> None:
    """A misspelt section name is an error with a did-you-mean."""
    assert problems_of(minimal(globl={})) == ('globl: unknown key; did you mean "global"?',)


def test_unknown_key_without_a_close_match_lists_the_known_keys() -> None:
    """An unknown key nothing resembles is reported with the keys that are allowed."""
    (problem,) = problems_of(minimal(run_profiles={"frobnicate": True}))
    assert problem.startswith("run_profiles.frobnicate: unknown key; expected one of ")
    assert '"full_import", "delta_import", "export"' in problem


def test_missing_connectivity_is_reported() -> None:
    """The connectivity section is required."""
    assert problems_of({}) == ("connectivity: is required",)


def test_section_that_is_not_a_table_is_reported() -> None:
    """A section given as a scalar is reported as needing a table."""
    assert problems_of({"connectivity": 5}) == ("connectivity: must be a table, got 5",)


def test_wrong_scalar_type_is_reported() -> None:
    """A string where an integer belongs is reported with the expected type."""
    data = minimal()
    data["connectivity"]["port"] = "389"
    assert problems_of(data) == ('connectivity.port: must be an integer, got "389"',)


def test_invalid_toml_is_a_configuration_error(tmp_path: Path) -> None:
    """A file that is not TOML raises ConfigurationError naming the file."""
    path = tmp_path / "broken.toml"
    path.write_text("[connectivity\n")
    with pytest.raises(ConfigurationError, match="not valid TOML"):
        ConnectorConfig.from_file(path)


def test_missing_file_is_a_configuration_error(tmp_path: Path) -> None:
    """A config file that does not exist raises ConfigurationError, not OSError."""
    with pytest.raises(ConfigurationError, match="cannot read the file"):
        ConnectorConfig.from_file(tmp_path / "nope.toml")


# --- secrets --------------------------------------------------------------------------------


def test_literal_password_in_file_is_refused_without_echoing_it(tmp_path: Path) -> None:
    """A ``password`` key in a file is refused, and the message never contains its value."""
    path = tmp_path / "c.toml"
    path.write_text(f'[connectivity]\nhost = "h"\nuser = "cn=a,dc=b"\npassword = "{PASSWORD}"\n')
    with pytest.raises(ConfigurationError) as info:
        ConnectorConfig.from_file(path)
    (problem,) = info.value.problems
    assert problem.startswith("connectivity.password: a literal password is refused")
    assert "password_env" in problem
    assert "password_file" in problem
    assert "allow_literal_password=True" in problem  # the programmatic opt-in, by name
    assert PASSWORD not in str(info.value)
    assert PASSWORD not in repr(info.value)


def test_literal_password_in_dict_is_refused_by_default() -> None:
    """``from_dict`` refuses a literal password unless asked to accept one."""
    data = minimal()
    data["connectivity"].update(binding="simple", user="cn=a,dc=b", password=PASSWORD)
    (problem,) = problems_of(data)
    assert "refused" in problem
    assert PASSWORD not in problem


@pytest.mark.parametrize("given", [PASSWORD, Secret(PASSWORD)])
def test_literal_password_accepted_when_allowed(given: object) -> None:
    """With ``allow_literal_password=True`` a string or Secret becomes the bind password."""
    data = minimal()
    data["connectivity"].update(binding="simple", user="cn=a,dc=b", password=given)
    config = ConnectorConfig.from_dict(data, allow_literal_password=True)
    assert config.connectivity.password == Secret(PASSWORD)
    assert "password" not in config.to_dict()["connectivity"]


def test_secret_absent_from_repr_str_and_errors() -> None:
    """The password appears in no repr, str or error message, even alongside other errors."""
    data = minimal()
    data["connectivity"].update(binding="simple", user="cn=a,dc=b", password_env="PW")
    config = ConnectorConfig.from_dict(data, environ={"PW": PASSWORD})
    assert PASSWORD not in repr(config)
    assert PASSWORD not in str(config)
    assert "Secret('***')" in repr(config)
    data["connectivity"]["port"] = 0
    with pytest.raises(ConfigurationError) as info:
        ConnectorConfig.from_dict(data, environ={"PW": PASSWORD})
    assert PASSWORD not in str(info.value)


def test_wrongly_typed_password_in_code_is_not_echoed() -> None:
    """Building ConnectivityConfig with a plain-string password fails without showing it."""
    with pytest.raises(ConfigurationError) as info:
        ConnectivityConfig(host="h", user="cn=a", password=PASSWORD)  # type: ignore[arg-type]
    assert info.value.problems == ("connectivity.password: must be a Secret or None, got a str",)


def test_missing_password_env_names_the_variable() -> None:
    """An unset ``password_env`` variable is a problem naming the variable."""
    data = minimal()
    data["connectivity"].update(binding="simple", user="cn=a", password_env="NO_SUCH_VAR_X")
    assert problems_of(data, environ={}) == (
        'connectivity.password_env: environment variable "NO_SUCH_VAR_X" is not set',
    )


def test_empty_password_env_is_refused() -> None:
    """An empty password (an unauthenticated bind, RFC 4513 5.1.2) is refused."""
    data = minimal()
    data["connectivity"].update(binding="simple", user="cn=a", password_env="PW")
    assert problems_of(data, environ={"PW": ""}) == (
        'connectivity.password_env: environment variable "PW" is empty',
    )


def test_password_env_is_read_from_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """By default ``password_env`` is looked up in ``os.environ`` at load time."""
    monkeypatch.setenv("LC_TEST_PW", PASSWORD)
    data = minimal()
    data["connectivity"].update(binding="simple", user="cn=a", password_env="LC_TEST_PW")
    assert ConnectorConfig.from_dict(data).connectivity.password == Secret(PASSWORD)


def test_password_file_is_read_and_trailing_newline_stripped(tmp_path: Path) -> None:
    """``password_file`` is read relative to the config file, without its trailing newline."""
    (tmp_path / "pw.txt").write_text(PASSWORD + "\n")
    path = tmp_path / "c.toml"
    path.write_text('[connectivity]\nhost = "h"\nuser = "cn=a"\npassword_file = "pw.txt"\n')
    config = ConnectorConfig.from_file(path)
    assert config.connectivity.password == Secret(PASSWORD)
    assert config.to_dict()["connectivity"]["password_file"] == str(tmp_path / "pw.txt")


def test_missing_password_file_is_a_problem(tmp_path: Path) -> None:
    """A ``password_file`` that does not exist is reported with its path."""
    data = minimal()
    data["connectivity"].update(binding="simple", user="cn=a", password_file="missing.txt")
    assert problems_of(data, base_dir=tmp_path) == (
        f'connectivity.password_file: file not found: "{tmp_path / "missing.txt"}"',
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files regardless of their mode")
def test_unreadable_password_file_is_a_problem(tmp_path: Path) -> None:
    """A ``password_file`` without read permission is reported, not raised as OSError."""
    secret_file = tmp_path / "pw.txt"
    secret_file.write_text(PASSWORD)
    secret_file.chmod(0)
    data = minimal()
    data["connectivity"].update(binding="simple", user="cn=a", password_file=str(secret_file))
    (problem,) = problems_of(data)
    assert problem.startswith("connectivity.password_file: file not readable")
    assert PASSWORD not in problem


def test_empty_password_file_is_a_problem(tmp_path: Path) -> None:
    """A ``password_file`` holding only a newline is refused as empty."""
    (tmp_path / "pw.txt").write_text("\n")
    data = minimal()
    data["connectivity"].update(binding="simple", user="cn=a", password_file="pw.txt")
    assert problems_of(data, base_dir=tmp_path) == (
        f'connectivity.password_file: "{tmp_path / "pw.txt"}" is empty',
    )


def test_password_env_and_file_together_are_refused(tmp_path: Path) -> None:
    """Only one password source may be given."""
    (tmp_path / "pw.txt").write_text(PASSWORD)
    data = minimal()
    data["connectivity"].update(
        binding="simple", user="cn=a", password_env="PW", password_file="pw.txt"
    )
    problems = problems_of(data, base_dir=tmp_path, environ={"PW": PASSWORD})
    assert problems == (
        "connectivity.password_file: give only one of password_env and password_file",
    )


def test_misspelt_password_key_is_not_echoed() -> None:
    """A misspelt ``password`` key is reported by name only, never with its value."""
    data = minimal()
    data["connectivity"]["pasword"] = PASSWORD
    (problem,) = problems_of(data)
    assert problem == 'connectivity.pasword: unknown key; did you mean "password"?'


def test_password_file_that_is_a_directory_is_a_problem(tmp_path: Path) -> None:
    """A ``password_file`` naming a directory is reported as not a regular file."""
    data = minimal()
    data["connectivity"].update(binding="simple", user="cn=a", password_file=str(tmp_path))
    assert problems_of(data) == (f'connectivity.password_file: not a regular file: "{tmp_path}"',)


def test_connectivity_from_dict_accepts_a_test_server_section(tmp_path: Path) -> None:
    """``ConnectivityConfig.from_dict`` reads a test server's section holding a literal password."""
    (tmp_path / "ca.pem").write_text("x")
    section = {
        "host": "localhost",
        "port": 10636,
        "security": "ldaps",
        "binding": "simple",
        "user": "cn=svc,dc=contoso,dc=lab",
        "password": PASSWORD,
        "ca_file": str(tmp_path / "ca.pem"),
        "timeout": 30.0,
    }
    config = ConnectivityConfig.from_dict(section, allow_literal_password=True)
    assert config.password is not None
    assert config.password.reveal() == PASSWORD
    assert config.effective_port == 10636


@pytest.mark.parametrize("key", ["verify", "tls_verify", "insecure", "verify_certificates"])
def test_tls_opt_out_has_one_name(key: str) -> None:
    """Other names for turning TLS verification off point to the one real key."""
    data = minimal()
    data["connectivity"][key] = False
    (problem,) = problems_of(data)
    assert problem.startswith(
        f'connectivity.{key}: unknown key; did you mean "insecure_skip_certificate_verification"?'
    )


@pytest.mark.usefixtures("env")
def test_documented_example_loads(tmp_path: Path) -> None:
    """The complete example in docs/configuration.md loads."""
    doc = Path(__file__).parents[2] / "docs" / "configuration.md"
    example = doc.read_text().split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "ca.pem").write_text("x")
    path = tmp_path / "connector.toml"
    path.write_text(example)
    config = ConnectorConfig.from_file(path)
    assert config.connectivity.effective_port == 389
    assert len(config.mappings) == 3


def test_password_put_under_password_env_is_not_echoed() -> None:
    """A password mistakenly written as ``password_env`` is refused without repeating it."""
    data = minimal()
    data["connectivity"].update(binding="simple", user="cn=a", password_env=PASSWORD)
    (problem,) = problems_of(data)
    assert problem.startswith("connectivity.password_env: must be the name of an environment")
    assert PASSWORD not in problem
