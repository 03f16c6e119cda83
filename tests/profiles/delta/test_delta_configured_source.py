"""``[global] delta_source`` chooses the change reader by name, over detection's choice."""

from __future__ import annotations

from typing import Any

import pytest

from ldapconnector.anchors import AnchorStrategy
from ldapconnector.cli._demo_data import posix_example
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.detect import DeltaSource
from ldapconnector.errors import ConfigurationError
from ldapconnector.profiles.delta import (
    ChangeReader,
    DeleteCoverage,
    ReaderOptions,
    ReaderSpec,
    RenameEvidence,
    TimestampReader,
    configured_delta_source,
    default_readers,
)
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer


def _config(server: OpenLDAPServer, **global_: Any) -> ConnectorConfig:
    data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
    data |= {"run_profiles": {"delta_import": True}, "global": global_}
    return ConnectorConfig.from_dict(data, allow_literal_password=True)


def test_a_name_is_matched_ignoring_case_and_an_unknown_one_suggests_the_registered() -> None:
    """``AccessLog`` is accesslog; ``acesslog`` is an error with a did-you-mean and the list."""
    assert configured_delta_source(" AccessLog ") is DeltaSource.ACCESSLOG
    assert configured_delta_source("usn-changed") is DeltaSource.USN_CHANGED
    with pytest.raises(ConfigurationError) as caught:
        configured_delta_source("acesslog")
    message = str(caught.value)
    assert "global.delta_source: no reader named 'acesslog'" in message
    assert "did you mean 'accesslog'?" in message
    assert "registered: accesslog, changelog, usn-changed, dirsync, timestamps" in message
    with pytest.raises(ConfigurationError, match="no reader named 'syncrepl'"):
        configured_delta_source("syncrepl")  # a source no shipped reader reads


def test_the_key_is_checked_for_emptiness_when_loaded() -> None:
    """A blank name is refused with the config's own words, like any other key."""
    with pytest.raises(ConfigurationError, match=r"global\.delta_source: must not be empty"):
        ConnectorConfig.from_dict(
            {"connectivity": {"host": "h", "binding": "anonymous"}, "global": {"delta_source": " "}}
        )


@pytest.mark.integration
@pytest.mark.openldap
def test_the_configured_shipped_reader_is_used_over_accesslog(
    openldap_server: OpenLDAPServer,
) -> None:
    """slapd offers accesslog, detection picks it; ``delta_source = "timestamps"`` wins."""
    with SqliteLinkStore.in_memory() as store:
        with Connector(_config(openldap_server), store=store) as connector:
            assert connector.server_info.delta_source is DeltaSource.ACCESSLOG
            assert connector.delta_import().source is DeltaSource.ACCESSLOG
        config = _config(openldap_server, delta_source="timestamps")
        with Connector(config, store=store) as connector:
            assert connector.delta_import(reset=True).source is DeltaSource.TIMESTAMPS


@pytest.mark.integration
@pytest.mark.openldap
def test_a_plug_in_reader_is_chosen_by_name(openldap_server: OpenLDAPServer) -> None:
    """The configured name reaches the plug-in's factory; an unknown name lists it too."""
    built: list[ReaderOptions] = []

    def factory(options: ReaderOptions) -> ChangeReader:
        built.append(options)
        anchor: AnchorStrategy = options.anchor_strategy
        return TimestampReader(bases=options.bases, anchor=anchor)

    spec = ReaderSpec(
        source=DeltaSource.SYNCREPL, label="in-house", factory=factory, default_log_dn=None,
        deletes=DeleteCoverage.NONE, renames=RenameEvidence.KNOWN_DN, actors=False,
    )  # fmt: skip
    readers = default_readers().with_reader(spec)
    config = _config(openldap_server, delta_source="syncrepl")
    with Connector(config, readers=readers) as connector:
        assert connector.delta_import().source is DeltaSource.SYNCREPL
    assert [options.bases for options in built] == [(openldap_server.people_dn,)]
    config = _config(openldap_server, delta_source="sync-repl")
    unknown = r"did you mean 'syncrepl'\?.*syncrepl\)"
    with (
        Connector(config, readers=readers) as connector,
        pytest.raises(ConfigurationError, match=unknown),
    ):
        connector.delta_import()
