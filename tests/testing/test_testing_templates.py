"""The test servers' data files: shipped, valid templates, filled in strictly."""

from __future__ import annotations

import string
import tomllib
from pathlib import Path

import pytest

import ldapconnector
from ldapconnector.testing import _ds389_config, _samba_config
from ldapconnector.testing._templates import read_data, render

PACKAGE_DIR = Path(ldapconnector.__file__).parent
DATA_DIR = PACKAGE_DIR / "testing" / "data"
# The project's own files sit beside tests/, wherever the package was installed from.
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
# Templates only: the recorded vendor data below data/recorded/ has its own tests.
DATA_FILES = sorted(path.name for path in DATA_DIR.iterdir() if path.is_file())


def test_there_are_data_files() -> None:
    """The base entries and configuration of all three servers are data files."""
    assert {"openldap-base.ldif.in", "ds389-base.ldif.in", "samba-base.ldif.in"} <= set(DATA_FILES)


@pytest.mark.parametrize("name", DATA_FILES)
def test_each_data_file_is_a_valid_template(name: str) -> None:
    """Every ``$`` in a data file is a placeholder or ``$$``, so substitute() never trips."""
    template = string.Template(read_data(name))
    assert template.is_valid()


@pytest.mark.parametrize("name", DATA_FILES)
def test_each_data_file_is_shipped_in_the_wheel(name: str) -> None:
    """A pattern of [tool.setuptools.package-data] matches the file, so pip install ships it."""
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["ldapconnector"]
    shipped = {path.resolve() for pattern in patterns for path in PACKAGE_DIR.glob(pattern)}
    assert (DATA_DIR / name).resolve() in shipped


@pytest.mark.parametrize("name", DATA_FILES)
def test_each_data_file_is_used(name: str) -> None:
    """Some module of ldapconnector.testing names the file (no orphaned data)."""
    sources = "".join(p.read_text(encoding="utf-8") for p in DATA_DIR.parent.glob("*.py"))
    assert f'"{name}"' in sources


def test_a_missing_value_fails_loudly() -> None:
    """A placeholder without a value raises instead of leaving ``$name`` in the output."""
    with pytest.raises(KeyError, match="service_dn"):
        render(_ds389_config.CHANGELOG_ACI_TEMPLATE, changelog_dn="cn=changelog")


def test_an_unused_value_fails_loudly() -> None:
    """A value the file has no placeholder for (a typo) raises too."""
    with pytest.raises(ValueError, match="no placeholder for servce_dn"):
        render(
            _ds389_config.CHANGELOG_ACI_TEMPLATE,
            changelog_dn="cn=changelog",
            service_dn="cn=s",
            servce_dn="cn=s",
        )


def test_values_are_inserted_verbatim() -> None:
    """A value holding ``$name`` or ``$$`` goes in as written, not expanded again."""
    text = render(
        _ds389_config.CHANGELOG_ACI_TEMPLATE, changelog_dn="cn=$service_dn", service_dn="cn=$$x"
    )
    assert text.startswith("dn: cn=$service_dn\n")
    assert 'userdn="ldap:///cn=$$x";)\n' in text


def test_samba_base_entries_hold_the_password_only_encoded() -> None:
    """The service password appears as base64 ``unicodePwd``, never in clear text."""
    text = _samba_config.base_entries_ldif(
        "DC=contoso,DC=lab", "CN=connector,OU=services,DC=contoso,DC=lab", "Secret-Aa1"
    )
    assert "Secret-Aa1" not in text
    assert f"unicodePwd:: {_samba_config.unicode_pwd('Secret-Aa1')}\n" in text
    assert "userPrincipalName: connector@contoso.lab\n" in text


def smb_conf_lines(settings: _samba_config.SambaSettings) -> list[str]:
    """The option lines of the smb.conf for ``settings`` (below ``[global]``)."""
    lines = _samba_config.smb_conf(settings).splitlines()
    assert lines[0] == "[global]"
    return lines[1:]


def test_smb_conf_keeps_every_path_inside_the_instance(tmp_path: Path) -> None:
    """Every directory setting of smb.conf is below the instance's directory."""
    settings = _samba_config.SambaSettings(
        directory=tmp_path / "dc",
        cert_file=tmp_path / "s.pem",
        key_file=tmp_path / "s.key",
        ca_file=tmp_path / "ca.pem",
    )
    options = dict(line.strip().split(" = ", 1) for line in smb_conf_lines(settings))
    paths = [value for key, value in options.items() if key.endswith(("dir", "directory", "path"))]
    assert len(paths) == 10
    assert all(path.startswith(f"{tmp_path / 'dc'}/") for path in paths)
