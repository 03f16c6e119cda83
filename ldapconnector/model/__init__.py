"""Plain values that cross the layers: entries, modifications, scopes, controls, OIDs, stages.

How this layer works: it holds data and nothing else. Every other layer may import it
(the pure ones included), and it imports no other layer and no ldap3, so a planner, a
decoder or a test can build an :class:`Entry` or a :class:`Modification` without a
connection. The connection layer turns these values into requests and back. One helper is
here because every layer quotes values in messages: :func:`shown_value` (escaped, cut
with a marker when long).
"""

from ldapconnector.model._certificate import ServerCertificate
from ldapconnector.model._entry import DEFAULT_BINARY_ATTRIBUTES, Entry, Value, entry_from_raw
from ldapconnector.model._members import GroupMember
from ldapconnector.model._oids import (
    DIRSYNC_OID,
    OBJECT_CLASS_OID,
    PAGED_RESULTS_OID,
    PASSWORD_MODIFY_OID,
    POST_READ_OID,
    SHOW_DELETED_OID,
    SORT_REQUEST_OID,
    SORT_RESPONSE_OID,
    TREE_DELETE_OID,
    VLV_REQUEST_OID,
    VLV_RESPONSE_OID,
)
from ldapconnector.model._requests import Control, Modification, ModifyOp, SearchScope, as_values
from ldapconnector.model._search_page import ResponseControl, SearchPage
from ldapconnector.model._shown import SHOWN_CHARACTERS, shown_value
from ldapconnector.model._stage import ConnectionStage

__all__ = [
    "DEFAULT_BINARY_ATTRIBUTES",
    "DIRSYNC_OID",
    "OBJECT_CLASS_OID",
    "PAGED_RESULTS_OID",
    "PASSWORD_MODIFY_OID",
    "POST_READ_OID",
    "SHOWN_CHARACTERS",
    "SHOW_DELETED_OID",
    "SORT_REQUEST_OID",
    "SORT_RESPONSE_OID",
    "TREE_DELETE_OID",
    "VLV_REQUEST_OID",
    "VLV_RESPONSE_OID",
    "ConnectionStage",
    "Control",
    "Entry",
    "GroupMember",
    "Modification",
    "ModifyOp",
    "ResponseControl",
    "SearchPage",
    "SearchScope",
    "ServerCertificate",
    "Value",
    "as_values",
    "entry_from_raw",
    "shown_value",
]
