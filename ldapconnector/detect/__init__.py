"""Server detection: read the Root DSE, fingerprint the vendor, report capabilities.

How this layer works: it is pure. :func:`fingerprint` takes the Root DSE (RFC 4512 §5.1)
and, optionally, the subschema entry as plain attribute mappings and returns a frozen
:class:`ServerInfo`. The decisions live in one declarative rules table (``_rules.py``, plus
the vendor-independent tables in ``_tables.py``): weighted signals per vendor, products,
version sources, anchor candidates, delta sources and disable methods. The engine
(``_fingerprint.py``) only evaluates those rows, never trusts a single weak signal, reports
conflicting evidence as lowered confidence, and answers ``Vendor.UNKNOWN`` rather than
raising. ``docs/vendors.md`` is generated from the same tables by
:func:`render_vendor_matrix`. The table is a value, not a registry: :func:`default_rules`
returns it as :class:`VendorRules`, and a caller adds a product the table does not know
with ``default_rules().with_rule(VendorRule(vendor=Vendor("in-house"), ...))`` and passes
the result as ``rules=`` to :func:`fingerprint` (or to live detection); installed packages
contribute rules through the ``ldapconnector.vendor_rules`` entry points
(:func:`installed_vendor_rules`, the Connector's default). This layer never
opens a connection: live detection (:func:`ldapconnector.connector.detect`) reads the Root
DSE (naming :func:`root_dse_attributes_to_request`) and the subschema entry
(:func:`schema_attributes_to_request`) and hands them to :func:`fingerprint`.
"""

from ldapconnector.detect._delta_source import DeltaSource, as_delta_source
from ldapconnector.detect._docs import render_vendor_matrix
from ldapconnector.detect._fingerprint import fingerprint
from ldapconnector.detect._info import (
    Confidence,
    DisableMethod,
    FeatureCheck,
    NamedOid,
    ServerInfo,
    Vendor,
    as_vendor,
)
from ldapconnector.detect._oids import oid_name
from ldapconnector.detect._plugins import VENDOR_RULES_ENTRY_POINT_GROUP, installed_vendor_rules
from ldapconnector.detect._report import format_server_info
from ldapconnector.detect._requests import (
    root_dse_attributes_to_request,
    schema_attributes_to_request,
)
from ldapconnector.detect._rootdse import RootDSE
from ldapconnector.detect._ruleset import VendorRules, default_rules
from ldapconnector.detect._ruletypes import (
    AnchorCandidate,
    AnchorCheck,
    ProductRule,
    Signal,
    SignalKind,
    VendorRule,
    VersionRule,
    Weight,
)
from ldapconnector.detect._version_probe import (
    VERSION_PROBES,
    VersionProbe,
    apply_version_probe,
    version_probe_for,
)
from ldapconnector.model import ServerCertificate

__all__ = [
    "VENDOR_RULES_ENTRY_POINT_GROUP",
    "VERSION_PROBES",
    "AnchorCandidate",
    "AnchorCheck",
    "Confidence",
    "DeltaSource",
    "DisableMethod",
    "FeatureCheck",
    "NamedOid",
    "ProductRule",
    "RootDSE",
    "ServerCertificate",
    "ServerInfo",
    "Signal",
    "SignalKind",
    "Vendor",
    "VendorRule",
    "VendorRules",
    "VersionProbe",
    "VersionRule",
    "Weight",
    "apply_version_probe",
    "as_delta_source",
    "as_vendor",
    "default_rules",
    "fingerprint",
    "format_server_info",
    "installed_vendor_rules",
    "oid_name",
    "render_vendor_matrix",
    "root_dse_attributes_to_request",
    "schema_attributes_to_request",
    "version_probe_for",
]
