"""Capture the Root DSE and subschema entry of the test OpenLDAP as ``ldapsearch`` writes them.

Run from the project root: ``python tests/data/rootdse/capture_ldapsearch_default.py``. A
throwaway :class:`~ldapconnector.testing.OpenLDAPServer` is started and read anonymously with
the real ``ldapsearch`` in its default output (extended LDIF: comments, ``version: 1``, the
``search:``/``result:`` trailer, lines folded at 76 characters) and with ``-L``. Nothing is
stripped from the output, so the files test the readers on what people actually save; only
a comment saying where the file came from is put on top (ldapsearch's own comments follow).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from ldapconnector.testing import OpenLDAPServer

HERE = Path(__file__).parent
# The recorded data ships with the package (ldapconnector.testing.recorded_servers()).
RECORDED = HERE.parents[2] / "ldapconnector" / "testing" / "data" / "recorded"
SCHEMA = HERE.parent / "schema"

# (file, extra ldapsearch options, base DN); the scope is always base, attributes + and *.
CAPTURES = (
    (RECORDED / "openldap-2.5-ldapsearch-default.ldif", (), ""),
    (RECORDED / "openldap-2.5-ldapsearch-L.ldif", ("-L",), ""),
    (SCHEMA / "openldap-2.5-subschema-ldapsearch-default.ldif", (), "cn=Subschema"),
    (SCHEMA / "openldap-2.5-subschema-ldapsearch-L.ldif", ("-L",), "cn=Subschema"),
)


def main() -> None:
    """Start the server and write every capture."""
    with OpenLDAPServer() as server:
        for path, options, base in CAPTURES:
            argv = ["ldapsearch", "-x", *options, "-H", server.ldap_uri, "-b", base, "-s", "base"]
            argv += ["+", "*"]
            output = subprocess.run(argv, check=True, capture_output=True).stdout
            shown = " ".join(repr(arg) if arg in {"", "+", "*"} else arg for arg in argv)
            shown = shown.replace(server.ldap_uri, "ldap://server")
            header = (
                "# OpenLDAP slapd 2.5.13: a real capture from the project's throwaway test\n"
                "# server (ldapconnector.testing), read anonymously, output exactly as written by\n"
                f"# {shown}\n"
                "# Regenerate with tests/data/rootdse/capture_ldapsearch_default.py.\n"
            )
            path.write_bytes(header.encode("utf-8") + output)
            print(f"{path}: {len(output)} bytes")


if __name__ == "__main__":
    main()
