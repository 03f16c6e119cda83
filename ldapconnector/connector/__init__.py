"""The connector: one configured directory, wired through every layer.

How this layer works: :class:`Connector` opens the connection from ``[connectivity]``,
detects the server once (:func:`detect`: the Root DSE and the subschema entry read
through :mod:`ldapconnector.connection`, then the pure
:func:`~ldapconnector.detect.fingerprint`), parses the schema once, chooses the anchor,
and runs the run profiles against the link store. It is the one place that joins the
pure layers to a live server.
"""

from ldapconnector.connector._detect import detect, detect_with_subschema
from ldapconnector.connector._facade import Connector, schema_options

__all__ = ["Connector", "detect", "detect_with_subschema", "schema_options"]
