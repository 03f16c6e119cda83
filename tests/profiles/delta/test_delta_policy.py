"""The delta-source policy: detection's order, the stored watermark's source, DirSync rights."""

from __future__ import annotations

import pytest

from ldapconnector.detect import Confidence, DeltaSource, ServerInfo, Vendor
from ldapconnector.errors import ConfigurationError
from ldapconnector.profiles.delta import DeltaSourceChoice, choose_delta_source
from ldapconnector.space import Watermark

D = DeltaSource
AD = (D.DIRSYNC, D.USN_CHANGED, D.TIMESTAMPS)
SVC = "CN=svc,CN=Users,DC=contoso,DC=lab"


def _info(
    *sources: DeltaSource, vendor: Vendor = Vendor.AD_DS, product: str | None = "AD"
) -> ServerInfo:
    return ServerInfo(
        vendor=vendor, product=product, version=None, confidence=Confidence.HIGH, evidence=(),
        delta_source=sources[0] if sources else None, delta_sources=sources,
    )  # fmt: skip


def _stored(source: str) -> Watermark:
    return Watermark(profile="delta_import", value=f'{{"source":"{source}","x":1}}')


def _never() -> bool:
    raise AssertionError("the DirSync probe was not needed")


def test_detections_first_supported_source_is_read() -> None:
    """Unsupported sources (syncrepl) are skipped in detection's order."""
    info = _info(D.SYNCREPL, D.ACCESSLOG, D.TIMESTAMPS, vendor=Vendor.OPENLDAP)
    choice = choose_delta_source(info, stored=None, dirsync_permitted=_never)
    assert choice == DeltaSourceChoice(source=D.ACCESSLOG)
    # delta_source leads even when delta_sources lists it later (or not at all).
    moved = ServerInfo(
        vendor=Vendor.OPENLDAP, product=None, version=None, confidence=Confidence.LOW,
        evidence=(), delta_source=D.TIMESTAMPS, delta_sources=(D.ACCESSLOG, D.TIMESTAMPS),
    )  # fmt: skip
    assert choose_delta_source(moved, stored=None, dirsync_permitted=_never).source is D.TIMESTAMPS


def test_no_supported_source_is_a_configuration_error() -> None:
    """The message names the product (else the vendor) and every source this version reads."""
    with pytest.raises(ConfigurationError) as caught:
        choose_delta_source(_info(D.SYNCREPL, product="ApacheDS"), stored=None,
                            dirsync_permitted=_never)  # fmt: skip
    assert caught.value.problems == (
        "run_profiles.delta_import: ApacheDS offers no change source this version reads "
        "(accesslog, cn=changelog, uSNChanged, DirSync, timestamps)",
    )
    with pytest.raises(ConfigurationError, match="unknown offers no change source"):
        choose_delta_source(_info(vendor=Vendor.UNKNOWN, product=None), stored=None,
                            dirsync_permitted=True)  # fmt: skip


def test_the_stored_source_is_kept_while_offered() -> None:
    """A watermark's source wins over detection's order, without asking about DirSync."""
    kept = choose_delta_source(_info(*AD), stored=_stored("timestamps"), dirsync_permitted=_never)
    assert kept == DeltaSourceChoice(source=D.TIMESTAMPS)
    # Not offered any more, or unreadable: detection's order again.
    gone = choose_delta_source(_info(*AD), stored=_stored("accesslog"), dirsync_permitted=True)
    assert gone.source is D.DIRSYNC
    junk = Watermark(profile="delta_import", value="not json")
    assert choose_delta_source(_info(*AD), stored=junk, dirsync_permitted=True).source is D.DIRSYNC


def test_dirsync_needs_the_right_else_the_next_source_with_a_warning() -> None:
    """With the right: DirSync; without: uSNChanged, and a warning naming the account."""
    asked: list[bool] = []

    def probe() -> bool:
        asked.append(True)
        return True

    assert choose_delta_source(_info(*AD), stored=None, dirsync_permitted=probe) == (
        DeltaSourceChoice(source=D.DIRSYNC)
    )
    assert asked == [True]  # asked once
    refused = choose_delta_source(
        _info(*AD), stored=None, dirsync_permitted=lambda: False, account=SVC
    )
    assert refused.source is D.USN_CHANGED
    assert refused.warning == (
        f"delta import: {SVC} lacks the Replicating Directory Changes right needed for "
        "DirSync; reading usn-changed instead (docs/delta-import.md)"
    )
    anonymous = choose_delta_source(_info(*AD), stored=None, dirsync_permitted=False)
    assert anonymous.warning is not None
    assert anonymous.warning.startswith("delta import: the anonymous account lacks")


def test_dirsync_alone_is_read_without_asking() -> None:
    """When DirSync is the only source there is nothing to fall back to: no probe."""
    choice = choose_delta_source(_info(D.DIRSYNC), stored=None, dirsync_permitted=_never)
    assert choice == DeltaSourceChoice(source=D.DIRSYNC)
    later = choose_delta_source(
        _info(D.USN_CHANGED, D.DIRSYNC), stored=None, dirsync_permitted=_never
    )
    assert later.source is D.USN_CHANGED
