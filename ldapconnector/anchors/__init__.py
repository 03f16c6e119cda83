"""Anchors: the immutable identifier that ties a directory object to a source user,
one codec per kind (objectGUID, GUID, entryUUID, nsUniqueId, ibm-entryUUID, dn). Pure.
"""

__all__: list[str] = []
