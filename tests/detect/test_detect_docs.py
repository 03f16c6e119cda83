"""docs/vendors.md is generated from the rules table and must not be stale."""

from __future__ import annotations

from pathlib import Path

from ldapconnector.detect import Vendor, render_vendor_matrix

DOC = Path(__file__).resolve().parents[2] / "docs" / "vendors.md"
REGENERATE = (
    "python -c \"from ldapconnector.detect import render_vendor_matrix as r; print(r(), end='')\""
    " > docs/vendors.md"
)


def test_committed_vendor_matrix_is_up_to_date() -> None:
    """The committed page equals what the rules table generates now."""
    assert DOC.read_text(encoding="utf-8") == render_vendor_matrix(), f"regenerate: {REGENERATE}"


def test_vendor_matrix_has_a_row_per_vendor() -> None:
    """Every vendor value, unknown included, has a row in the summary table."""
    text = render_vendor_matrix()
    for vendor in Vendor.builtins():
        assert f"| `{vendor.value}` |" in text
