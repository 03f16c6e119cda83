"""Capture the Root DSE of the project's live test servers (389 DS, Samba AD) as LDIF.

Run from the project root: ``python tests/data/rootdse/capture_live.py``. Each server is
started with ``ldapconnector.testing``, its Root DSE read with ``ldapsearch`` asking for
``*``, ``+`` and every attribute detection names (AD returns some only when asked), and
written next to this script with a header saying where it came from.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ldapconnector.detect import root_dse_attributes_to_request
from ldapconnector.testing import DS389Server, SambaADServer

HERE = Path(__file__).parent
# The recorded data ships with the package (ldapconnector.testing.recorded_servers()).
RECORDED = HERE.parents[2] / "ldapconnector" / "testing" / "data" / "recorded"


def capture(server: DS389Server | SambaADServer, name: str, product: str) -> None:
    """Write the server's Root DSE, read anonymously over LDAPS, to ``name``."""
    env = {**os.environ, "LDAPTLS_CACERT": str(server.ca_file)}
    port = server.connectivity_config("ldaps").effective_port
    ldif = subprocess.run(
        ["ldapsearch", "-LLL", "-x", "-o", "ldif-wrap=no", "-H", f"ldaps://localhost:{port}",
         "-b", "", "-s", "base", "(objectClass=*)", *root_dse_attributes_to_request()],
        check=True, capture_output=True, text=True, env=env,
    ).stdout  # fmt: skip
    header = (
        f"# {product}: a real capture of the Root DSE of the project's throwaway test server\n"
        "# (ldapconnector.testing), read anonymously over LDAPS with ldapsearch asking for *,\n"
        "# + and every attribute detection names. Regenerate with capture_live.py.\n"
    )
    (RECORDED / name).write_text(header + ldif, encoding="utf-8")


def main() -> None:
    """Capture both servers."""
    with DS389Server() as server:
        capture(server, "389ds-2.3.1.ldif", "389 Directory Server 2.3.1 (Debian 12)")
    with SambaADServer() as server:
        capture(server, "samba-4.17.ldif", "Samba 4.17 AD DC (Debian 12)")


if __name__ == "__main__":
    main()
