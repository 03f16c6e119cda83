"""The set of vendor rules detection evaluates: the built-in table, plus the caller's own.

There is no global registry to add to: a caller that knows a product the table does not
(an in-house directory, a fork) builds a :class:`VendorRules` value and passes it where
detection runs (``fingerprint(root, rules=...)``, ``detect(settings, rules=...)``,
``Connector(config, vendor_rules=...)``). The value is frozen; every change returns a new
set, so two connectors in one process can detect with different tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import attrs

from ldapconnector.detect._info import Vendor
from ldapconnector.detect._rules import VENDOR_RULES
from ldapconnector.detect._ruletypes import VendorRule
from ldapconnector.detect._tables import FALLBACK_RULE
from ldapconnector.errors import DetectionError

__all__ = ["VendorRules", "default_rules"]


def _rules_problems(rules: tuple[VendorRule, ...]) -> list[str]:
    problems: list[str] = []
    seen: set[Vendor] = set()
    for position, rule in enumerate(rules):
        where = f"rule {position} ({rule.vendor.value})"
        if rule.vendor == Vendor.UNKNOWN:
            problems.append(f"{where}: 'unknown' is the answer when no rule matches")
        if rule.vendor in seen:
            problems.append(f"{where}: a second rule for the same vendor (use replace=True)")
        if not rule.signals:
            problems.append(f"{where}: has no signals, so it can never be chosen")
        seen.add(rule.vendor)
    return problems


def _as_rules(rules: Iterable[VendorRule]) -> tuple[VendorRule, ...]:
    return tuple(rules)


def _check_rules(_instance: object, _attribute: object, rules: tuple[VendorRule, ...]) -> None:
    problems = _rules_problems(rules)
    if problems:
        raise DetectionError("invalid vendor rules: " + "; ".join(problems))


@attrs.frozen(kw_only=True)
class VendorRules:
    """An ordered, immutable set of vendor rules (order breaks exact score ties).

    Attributes:
        rules: one rule per vendor.
        fallback: what an unidentified server gets (vendor ``unknown``).

    Raises:
        DetectionError: two rules for one vendor, a rule for ``unknown``, or a rule
            without signals (the message names the rule's position and vendor).
    """

    rules: tuple[VendorRule, ...] = attrs.field(converter=_as_rules, validator=_check_rules)
    fallback: VendorRule = FALLBACK_RULE

    def __iter__(self) -> Iterator[VendorRule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    @property
    def vendors(self) -> tuple[Vendor, ...]:
        """The vendors the set can name, in order."""
        return tuple(rule.vendor for rule in self.rules)

    def rule_for(self, vendor: Vendor | str) -> VendorRule:
        """Return the rule for ``vendor`` (e.g. to derive a fork's rule from it).

        Raises:
            DetectionError: the set has no rule for that vendor (the message lists those
                it has).
        """
        wanted = Vendor.of(vendor)
        for rule in self.rules:
            if rule.vendor == wanted:
                return rule
        known = ", ".join(v.value for v in self.vendors)
        raise DetectionError(f"no vendor rule for {wanted.value!r} (the set has: {known})")

    def with_rule(self, rule: VendorRule, *, replace: bool = False) -> VendorRules:
        """Return a copy with ``rule`` added after the others.

        Args:
            rule: the new rule.
            replace: put it in the place of the existing rule for the same vendor instead
                (refused without it, so a typo cannot silently shadow a built-in).

        Raises:
            DetectionError: the set already has a rule for that vendor (and not
                ``replace``), or replacing was asked and there is none.
        """
        if not replace:
            return attrs.evolve(self, rules=(*self.rules, rule))
        position = self.vendors.index(self.rule_for(rule.vendor).vendor)
        rules = (*self.rules[:position], rule, *self.rules[position + 1 :])
        return attrs.evolve(self, rules=rules)

    def with_rules(self, rules: Iterable[VendorRule]) -> VendorRules:
        """Return a copy with each of ``rules`` added (see :meth:`with_rule`)."""
        result = self
        for rule in rules:
            result = result.with_rule(rule)
        return result

    def without(self, vendor: Vendor | str) -> VendorRules:
        """Return a copy without the rule for ``vendor`` (which must be in the set)."""
        dropped = self.rule_for(vendor)
        return attrs.evolve(self, rules=tuple(r for r in self.rules if r is not dropped))


_DEFAULT = VendorRules(rules=VENDOR_RULES)


def default_rules() -> VendorRules:
    """Return the built-in rules table (the vendors of ``docs/vendors.md``).

    Start from it to add a product: ``default_rules().with_rule(my_rule)``.
    """
    return _DEFAULT
