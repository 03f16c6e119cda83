"""Write the Root DSE (and subschema) captures that ldap3 ships as LDIF files in the
package's recorded data (``ldapconnector/testing/data/recorded``).

ldap3 records real server answers in ``ldap3.protocol.schemas`` (JSON strings of the
``raw`` attributes). This script turns the DSA info of each into ``<name>.ldif`` and, where
detection tests use it, the subschema into ``<name>.schema.ldif``. Run it from the project
root with the project's virtualenv: ``.venv/bin/python tests/data/rootdse/extract_ldap3.py``.
"""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path

import ldif

with warnings.catch_warnings():
    # pyasn1 0.6 deprecates names ldap3 2.9.1 still imports; harmless here.
    warnings.simplefilter("ignore", DeprecationWarning)
    import ldap3
    from ldap3.protocol.schemas import ad2012R2, ds389, edir888, edir914, slapd24

HERE = Path(__file__).parent
# The recorded data ships with the package (ldapconnector.testing.recorded_servers()).
RECORDED = HERE.parents[2] / "ldapconnector" / "testing" / "data" / "recorded"

# (output name, module, DSA info variable, schema variable or None, server description)
CAPTURES = (
    ("ad-ds-2012r2", ad2012R2, "ad_2012_r2_dsa_info", "ad_2012_r2_schema",
     "Active Directory Domain Services on Windows Server 2012 R2"),
    ("389ds-1.3.3", ds389, "ds389_1_3_3_dsa_info", "ds389_1_3_3_schema",
     "389 Directory Server 1.3.3"),
    ("edirectory-8.8.8", edir888, "edir_8_8_8_dsa_info", "edir_8_8_8_schema",
     "NetIQ eDirectory 8.8 SP8"),
    ("edirectory-9.1.4", edir914, "edir_9_1_4_dsa_info", "edir_9_1_4_schema",
     "NetIQ eDirectory 9.1.4"),
    ("openldap-2.4", slapd24, "slapd_2_4_dsa_info", "slapd_2_4_schema", "OpenLDAP slapd 2.4"),
)  # fmt: skip


def _header(description: str, module: str, variable: str) -> str:
    return (
        f"# {description}: a real capture recorded by the ldap3 project and shipped in\n"
        f"# ldap3 {ldap3.__version__} as {module}.{variable}; converted to LDIF by\n"
        f"# tests/data/rootdse/extract_ldap3.py (values unchanged, empty lists dropped).\n"
    )


def _write(path: Path, header: str, dn: str, raw: dict[str, list[str]]) -> None:
    entry = {k: [str(v) for v in vs] for k, vs in raw.items() if vs}
    out = io.BytesIO()
    ldif.LDIFWriter(out, cols=78).unparse(dn, entry)
    path.write_bytes(header.encode("utf-8") + b"\n" + out.getvalue())


def main() -> None:
    """Write every capture listed in ``CAPTURES``."""
    for name, module, dsa_var, schema_var, description in CAPTURES:
        dsa = json.loads(getattr(module, dsa_var))["raw"]
        module_name = module.__name__
        _write(RECORDED / f"{name}.ldif", _header(description, module_name, dsa_var), "", dsa)
        if schema_var is not None:
            schema = json.loads(getattr(module, schema_var))["raw"]
            subschema_dn = dsa.get("subschemaSubentry", ["cn=schema"])[0]
            header = _header(description + " (subschema)", module_name, schema_var)
            _write(RECORDED / f"{name}.schema.ldif", header, subschema_dn, schema)


if __name__ == "__main__":
    main()
