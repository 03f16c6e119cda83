"""docs/anchors.md: its examples run, and its tables agree with the code's tables."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

from ldapconnector.anchors import ANCHOR_STRATEGIES, AnchorKind
from ldapconnector.detect._rules import VENDOR_RULES
from ldapconnector.detect._ruletypes import VendorRule
from ldapconnector.detect._tables import FALLBACK_RULE

DOC = Path(__file__).resolve().parents[2] / "docs" / "anchors.md"
_PYCON = re.compile(r"```pycon\n(.*?)```", re.DOTALL)


def _row(first_cell: str) -> str:
    """The table row of docs/anchors.md that starts with ``first_cell``."""
    prefix = f"| {first_cell} |"
    rows = [line for line in DOC.read_text("utf-8").splitlines() if line.startswith(prefix)]
    assert len(rows) == 1, f"expected one row for {first_cell}"
    return rows[0]


def test_examples_run() -> None:
    """Every ``pycon`` block of docs/anchors.md gives the output the page shows."""
    source = "\n".join(_PYCON.findall(DOC.read_text("utf-8")))
    assert source.count(">>>") > 10
    test = doctest.DocTestParser().get_doctest(source, {}, "docs/anchors.md", str(DOC), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    failures: list[str] = []
    runner.run(test, out=failures.append)
    assert failures == []


@pytest.mark.parametrize("rule", [*VENDOR_RULES, FALLBACK_RULE], ids=lambda r: r.vendor.value)
def test_vendor_table_follows_detection(rule: VendorRule) -> None:
    """The per-vendor row lists detection's anchor candidates in the same order."""
    expected = ", then ".join(f"`{candidate.attribute}`" for candidate in rule.anchors)
    assert f"| {expected} |" in _row(f"`{rule.vendor.value}`")


@pytest.mark.parametrize("kind", list(AnchorKind.builtins()), ids=lambda k: k.value)
def test_kind_table_follows_the_strategies(kind: AnchorKind) -> None:
    """The per-kind row states the binary and rename-safe flags of the strategies table."""
    strategy = ANCHOR_STRATEGIES[kind]
    cells = [cell.strip() for cell in _row(f"`{kind.value}`").strip("|").split("|")]
    assert cells[2] == ("yes" if strategy.binary else "no")
    assert cells[3] == ("yes" if strategy.rename_safe else "no")
    assert cells[5] == strategy.source


def test_link_store_section_names_every_table() -> None:
    """The "What is stored" table names every table of the SQLite file."""
    text = DOC.read_text("utf-8")
    assert "## The link store" in text
    for table in ("links", "watermarks", "imported", "imported_values", "meta"):
        assert f"`{table}`" in text
