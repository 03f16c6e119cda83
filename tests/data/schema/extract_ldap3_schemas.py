"""One-off: write ldap3's recorded subschema entries as JSON data files next to this script.

ldap3 2.9.1 ships recorded schemas in ``ldap3.protocol.schemas`` (captured by its author from
real servers).  Each data file keeps the subschema entry's attributes exactly as recorded
(``raw``), its DN, and a note of origin.  Run with the project's virtualenv:
``.venv/bin/python tests/data/schema/extract_ldap3_schemas.py``.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import ldap3
    from ldap3.protocol.schemas import ad2012R2, ds389, edir888, edir914, slapd24

HERE = Path(__file__).parent

SOURCES = {
    "ad-2012r2-subschema.json": (ad2012R2, "ad_2012_r2_schema", "Active Directory 2012 R2"),
    "389ds-1.3.3-subschema.json": (ds389, "ds389_1_3_3_schema", "389 Directory Server 1.3.3"),
    "edirectory-8.8.8-subschema.json": (edir888, "edir_8_8_8_schema", "NetIQ eDirectory 8.8.8"),
    "edirectory-9.1.4-subschema.json": (edir914, "edir_9_1_4_schema", "NetIQ eDirectory 9.1.4"),
    "openldap-2.4-subschema.json": (slapd24, "slapd_2_4_schema", "OpenLDAP slapd 2.4"),
}


def main() -> None:
    """Write one JSON file per recorded schema."""
    for file_name, (module, variable, product) in SOURCES.items():
        recorded = json.loads(getattr(module, variable))
        document = {
            "origin": (
                f"{product}: the subschema entry recorded in ldap3 {ldap3.__version__} "
                f"({module.__name__}.{variable}, 'raw' values verbatim), extracted by "
                "tests/data/schema/extract_ldap3_schemas.py"
            ),
            "dn": recorded["schema_entry"],
            "attributes": recorded["raw"],
        }
        text = json.dumps(document, indent=1, ensure_ascii=False, sort_keys=False)
        (HERE / file_name).write_text(text + "\n", encoding="utf-8")
        print(f"{file_name}: {sum(len(v) for v in recorded['raw'].values())} values")


if __name__ == "__main__":
    main()
