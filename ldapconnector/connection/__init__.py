"""The only layer that talks to a server (through ldap3).

How it works: :func:`open_connection` takes a
:class:`~ldapconnector.config.ConnectivityConfig`, refuses unsafe settings before any
traffic (a simple bind over clear text, unless allowed by name), opens the socket with
LDAPS or StartTLS and certificate verification, binds (anonymous, simple, SASL EXTERNAL
with a client certificate, or Kerberos), and returns an :class:`LdapConnection`. Its
methods read the Root DSE and subschema, stream paged searches as frozen :class:`Entry`
values, and write (add, modify, modify DN, delete, password modify). No ldap3 type or
exception leaves this package: failures become :mod:`ldapconnector.errors` classes.
:func:`test_connection` walks the same steps and reports which one failed.
"""

from ldapconnector.connection._certificate import ServerCertificate, certificate_from_der
from ldapconnector.connection._connection import (
    Control,
    LdapConnection,
    Modification,
    ModifyOp,
    SearchScope,
    open_connection,
)
from ldapconnector.connection._diagnose import (
    ConnectionStage,
    ConnectionTestReport,
    StageResult,
    test_connection,
)
from ldapconnector.connection._entry import DEFAULT_BINARY_ATTRIBUTES, Entry, Value
from ldapconnector.connection._search_page import ResponseControl, SearchPage
from ldapconnector.connection._search_results import PAGED_RESULTS_OID
from ldapconnector.connection._vlv import SORT_REQUEST_OID, VLV_REQUEST_OID

__all__ = [
    "DEFAULT_BINARY_ATTRIBUTES",
    "PAGED_RESULTS_OID",
    "SORT_REQUEST_OID",
    "VLV_REQUEST_OID",
    "ConnectionStage",
    "ConnectionTestReport",
    "Control",
    "Entry",
    "LdapConnection",
    "Modification",
    "ModifyOp",
    "ResponseControl",
    "SearchPage",
    "SearchScope",
    "ServerCertificate",
    "StageResult",
    "Value",
    "certificate_from_der",
    "open_connection",
    "test_connection",
]
