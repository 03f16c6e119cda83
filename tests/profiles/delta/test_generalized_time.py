"""GeneralizedTime as the change logs write it (RFC 4517 section 3.3.13), UTC only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldapconnector.profiles.delta._changes import parse_generalized_time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20261207061500Z", datetime(2026, 12, 7, 6, 15, 0, tzinfo=UTC)),
        ("20261207061500.123456Z", datetime(2026, 12, 7, 6, 15, 0, 123456, tzinfo=UTC)),
        ("20261207061500.5Z", datetime(2026, 12, 7, 6, 15, 0, 500000, tzinfo=UTC)),
        ("20261207061500,1234567Z", datetime(2026, 12, 7, 6, 15, 0, 123456, tzinfo=UTC)),
        (" 20000229235959Z ", datetime(2000, 2, 29, 23, 59, 59, tzinfo=UTC)),
        ("20261207061500", None),  # no zone: not UTC
        ("2026120706150Z", None),
        (None, None),
    ],
)
def test_generalized_time(text: str | None, expected: datetime | None) -> None:
    assert parse_generalized_time(text) == expected


@pytest.mark.parametrize("text", ["20261307061500Z", "20230229000000Z", "20261207246000Z"])
def test_an_impossible_moment_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError, match=r"must be in|out of range"):
        parse_generalized_time(text)


@given(st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)))
def test_what_is_written_is_read_back(moment: datetime) -> None:
    text = moment.strftime("%Y%m%d%H%M%S.%fZ")
    assert parse_generalized_time(text) == moment.replace(tzinfo=UTC)
