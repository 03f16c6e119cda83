"""Throwaway real directory servers for tests (ours and downstream suites'), and
recorded vendor data for servers nobody can run locally.

How this layer works: a server class builds its configuration in a fresh temp dir, starts
the real server program on free loopback ports as a child process (:class:`ServerProcess`),
polls a :class:`CommandProbe` until the server answers, and tears everything down on exit,
on errors and on KeyboardInterrupt. :class:`OpenLDAPServer` runs the Debian ``slapd``,
:class:`DS389Server` a 389 Directory Server (``ns-slapd``, Retro Changelog) created with
``dscreate`` in a private prefix, and :class:`SambaADServer` a Samba AD DC (the AD-family
server, on Samba's fixed ports, one at a time) copied from a domain provisioned once per
process. :class:`PostgreSQLServer` is a throwaway PostgreSQL cluster (``initdb`` in a
temp dir) for the PostgreSQL link store, and
:mod:`ldapconnector.testing.link_store_contract` the test suite every link store backend
passes. The pytest plugin (:mod:`ldapconnector.testing.pytest_plugin`, a ``pytest11``
entry point) turns them into the ``openldap_server``, ``fresh_openldap_server``,
``ds389_server``, ``samba_ad_server``, ``postgresql_server`` and ``postgresql_database``
fixtures. Each server describes itself as
:class:`Endpoints`, from which ``connectivity()`` builds the ``[connectivity]`` settings.
The servers' base entries, configuration LDIF and config files are package data
(``ldapconnector/testing/data/*.in``) whose ``$names`` are filled in per server.
Only command-line tools (ldap-utils, openssl, the servers' own) are driven here, never
ldap3. See ``docs/test-servers.md``.

Recorded vendor data ships too (``ldapconnector/testing/data/recorded/``):
:func:`recorded_servers` lists the recorded Root DSE and schema captures with their vendor
and :class:`Provenance` (real capture, altered capture, reconstructed from documentation),
:func:`recorded` loads one with its :class:`~ldapconnector.detect.ServerInfo` and parsed
:class:`~ldapconnector.schema.Schema`, and :func:`read_ldif` / :func:`read_ldif_file` read
LDIF as ``ldapsearch`` writes it (with or without ``-LLL``) for a suite's own captures.
:func:`present_recorded_root_dse` makes a running :class:`OpenLDAPServer` present a
recorded vendor's Root DSE (slapd's ``olcRootDSE``), so that detection and the code that
follows it can be run live against "an eDirectory-shaped" server; :func:`present_root_dse`
presents any given attributes (a product no recording exists of).
"""

from ldapconnector._ldif_io import LdifEntry, read_ldif, read_ldif_file
from ldapconnector.testing._certs import CertificateFiles, make_test_certificates
from ldapconnector.testing._connectivity import Endpoints
from ldapconnector.testing._ds389 import DS389Server
from ldapconnector.testing._ds389_config import DS389Plugin
from ldapconnector.testing._emulate import (
    VendorEmulation,
    present_recorded_root_dse,
    present_root_dse,
)
from ldapconnector.testing._openldap import OpenLDAPServer
from ldapconnector.testing._openldap_config import SlapdOverlay
from ldapconnector.testing._ports import PortPicker, free_ports, port_is_free
from ldapconnector.testing._postgres import PostgreSQLServer
from ldapconnector.testing._process import (
    CommandProbe,
    ServerProcess,
    TestServerError,
    find_program,
)
from ldapconnector.testing._recorded import (
    Provenance,
    RecordedCapture,
    RecordedServer,
    read_recorded_file,
    recorded,
    recorded_servers,
)
from ldapconnector.testing._samba import SAMBA_PORTS, SambaADServer

__all__ = [
    "SAMBA_PORTS",
    "CertificateFiles",
    "CommandProbe",
    "DS389Plugin",
    "DS389Server",
    "Endpoints",
    "LdifEntry",
    "OpenLDAPServer",
    "PortPicker",
    "PostgreSQLServer",
    "Provenance",
    "RecordedCapture",
    "RecordedServer",
    "SambaADServer",
    "ServerProcess",
    "SlapdOverlay",
    "TestServerError",
    "VendorEmulation",
    "find_program",
    "free_ports",
    "make_test_certificates",
    "port_is_free",
    "present_recorded_root_dse",
    "present_root_dse",
    "read_ldif",
    "read_ldif_file",
    "read_recorded_file",
    "recorded",
    "recorded_servers",
]
