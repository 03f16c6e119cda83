"""The object identifiers the code acts on: controls, extended operations, schema OIDs.

One home for each OID the layers send or test for; the detection layer's naming table
(:data:`~ldapconnector.detect.KNOWN_OIDS`) and its rules use these same constants. Every
name here is public (re-exported by :mod:`ldapconnector.model`).
"""

from __future__ import annotations

PAGED_RESULTS_OID = "1.2.840.113556.1.4.319"
"""Simple paged results control (RFC 2696)."""

SORT_REQUEST_OID = "1.2.840.113556.1.4.473"
"""Server-side sort request control (RFC 2891)."""

SORT_RESPONSE_OID = "1.2.840.113556.1.4.474"
"""Server-side sort response control (RFC 2891)."""

VLV_REQUEST_OID = "2.16.840.1.113730.3.4.9"
"""Virtual list view request control (draft-ietf-ldapext-ldapv3-vlv)."""

VLV_RESPONSE_OID = "2.16.840.1.113730.3.4.10"
"""Virtual list view response control (draft-ietf-ldapext-ldapv3-vlv)."""

POST_READ_OID = "1.3.6.1.1.13.2"
"""Post-read control: the entry as the write left it (RFC 4527)."""

PASSWORD_MODIFY_OID = "1.3.6.1.4.1.4203.1.11.1"  # noqa: S105 - an OID, not a secret
"""Password modify extended operation (RFC 3062)."""

DIRSYNC_OID = "1.2.840.113556.1.4.841"
"""LDAP_SERVER_DIRSYNC_OID (MS-ADTS 3.1.1.3.4.1.3)."""

SHOW_DELETED_OID = "1.2.840.113556.1.4.417"
"""LDAP_SERVER_SHOW_DELETED_OID (MS-ADTS 3.1.1.3.4.1.14): return tombstones too."""

TREE_DELETE_OID = "1.2.840.113556.1.4.805"
"""LDAP_SERVER_TREE_DELETE_OID (MS-ADTS 3.1.1.3.4.1.15): delete a subtree in one request."""

OBJECT_CLASS_OID = "2.5.4.0"
"""The ``objectClass`` attribute type (RFC 4512 section 3.3)."""
