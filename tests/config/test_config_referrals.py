"""``[global] follow_referrals`` and ``allowed_referral_hosts`` load only when they can act."""

from __future__ import annotations

import pytest

from ldapconnector.config import ConnectorConfig
from ldapconnector.errors import ConfigurationError


def _load(**global_: object) -> ConnectorConfig:
    data = {"connectivity": {"host": "ldap.example.org", "binding": "anonymous"}, "global": global_}
    return ConnectorConfig.from_dict(data)


def test_follow_referrals_needs_hosts() -> None:
    """Following with no allowed host would follow nothing: it is a configuration problem."""
    with pytest.raises(ConfigurationError) as caught:
        _load(follow_referrals=True)
    assert caught.value.problems == (
        "global.follow_referrals: needs allowed_referral_hosts: referrals are followed only "
        "to the hosts listed",
    )


def test_hosts_without_follow_are_refused() -> None:
    """Hosts listed while follow_referrals is off would do nothing: also refused."""
    with pytest.raises(ConfigurationError, match="has no effect unless follow_referrals = true"):
        _load(follow_referrals=False, allowed_referral_hosts=["ldap2.example.org"])


def test_follow_with_hosts_loads() -> None:
    """Both together load as typed values."""
    config = _load(follow_referrals=True, allowed_referral_hosts=["127.0.0.1", "LDAP2.example.org"])
    assert config.global_.follow_referrals is True
    assert config.global_.allowed_referral_hosts == ("127.0.0.1", "LDAP2.example.org")
