"""Export to AD DS (Samba AD too) is refused at the start unless [global] allow_ad_ds_export."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import attrs
import pytest

from ldapconnector.anchors import Anchor, AnchorStrategy
from ldapconnector.cli._schema import load_subschema_file
from ldapconnector.config import ConnectorConfig, GlobalConfig
from ldapconnector.detect import ServerInfo, Vendor, fingerprint
from ldapconnector.errors import ConfigurationError
from ldapconnector.expressions import FunctionRegistry, default_functions
from ldapconnector.model import Entry
from ldapconnector.profiles import export_request
from ldapconnector.profiles.export._supported import export_refusal
from ldapconnector.schema import Schema
from ldapconnector.space import LinkStore, SqliteLinkStore
from ldapconnector.testing import recorded

DATA = Path(__file__).parents[2] / "data"


def _recorded(name: str) -> ServerInfo:
    """What detection says of a recorded Root DSE (``ldapconnector.testing.recorded``)."""
    return fingerprint(recorded(name.removesuffix(".ldif")).root_dse)


@pytest.mark.parametrize(
    ("recording", "vendor", "refused"),
    [
        ("ad-ds-2012r2.ldif", Vendor.AD_DS, True),
        ("samba-4.17.ldif", Vendor.AD_DS, True),
        ("ad-lds-2019.ldif", Vendor.AD_LDS, False),
        ("openldap-2.5.ldif", Vendor.OPENLDAP, False),
        ("389ds-2.3.1.ldif", Vendor.DS389, False),
    ],
)
def test_only_ad_ds_is_refused_and_the_key_opts_in(
    recording: str, vendor: Vendor, refused: bool
) -> None:
    """AD DS and Samba AD need the opt-in; AD LDS, OpenLDAP and 389 DS do not."""
    info = _recorded(recording)
    assert info.vendor is vendor
    problem = export_refusal(info, GlobalConfig())
    assert (problem is not None) == refused
    if problem is not None:
        assert problem.startswith("global.allow_ad_ds_export: the server is Active Directory")
        assert "Microsoft does not support provisioning into AD DS" in problem
    assert export_refusal(info, GlobalConfig(allow_ad_ds_export=True)) is None


def _config(**global_: Any) -> ConnectorConfig:
    data = {
        "connectivity": {"host": "dc1.contoso.lab", "security": "ldaps", "binding": "anonymous"},
        "global": global_,
        "object_type": {"target": "user", "containers": ["OU=People,DC=contoso,DC=lab"]},
        "mappings": [
            {"type": "expression", "target": "-dn-",
             "expression": 'Join("", "CN=", [mail], ",OU=People,DC=contoso,DC=lab")'},
            {"type": "direct", "source": "surname", "target": "sn"},
        ],
    }  # fmt: skip
    return ConnectorConfig.from_dict(data)


@attrs.frozen(kw_only=True)
class _RecordedAD:
    """An ExportTarget made of recorded AD data: nothing here opens a connection."""

    config: ConnectorConfig
    store: LinkStore
    server_info: ServerInfo
    schema: Schema
    functions: FunctionRegistry = attrs.field(factory=default_functions)

    @property
    def connection(self) -> NoReturn:
        raise AssertionError("the refusal comes before any connection is used")

    def anchor_strategy(self) -> AnchorStrategy:
        raise AssertionError("the refusal comes before the anchor is chosen")

    def search_bases(self) -> tuple[str, ...]:
        return ("DC=contoso,DC=lab",)

    def resolve(self, anchor: Anchor, attributes: Sequence[str] = ("*",)) -> Entry | None:
        raise AssertionError("no entry is read")

    def close(self) -> None:
        """Nothing to close."""


def test_export_request_refuses_ad_ds_before_anything_else() -> None:
    """export_request (export and plan start there) raises ConfigurationError naming the key."""
    schema = Schema.from_subschema(
        load_subschema_file(DATA / "schema" / "ad-2012r2-subschema.json")
    )
    info = _recorded("ad-ds-2012r2.ldif")
    with SqliteLinkStore.in_memory() as store:
        target = _RecordedAD(config=_config(), store=store, server_info=info, schema=schema)
        with pytest.raises(ConfigurationError, match=r"global\.allow_ad_ds_export") as refused:
            export_request(target)
        assert "set allow_ad_ds_export = true" in str(refused.value)
        opted_in = attrs.evolve(target, config=_config(allow_ad_ds_export=True))
        # Past the refusal, the run goes on to the anchor (which this target cannot give).
        with pytest.raises(AssertionError, match="the anchor"):
            export_request(opted_in)
