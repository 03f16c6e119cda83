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
"""

from ldapconnector.testing._certs import CertificateFiles, make_test_certificates
from ldapconnector.testing._connectivity import Endpoints
from ldapconnector.testing._ds389 import DS389Server
from ldapconnector.testing._openldap import OpenLDAPServer
from ldapconnector.testing._ports import free_ports, port_is_free
from ldapconnector.testing._postgres import PostgreSQLServer
from ldapconnector.testing._process import (
    CommandProbe,
    ServerProcess,
    TestServerError,
    find_program,
)
from ldapconnector.testing._samba import SAMBA_PORTS, SambaADServer

__all__ = [
    "SAMBA_PORTS",
    "CertificateFiles",
    "CommandProbe",
    "DS389Server",
    "Endpoints",
    "OpenLDAPServer",
    "PostgreSQLServer",
    "SambaADServer",
    "ServerProcess",
    "TestServerError",
    "find_program",
    "free_ports",
    "make_test_certificates",
    "port_is_free",
]
