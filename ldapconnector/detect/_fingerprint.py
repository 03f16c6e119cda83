"""The detection engine: evaluate the rules table against a Root DSE (and schema).

Scoring: every signal of every vendor rule that is present adds its weight to that vendor.
The best score wins if it reaches :data:`MIN_SCORE`; otherwise the answer is
``Vendor.UNKNOWN``. Strong signals of another vendor that the winner does not share are
*conflicts*: they are reported and cost one confidence level, as does a tie. A winner whose
product normally publishes ``vendorName``/``vendorVersion`` but matched neither (hidden, or
a rebuild under another name) was found from what a rebrand keeps (OID families, Root DSE
attribute names, schema markers): that costs one level too, and the evidence says so.
Nothing here raises on odd input: an empty or strange Root DSE is an answer with evidence.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from ldapconnector.detect._delta_source import DeltaSource
from ldapconnector.detect._info import (
    Confidence,
    FeatureCheck,
    NamedOid,
    ServerInfo,
    Vendor,
)
from ldapconnector.detect._oids import oid_name
from ldapconnector.detect._rootdse import AttributeMap, RootDSE
from ldapconnector.detect._ruleset import VendorRules, default_rules
from ldapconnector.detect._ruletypes import AnchorCandidate, AnchorCheck, VendorRule, Weight
from ldapconnector.detect._schemanames import SchemaNames
from ldapconnector.detect._tables import (
    DELTA_EVIDENCE,
    MANDATORY_FEATURES,
    NON_DATA_CONTEXTS,
)

__all__ = ["HIGH_SCORE", "MIN_SCORE", "fingerprint"]

MIN_SCORE = 3
"""The score a vendor needs before it is named (one strong signal, or several hints)."""
HIGH_SCORE = 6
"""The score for high confidence (two independent strong signals, or one decisive + more)."""
_KEPT_BY_REBRANDS = "OID families, Root DSE attribute names, schema markers"


@attrs.frozen(kw_only=True)
class _Score:
    rule: VendorRule
    hits: tuple[tuple[Weight, str, int], ...]  # (weight, evidence phrase, signal index)

    @property
    def total(self) -> int:
        return sum(weight for weight, _, _ in self.hits)

    @property
    def top_weight(self) -> int:
        return max((weight for weight, _, _ in self.hits), default=0)


@attrs.frozen(kw_only=True)
class _Decision:
    rule: VendorRule
    confidence: Confidence
    evidence: tuple[str, ...]
    conflicts: tuple[str, ...]


def fingerprint(
    root_dse: AttributeMap | RootDSE | None,
    schema: AttributeMap | None = None,
    *,
    rules: VendorRules | None = None,
) -> ServerInfo:
    """Identify a directory server from its Root DSE (RFC 4512 §5.1) and optional schema.

    Args:
        root_dse: the Root DSE attributes (name in any case -> values), or a
            :class:`RootDSE`. Empty or None gives ``Vendor.UNKNOWN`` with evidence.
        schema: the subschema entry's attributes (``objectClasses``, ``attributeTypes``)
            for schema probes (RFC 4512 §4.2), or None.
        rules: the vendor rules to evaluate; the built-in table
            (:func:`default_rules`) when None. Add a product with
            ``default_rules().with_rule(rule)``.

    Returns:
        A frozen :class:`ServerInfo`; never raises for unusual input.
    """
    root = root_dse if isinstance(root_dse, RootDSE) else RootDSE.from_mapping(root_dse)
    names, notes = _schema_names(schema)
    notes += _root_notes(root)
    decision = _decide(root, names, default_rules() if rules is None else rules)
    rule = decision.rule
    version = _version(rule, root)
    anchor, alternatives, anchor_notes = _choose_anchor(rule, names, version)
    delta, offered, change_log, delta_notes = _choose_delta(rule, root)
    partitions, context_notes = _partitions(root, change_log)
    return ServerInfo(
        vendor=rule.vendor,
        product=None if rule.vendor == Vendor.UNKNOWN else _product(rule, root, names),
        version=version,
        confidence=decision.confidence,
        evidence=(*notes, *decision.evidence, *anchor_notes, *delta_notes, *context_notes),
        conflicts=decision.conflicts,
        anchor=anchor,
        anchor_alternatives=alternatives,
        delta_source=delta,
        delta_sources=offered,
        change_log_dn=change_log,
        disable_method=rule.disable,
        default_partitions=partitions,
        **_root_dse_fields(root),
    )


def _root_dse_fields(root: RootDSE) -> dict[str, Any]:
    # What the report copies from the Root DSE as is (names added to the OIDs).
    return {
        "naming_contexts": root.naming_contexts,
        "subschema_dn": root.subschema_subentry,
        "supported_controls": _named(root.supported_controls),
        "supported_extensions": _named(root.supported_extensions),
        "supported_features": _named(root.supported_features),
        "supported_capabilities": _named(root.supported_capabilities),
        "sasl_mechanisms": root.supported_sasl_mechanisms,
        "ldap_versions": root.supported_ldap_versions,
        "mandatory_features": _features(root),
        "root_dse": root,
    }


def _schema_names(schema: AttributeMap | None) -> tuple[SchemaNames | None, tuple[str, ...]]:
    if schema is None:
        return None, ()
    names = SchemaNames.from_subschema(schema)
    if names.is_empty:
        return None, ("a schema was given but defines no object class or attribute type",)
    return names, (
        f"schema probes: {len(names.object_classes)} object classes, "
        f"{len(names.attribute_types)} attribute types",
    )


def _root_notes(root: RootDSE) -> tuple[str, ...]:
    if root.is_empty:
        return ("the Root DSE is empty: nothing readable (anonymous read refused?)",)
    notes = tuple(f"Root DSE quirk: {note}" for note in root.cleanup)
    if root.vendor_name is None:
        notes += ("the Root DSE publishes no vendorName",)
    return notes


def _score(rule: VendorRule, root: RootDSE, names: SchemaNames | None) -> _Score:
    hits = []
    for index, signal in enumerate(rule.signals):
        phrase = signal.match(root, names)
        if phrase is not None:
            hits.append((signal.weight, phrase, index))
    return _Score(rule=rule, hits=tuple(hits))


def _decide(root: RootDSE, names: SchemaNames | None, rules: VendorRules) -> _Decision:
    scores = [_score(rule, root, names) for rule in rules]
    order = {rule.vendor: i for i, rule in enumerate(rules)}
    scores.sort(key=lambda s: (-s.total, -s.top_weight, order[s.rule.vendor]))
    best = scores[0] if scores else None
    if best is None or best.total < MIN_SCORE:
        return _unknown(scores, rules.fallback)
    evidence = tuple(
        f"{phrase} -> {best.rule.vendor.value} ({Weight(w).name.lower()})"
        for w, phrase, _ in best.hits
    )
    conflicts = _conflicts(best, scores[1:])
    confidence = Confidence.HIGH if best.total >= HIGH_SCORE else Confidence.MEDIUM
    if conflicts:
        confidence = confidence.lowered()
        evidence += (f"conflicting evidence lowered the confidence to {confidence.value}",)
    unbranded = _unbranded(best, root)
    if unbranded is not None:
        confidence = confidence.lowered()
        evidence += (
            unbranded,
            f"identified without its vendor strings: confidence {confidence.value}",
        )
    return _Decision(rule=best.rule, confidence=confidence, evidence=evidence, conflicts=conflicts)


def _unbranded(best: _Score, root: RootDSE) -> str | None:
    """Say why the winner was found without its vendor strings, or None when it was not."""
    rule = best.rule
    if not (rule.publishes_vendor_strings and rule.brand_signals):
        return None
    if any(rule.signals[index].kind.is_brand for _, _, index in best.hits):
        return None
    published = [
        f"{name} {text!r}"
        for name, text in (("vendorName", root.vendor_name), ("vendorVersion", root.vendor_version))
        if text
    ]
    if published:
        found = (
            f"{' and '.join(published)} name no {rule.vendor.value} product (a rebuild or rebrand?)"
        )
    else:
        found = f"no vendorName/vendorVersion, which {rule.vendor.value} publishes (hidden?)"
    return f"{found}: identified from what a rebrand keeps ({_KEPT_BY_REBRANDS})"


def _conflicts(best: _Score, others: list[_Score]) -> tuple[str, ...]:
    own = {best.rule.signals[i] for _, _, i in best.hits}
    found: list[str] = []
    for other in others:
        if other.total and other.total == best.total:
            found.append(f"equally consistent with {other.rule.vendor.value}")
        for weight, phrase, index in other.hits:
            if weight >= Weight.STRONG and other.rule.signals[index] not in own:
                found.append(f"{phrase} points at {other.rule.vendor.value}")
    return tuple(dict.fromkeys(found))


def _unknown(scores: list[_Score], fallback: VendorRule) -> _Decision:
    hints = [
        f"{phrase} (hint for {s.rule.vendor.value})" for s in scores for _, phrase, _ in s.hits
    ]
    evidence = ("no vendor collected enough evidence: unknown", *hints)
    return _Decision(rule=fallback, confidence=Confidence.NONE, evidence=evidence, conflicts=())


def _product(rule: VendorRule, root: RootDSE, names: SchemaNames | None) -> str:
    for product in rule.products:
        if any(signal.match(root, names) for signal in product.signals):
            return product.product
    return rule.product


def _version(rule: VendorRule, root: RootDSE) -> str | None:
    for version_rule in rule.versions:
        found = version_rule.extract(root)
        if found:
            return found
    return None


def _version_tuple(text: str) -> tuple[int, ...]:
    match = re.match(r"\s*(\d+(?:\.\d+)*)", text)
    return tuple(int(part) for part in match.group(1).split(".")) if match else ()


def _anchor_verdict(
    candidate: AnchorCandidate, names: SchemaNames | None, version: str | None
) -> str | None:
    """Return why ``candidate`` cannot be used, or None when it can."""
    wanted = candidate.attribute.lower()
    have = _version_tuple(version or "")
    if candidate.min_version and have and have < _version_tuple(candidate.min_version):
        return f"needs version {candidate.min_version}+, the server is {version}"
    if candidate.check is AnchorCheck.SCHEMA_REQUIRED and names is None:
        return "no schema was given to confirm it"
    in_schema = names is None or names.has_attribute_type(wanted)
    if candidate.check is not AnchorCheck.NONE and wanted != "dn" and not in_schema:
        return "the schema does not define it"
    return None


def _choose_anchor(
    rule: VendorRule, names: SchemaNames | None, version: str | None
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    usable: list[AnchorCandidate] = []
    notes: list[str] = []
    for candidate in rule.anchors:
        why_not = _anchor_verdict(candidate, names, version)
        if why_not is None:
            usable.append(candidate)
        elif not usable:
            notes.append(f"anchor {candidate.attribute} not recommended: {why_not}")
    chosen = usable[0] if usable else AnchorCandidate(attribute="dn")
    unverified = chosen.check is AnchorCheck.SCHEMA_IF_GIVEN and names is None
    suffix = " (not checked: no schema given)" if unverified else ""
    notes.append(f"anchor {chosen.attribute}: {chosen.note or 'the DN'}{suffix}")
    others = tuple(c.attribute for c in usable[1:])
    return chosen.attribute, others, tuple(notes)


def _offered_delta(rule: VendorRule, root: RootDSE) -> list[DeltaSource]:
    offered = [
        source
        for source, signals in DELTA_EVIDENCE
        if any(signal.match(root, None) for signal in signals)
    ]
    if not root.is_empty:
        # A kind the evidence table knows nothing of (a plug-in reader's) cannot be probed:
        # the rule that recognised the server vouches for it.
        offered += [source for source in rule.delta if not source.is_builtin]
        offered.append(DeltaSource.TIMESTAMPS)
    return offered


def _change_log_dn(source: DeltaSource | None, rule: VendorRule, root: RootDSE) -> str | None:
    if source == DeltaSource.ACCESSLOG:
        signals = dict(DELTA_EVIDENCE)[DeltaSource.ACCESSLOG]
        for context in root.naming_contexts:
            if any(re.fullmatch(s.value, context, re.IGNORECASE) for s in signals):
                return context
    if source == DeltaSource.CHANGELOG:
        return root.first("changelog") or "cn=changelog"
    if source is not None and not source.is_builtin:
        return rule.change_log  # nothing to read it from: the rule's own log, if it names one
    return None


def _choose_delta(
    rule: VendorRule, root: RootDSE
) -> tuple[DeltaSource | None, tuple[DeltaSource, ...], str | None, tuple[str, ...]]:
    offered = _offered_delta(rule, root)
    trusted = tuple(source for source in rule.delta if source in offered)
    chosen = trusted[0] if trusted else None
    notes: list[str] = []
    ignored = [s.value for s in offered if s not in rule.delta]
    if ignored:
        why = rule.delta_note or "not a source this server is known to implement"
        notes.append(f"advertised but not used ({', '.join(ignored)}): {why}")
    usual = rule.delta[0]
    known = rule.vendor != Vendor.UNKNOWN and not root.is_empty
    if known and chosen != usual and usual != DeltaSource.TIMESTAMPS:
        where = f" ({rule.change_log})" if rule.change_log else ""
        how = f": {rule.delta_note}" if rule.delta_note else ""
        notes.append(f"the usual {usual.value}{where} is not advertised{how}")
    change_log = _change_log_dn(chosen, rule, root)
    if chosen is not None:
        where = f" at {change_log}" if change_log else ""
        vouched = "" if chosen.is_builtin else " (the vendor rule's own kind: not probed)"
        notes.append(f"delta source {chosen.value}{where}{vouched}")
    if chosen == DeltaSource.TIMESTAMPS:
        notes.append("timestamps cannot see deletes: schedule periodic full imports")
    return chosen, trusted, change_log, tuple(notes)


def _partitions(root: RootDSE, change_log: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    kept: list[str] = []
    notes: list[str] = []
    for context in root.naming_contexts:
        reason = next((r.reason for r in NON_DATA_CONTEXTS if r.matches(context, root)), None)
        if reason is None and change_log and context.lower() == change_log.lower():
            reason = "change log"
        if reason is None:
            kept.append(context)
        else:
            notes.append(f"naming context {context!r} is {reason}: not a default partition")
    return tuple(kept), tuple(notes)


def _named(oids: tuple[str, ...]) -> tuple[NamedOid, ...]:
    return tuple(NamedOid(oid=oid, name=oid_name(oid)) for oid in oids)


def _features(root: RootDSE) -> tuple[FeatureCheck, ...]:
    return tuple(
        FeatureCheck(name=f.name, present=f.present(root), oids=f.oids, note=f.note)
        for f in MANDATORY_FEATURES
    )
