"""Anchors: the immutable identifier that ties a directory entry to a source user.

How this layer works: it is pure. Each kind of anchor (:class:`AnchorKind`: ``dn``,
``objectGUID``, eDirectory ``GUID``, ``entryUUID``, ``nsUniqueId``, ``ibm-entryUUID``) is
one row of a declarative table (:data:`ANCHOR_STRATEGIES`) holding its attribute, whether
it is binary or rename-safe, and one codec between the server's value and a canonical
string (``objectGUID`` little-endian per MS-ADTS, eDirectory ``GUID`` in network order,
RFC 4530 ``entryUUID``). An :class:`Anchor` is a frozen, hashable kind + canonical string
(with its strategy along): the key of the link store. It builds its own escaped RFC 4515
filter, its ``<GUID=...>`` extended DN on AD, and a :class:`LookupPlan` so the connection
layer finds the entry in one search. :func:`choose_anchor` applies the configuration over
detection's recommendation and refuses attributes the schema lacks or holds as
multi-valued.

The kinds are open: an :class:`AnchorRegistry` (``default_anchors()``, the table above)
gains a plug-in's :class:`AnchorStrategy` with ``with_strategy``, and
:func:`installed_anchors` adds those of the ``ldapconnector.anchors`` entry points.
"""

from ldapconnector.anchors._anchor import Anchor, LookupPlan, anchor_of_entry, anchors_of_entries
from ldapconnector.anchors._choose import AttributeFacts, SchemaLookup, choose_anchor
from ldapconnector.anchors._codecs import AnchorCodec
from ldapconnector.anchors._kind import AnchorKind
from ldapconnector.anchors._plugins import ANCHORS_ENTRY_POINT_GROUP, installed_anchors
from ldapconnector.anchors._registry import AnchorRegistry, default_anchors
from ldapconnector.anchors._strategy import (
    ANCHOR_STRATEGIES,
    AnchorStrategy,
    strategy_for,
    supports_guid_base_dn,
)

__all__ = [
    "ANCHORS_ENTRY_POINT_GROUP",
    "ANCHOR_STRATEGIES",
    "Anchor",
    "AnchorCodec",
    "AnchorKind",
    "AnchorRegistry",
    "AnchorStrategy",
    "AttributeFacts",
    "LookupPlan",
    "SchemaLookup",
    "anchor_of_entry",
    "anchors_of_entries",
    "choose_anchor",
    "default_anchors",
    "installed_anchors",
    "strategy_for",
    "supports_guid_base_dn",
]
