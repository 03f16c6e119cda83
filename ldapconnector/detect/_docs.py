"""Generate ``docs/vendors.md`` from the rules tables, so the docs cannot drift.

The page is rewritten with ``python -c "from ldapconnector.detect import
render_vendor_matrix as r; print(r(), end='')" > docs/vendors.md`` (``import
ldapconnector.detect as d`` would give the top-level ``detect`` function); a test compares
the committed page with :func:`render_vendor_matrix` and fails when it is stale.
"""

from __future__ import annotations

from ldapconnector.detect._delta_source import DeltaSource
from ldapconnector.detect._requests import root_dse_attributes_to_request
from ldapconnector.detect._ruleset import VendorRules, default_rules
from ldapconnector.detect._ruletypes import AnchorCandidate, AnchorCheck, VendorRule
from ldapconnector.detect._tables import (
    DELTA_EVIDENCE,
    MANDATORY_FEATURES,
    NON_DATA_CONTEXTS,
)

__all__ = ["render_vendor_matrix"]

_HEADER = """\
# Directory servers: detection, anchors, delta sources

<!-- GENERATED from ldapconnector/detect/_rules.py and _tables.py by
     python -c "from ldapconnector.detect import render_vendor_matrix as r; print(r(), end='')"
     > docs/vendors.md -- do not edit by hand; tests/detect/test_detect_docs.py fails when
     this page is stale. -->

`ldapconnector fingerprint` / `lc.fingerprint(root_dse, schema)` reads the Root DSE
(RFC 4512 §5.1) and, when given, the subschema entry. Each matching signal adds its weight
(hint 1, strong 3, decisive 5) to its vendor; the best vendor needs 3 to be named and 6 for
high confidence. Strong signals of another vendor, or a tie, are reported as conflicts and
lower the confidence by one level. So does a product that normally publishes
`vendorName`/`vendorVersion` (RFC 3045) but was recognised without them: a rebuild under
another name, or strings hidden by access control, is found from what a rebrand keeps
(OID families, Root DSE attribute names, schema markers), and the evidence says so.
Below that, the answer is `unknown`, with the evidence. The table is a value you can
extend with rules for products it does not know: see [detection.md](detection.md).
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _anchor(candidate: AnchorCandidate) -> str:
    conditions = []
    if candidate.check is AnchorCheck.SCHEMA_IF_GIVEN:
        conditions.append("unless the schema lacks it")
    elif candidate.check is AnchorCheck.SCHEMA_REQUIRED:
        conditions.append("only if the schema has it")
    if candidate.min_version:
        conditions.append(f"version {candidate.min_version}+")
    suffix = f" ({', '.join(conditions)})" if conditions else ""
    return f"`{candidate.attribute}`{suffix}"


def _summary_row(rule: VendorRule) -> str:
    anchor = _anchor(rule.anchors[0])
    delta = " > ".join(s.value for s in rule.delta)
    log = f"`{rule.change_log}`" if rule.change_log else "-"
    disable = f"`{rule.disable.attribute}: {rule.disable.value}`" if rule.disable else "-"
    cells = [f"`{rule.vendor.value}`", rule.product, anchor, delta, log, disable]
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _summary(rules: VendorRules) -> list[str]:
    lines = [
        "## Summary",
        "",
        "| vendor | product | anchor | delta sources (best first) | change log | disable |",
        "|---|---|---|---|---|---|",
    ]
    lines += [_summary_row(rule) for rule in (*rules, rules.fallback)]
    return [*lines, ""]


def _vendor_section(rule: VendorRule) -> list[str]:
    lines = [f"## `{rule.vendor.value}`: {rule.product}", ""]
    if rule.notes:
        lines += [rule.notes, ""]
    lines += ["| signal | weight |", "|---|---|"]
    lines += [f"| {_cell(s.describe())} | {s.weight.name.lower()} |" for s in rule.signals]
    lines.append("")
    for product in rule.products:
        signals = "; ".join(s.describe() for s in product.signals)
        lines.append(f"- product **{product.product}** when: {signals}")
    for version in rule.versions:
        lines.append(f"- version from `{version.attribute}`")
    lines += [f"- anchor {_anchor(a)}: {a.note}" for a in rule.anchors]
    if rule.publishes_vendor_strings and rule.brand_signals:
        lines.append(
            "- without a matching vendorName/vendorVersion (hidden, or a rebuild under "
            "another name): found from the other signals, one confidence level lower"
        )
    if rule.delta_note:
        lines.append(f"- delta: {rule.delta_note}")
    if rule.disable and rule.disable.description:
        lines.append(f"- disable: {rule.disable.description}")
    lines += [f"- source: {source}" for source in rule.sources]
    return [*lines, ""]


def _capabilities(rules: VendorRules) -> list[str]:
    lines = ["## Delta sources: what proves they are offered", ""]
    for source, signals in DELTA_EVIDENCE:
        lines.append(f"- `{source.value}`: any of " + "; ".join(s.describe() for s in signals))
    lines.append(f"- `{DeltaSource.TIMESTAMPS.value}`: always (cannot see deletes)")
    lines += ["", "## Naming contexts that are never default partitions", ""]
    for rule in NON_DATA_CONTEXTS:
        where = f"values of `{rule.attribute}`" if rule.attribute else f"`{rule.pattern}`"
        lines.append(f"- {rule.reason}: {where}")
    lines += ["", "## Mandatory features", ""]
    for feature in MANDATORY_FEATURES:
        groups = " or ".join(" + ".join(s.value for s in g) for g in feature.groups)
        lines.append(f"- **{feature.name}** ({groups}): {feature.note}")
    lines += ["", "## Root DSE attributes live detection requests", ""]
    lines.append(", ".join(f"`{name}`" for name in root_dse_attributes_to_request(rules)))
    return [*lines, ""]


def render_vendor_matrix(rules: VendorRules | None = None) -> str:
    """Return the Markdown of ``docs/vendors.md``, generated from the rules tables.

    Args:
        rules: the rules to document (the built-in table when None), so a set with
            in-house rules can be documented the same way.
    """
    rules = default_rules() if rules is None else rules
    lines = [_HEADER, *_summary(rules)]
    for rule in rules:
        lines += _vendor_section(rule)
    lines += _capabilities(rules)
    return "\n".join(lines).rstrip("\n") + "\n"
