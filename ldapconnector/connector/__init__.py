"""The connector: one configured directory, wired through every layer.

How this layer works: :class:`Connector` opens the connection from ``[connectivity]``,
detects the server once (:func:`detect`: the Root DSE and the subschema entry read
through :mod:`ldapconnector.connection`, then the pure
:func:`~ldapconnector.detect.fingerprint`), parses the schema once, chooses the anchor,
and runs the run profiles against the link store. It is the one place that joins the
pure layers to a live server. :func:`open_link_store` opens the store ``[space]`` names
(its backend chosen by name from a :class:`~ldapconnector.space.LinkStoreRegistry`).
"""

from ldapconnector.connector._detect import detect, detect_with_subschema
from ldapconnector.connector._facade import Connector, schema_options
from ldapconnector.connector._store import link_store_settings, object_type_path, open_link_store

__all__ = [
    "Connector",
    "detect",
    "detect_with_subschema",
    "link_store_settings",
    "object_type_path",
    "open_link_store",
    "schema_options",
]
