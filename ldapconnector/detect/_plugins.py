"""Vendor rules from installed packages: the ``ldapconnector.vendor_rules`` entry points.

A package that knows a product the built-in table does not (an in-house directory, a
fork) contributes its rule by naming, in its metadata, a
:class:`~ldapconnector.detect.VendorRule` (or an iterable of them)::

    [project.entry-points."ldapconnector.vendor_rules"]
    contoso = "my_package.detection:CONTOSO_RULE"

:func:`installed_vendor_rules` is the built-in table plus every rule so contributed; it
is what the :class:`~ldapconnector.connector.Connector` detects with by default. Nothing
is registered globally: :func:`~ldapconnector.detect.fingerprint` itself keeps using the
table it is given (the built-in one when none), so detection stays a pure function.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import EntryPoint

from ldapconnector._entry_points import add_entry_point_items
from ldapconnector.detect._ruleset import VendorRules, default_rules
from ldapconnector.detect._ruletypes import VendorRule
from ldapconnector.errors import DetectionError

__all__ = ["VENDOR_RULES_ENTRY_POINT_GROUP", "installed_vendor_rules"]

#: The entry-point group that contributes vendor rules.
VENDOR_RULES_ENTRY_POINT_GROUP = "ldapconnector.vendor_rules"


def installed_vendor_rules(
    points: Iterable[EntryPoint] | None = None, *, base: VendorRules | None = None
) -> VendorRules:
    """The built-in vendor rules plus those installed packages contribute.

    Contributed rules come after the built-in ones (the order breaks exact score ties),
    in the order of the entry points' names.

    Args:
        points: the entry points to read; default: the environment's
            ``ldapconnector.vendor_rules`` group.
        base: the rules to add to (default: :func:`~ldapconnector.detect.default_rules`).

    Raises:
        ConfigurationError: an entry point cannot be loaded, gives something else than
            vendor rules, or gives a rule the set refuses (a second rule for a vendor it
            has, a rule for ``unknown``, a rule without signals); each names the entry
            point and its distribution.
    """
    rules = base if base is not None else default_rules()
    return add_entry_point_items(
        group=VENDOR_RULES_ENTRY_POINT_GROUP,
        points=points,
        base=rules,
        kind=VendorRule,
        add=VendorRules.with_rule,
        refusals=(DetectionError,),
    )
