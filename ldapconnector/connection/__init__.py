"""The only layer that talks to a server (through ldap3).

How it works: :func:`open_connection` takes a
:class:`~ldapconnector.config.ConnectivityConfig`, refuses unsafe settings before any
traffic (a simple bind over clear text, unless allowed by name), opens the socket with
LDAPS or StartTLS and certificate verification, binds (anonymous, simple, SASL EXTERNAL
with a client certificate, or Kerberos), and returns an :class:`LdapConnection`. Its
methods read the Root DSE and subschema, stream paged searches as frozen :class:`Entry`
values (the next page asked for while the current one is read, each entry decoded in one
pass straight from its BER bytes), and write (add, modify, modify DN, delete, password
modify), one at a time or many in flight (:class:`Pipeline`, from
:meth:`LdapConnection.pipeline`, with the connection's own request encoder). No ldap3 type
or exception leaves this package: failures become :mod:`ldapconnector.errors` classes.
:func:`test_connection` walks the same steps and reports which one failed. Control values
(sort and VLV, Post-Read, DirSync) are encoded and decoded with one BER codec; the DirSync
one (:func:`encode_dirsync_request`, :func:`decode_dirsync_response`) is exported for the
delta reader, which sends that control itself. :func:`read_ranged_values` reads every value
of a big attribute, following AD's ranged retrieval (``member;range=0-1499``, ...);
:func:`complete_ranged` completes a search answer's ranged attributes the same way.
:class:`Reconnector` is the runners' one policy for reopening a lost connection
(exponential backoff up to a deadline). A
:class:`ReferralPolicy` says which referrals are followed (only to allow-listed hosts, with
the same TLS verification and bind); any other referral is an error naming its host.
"""

import warnings

with warnings.catch_warnings():
    # ldap3 2.9.1 still imports names pyasn1 0.6 deprecates (tagMap, typeMap). The warning
    # is about ldap3's code, not the caller's, and would fail every suite that runs with
    # ``-W error``; import ldap3 once here, quietly, before any module of this layer does.
    warnings.filterwarnings(
        "ignore", message="(tagMap|typeMap) is deprecated", category=DeprecationWarning
    )
    import ldap3  # noqa: F401

from ldapconnector.connection._certificate import certificate_from_der
from ldapconnector.connection._connection import LdapConnection
from ldapconnector.connection._diagnose import (
    ConnectionTestReport,
    StageResult,
    test_connection,
)
from ldapconnector.connection._dirsync import (
    DirSyncFlag,
    decode_dirsync_response,
    encode_dirsync_request,
)
from ldapconnector.connection._factory import open_connection
from ldapconnector.connection._pipeline import Pipeline, Reply, Waiter
from ldapconnector.connection._ranged import (
    RangedAnswer,
    answer_values,
    complete_ranged,
    read_ranged_values,
)
from ldapconnector.connection._reconnect import Reconnector
from ldapconnector.connection._referrals import ReferralPolicy

# The values this layer takes and returns live in ldapconnector.model; they are named
# here too because callers of the connection meet them in its signatures.
from ldapconnector.model import (
    DEFAULT_BINARY_ATTRIBUTES,
    PAGED_RESULTS_OID,
    SORT_REQUEST_OID,
    VLV_REQUEST_OID,
    ConnectionStage,
    Control,
    Entry,
    Modification,
    ModifyOp,
    ResponseControl,
    SearchPage,
    SearchScope,
    ServerCertificate,
    Value,
)

__all__ = [
    "DEFAULT_BINARY_ATTRIBUTES",
    "PAGED_RESULTS_OID",
    "SORT_REQUEST_OID",
    "VLV_REQUEST_OID",
    "ConnectionStage",
    "ConnectionTestReport",
    "Control",
    "DirSyncFlag",
    "Entry",
    "LdapConnection",
    "Modification",
    "ModifyOp",
    "Pipeline",
    "RangedAnswer",
    "Reconnector",
    "ReferralPolicy",
    "Reply",
    "ResponseControl",
    "SearchPage",
    "SearchScope",
    "ServerCertificate",
    "StageResult",
    "Value",
    "Waiter",
    "answer_values",
    "certificate_from_der",
    "complete_ranged",
    "decode_dirsync_response",
    "encode_dirsync_request",
    "open_connection",
    "read_ranged_values",
    "test_connection",
]
