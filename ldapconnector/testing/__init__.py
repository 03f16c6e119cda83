"""Throwaway real directory servers for tests (ours and downstream suites'), and
recorded vendor data for servers nobody can run locally.

How this layer works: a server class builds its configuration in a fresh temp dir, starts
the real server program on free loopback ports as a child process (:class:`ServerProcess`),
polls a :class:`CommandProbe` until the server answers, and tears everything down on exit,
on errors and on KeyboardInterrupt. :class:`OpenLDAPServer` runs the Debian ``slapd``; the
pytest plugin (:mod:`ldapconnector.testing.pytest_plugin`, a ``pytest11`` entry point)
turns it into the ``openldap_server`` and ``fresh_openldap_server`` fixtures. Each server
describes itself as :class:`Endpoints`, from which ``connectivity()`` builds the
``[connectivity]`` settings. Only ldap-utils and openssl are driven here, never ldap3.
See ``docs/test-servers.md``.
"""

from ldapconnector.testing._certs import CertificateFiles, make_test_certificates
from ldapconnector.testing._connectivity import Endpoints
from ldapconnector.testing._openldap import OpenLDAPServer
from ldapconnector.testing._ports import free_ports, port_is_free
from ldapconnector.testing._process import (
    CommandProbe,
    ServerProcess,
    TestServerError,
    find_program,
)

__all__ = [
    "CertificateFiles",
    "CommandProbe",
    "Endpoints",
    "OpenLDAPServer",
    "ServerProcess",
    "TestServerError",
    "find_program",
    "free_ports",
    "make_test_certificates",
    "port_is_free",
]
