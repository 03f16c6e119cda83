"""Detection without the vendor strings: rebuilt, rebranded or hidden vendorName/vendorVersion.

A rebrand changes ``vendorName``/``vendorVersion`` (RFC 3045) and nothing else: the OID
families, the Root DSE attribute names and the schema markers stay. Detection falls back on
those, one confidence level lower, and says so in the evidence.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import ldapconnector.testing
from ldapconnector._ldif_io import read_ldif_file
from ldapconnector.detect import Confidence, Vendor, default_rules, fingerprint

# The recorded Root DSEs ship with the package (ldapconnector.testing.recorded_servers()).
DATA = Path(ldapconnector.testing.__file__).resolve().parent / "data" / "recorded"
FALLBACK = "identified from what a rebrand keeps"
ORDER = [Confidence.NONE, Confidence.LOW, Confidence.MEDIUM, Confidence.HIGH]

# Recorded rebrands: (file, the family, the confidence the fallback allows).
REBRANDS = [
    ("389ds-2.3.1-rebuild.ldif", Vendor.DS389, Confidence.MEDIUM),
    ("freeipa-4.3-partial.ldif", Vendor.DS389, Confidence.LOW),
    ("forgerock-ds-7.2-restricted.ldif", Vendor.OPENDJ, Confidence.MEDIUM),
]
# Products whose Root DSE says nothing but the vendor strings: without them, unknown.
STRINGS_ONLY = {"isode-m-vault-19.ldif", "radiantone-7.2.ldif"}
# Products sharing their code base with a sibling: without the strings it is a tie.
SIBLINGS = {"opends-2.2.ldif": Vendor.OPENDJ, "oracle-dsee-11.1.1.7.ldif": Vendor.DS389}
ROOT_DSES = sorted(p.name for p in DATA.glob("*.ldif") if ".schema." not in p.name)


def load(name: str) -> dict[str, tuple[str | bytes, ...]]:
    """The attributes of a recorded Root DSE."""
    return read_ldif_file(DATA / name)[0].attributes


def stripped(name: str) -> dict[str, tuple[str | bytes, ...]]:
    """The recorded Root DSE without vendorName and vendorVersion."""
    hidden = {"vendorname", "vendorversion"}
    return {k: v for k, v in load(name).items() if k.lower() not in hidden}


@pytest.mark.parametrize(("name", "vendor", "confidence"), REBRANDS)
def test_recorded_rebrands_are_found_from_what_a_rebrand_keeps(
    name: str, vendor: Vendor, confidence: Confidence
) -> None:
    """Each rebrand capture gives its family, below high confidence, with the fallback listed."""
    info = fingerprint(load(name))
    assert info.vendor is vendor
    assert info.confidence is confidence
    assert any(FALLBACK in e for e in info.evidence)
    assert info.evidence.index(next(e for e in info.evidence if FALLBACK in e)) > 0
    assert info.conflicts == ()


def test_an_unknown_vendor_name_is_quoted_in_the_evidence() -> None:
    """A rebuild's own vendor strings are named, so an operator sees what was not recognised."""
    info = fingerprint(load("389ds-2.3.1-rebuild.ldif"))
    note = next(e for e in info.evidence if FALLBACK in e)
    assert "'Example Linux Project'" in note
    assert "'Example-Directory/2.3.1 B2025.016.1616'" in note
    assert info.version == "2.3.1"


@pytest.mark.parametrize(
    "name", [n for n in ROOT_DSES if n not in STRINGS_ONLY and n not in SIBLINGS]
)
def test_a_capture_without_its_vendor_strings_still_detects(name: str) -> None:
    """Stripping vendorName/vendorVersion keeps the vendor; it costs a level where they
    were evidence, and nothing where the family is known without them (OpenLDAP, AD, and
    Samba, which AD DS's Windows servers are told apart from only by product)."""
    full = fingerprint(load(name))
    bare = fingerprint(stripped(name))
    assert bare.vendor is full.vendor
    used_strings = any(e.startswith(("vendorName is", "vendorVersion is")) for e in full.evidence)
    if used_strings and default_rules().rule_for(full.vendor).publishes_vendor_strings:
        assert ORDER.index(bare.confidence) < ORDER.index(full.confidence)
        assert any(FALLBACK in e for e in bare.evidence)
    else:
        assert bare.confidence is full.confidence


@pytest.mark.parametrize("name", sorted(SIBLINGS))
def test_siblings_without_vendor_strings_are_a_reported_tie(name: str) -> None:
    """OpenDS/OpenDJ and ODSEE/389 DS share code: stripped, the evidence says it is a tie."""
    full = fingerprint(load(name))
    bare = fingerprint(stripped(name))
    assert bare.vendor is SIBLINGS[name]
    assert f"equally consistent with {full.vendor.value}" in bare.conflicts
    assert bare.confidence is Confidence.LOW


@pytest.mark.parametrize("name", sorted(STRINGS_ONLY))
def test_products_known_only_by_their_strings_become_unknown(name: str) -> None:
    """With nothing but the vendor strings to go on, the answer is unknown, not a guess."""
    assert fingerprint(stripped(name)).vendor is Vendor.UNKNOWN


def test_products_that_never_publish_vendor_strings_lose_nothing() -> None:
    """OpenLDAP publishes no vendorName: its decisive object class keeps high confidence."""
    info = fingerprint(load("openldap-2.5.ldif"))
    assert info.confidence is Confidence.HIGH
    assert not any(FALLBACK in e for e in info.evidence)
