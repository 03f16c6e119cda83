"""The anchor-strategy contract, run on the built-in attribute strategies and the plug-in.

``dn`` is left out: it reads no attribute, and no plug-in can replace it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import pytest

from ldapconnector.anchors import ANCHOR_STRATEGIES, AnchorKind, AnchorStrategy
from ldapconnector.testing.anchor_plugin import ENTRY_UUID_HEX
from ldapconnector.testing.anchor_strategy_contract import AnchorStrategyContract

_UUIDS = [uuid.UUID(int=n * 0x0123456789ABCDEF0123456789ABCDEF % (1 << 128)) for n in (1, 2, 7)]
_NASTY = bytes.fromhex("5c2a2829000a41ff1020304050607080")  # \ * ( ) NUL LF

# Per kind: values as the server returns them, and values its codec refuses.
_SAMPLES: dict[AnchorKind, tuple[list[str | bytes], list[str | bytes]]] = {
    AnchorKind.OBJECT_GUID: ([u.bytes_le for u in _UUIDS] + [_NASTY], [b"short", b"\x00" * 17]),
    AnchorKind.EDIRECTORY_GUID: ([u.bytes for u in _UUIDS] + [_NASTY], [b"", b"\x01" * 15]),
    AnchorKind.ENTRY_UUID: ([str(u) for u in _UUIDS], ["not-a-uuid", b"\xff\xfe"]),
    AnchorKind.NS_UNIQUE_ID: (
        ["ec697aad-bae811f0-9b9ddb23-c0e5c100", "00000001-00000002-00000003-00000004"],
        [str(_UUIDS[0]), "ec697aad-bae811f0-9b9ddb23"],
    ),
    AnchorKind.IBM_ENTRY_UUID: ([str(u) for u in _UUIDS] + ["Opaque-Token.42"], ["has space"]),
}
_STRATEGIES = [s for s in ANCHOR_STRATEGIES.values() if s.kind != AnchorKind.DN]
_STRATEGIES.append(ENTRY_UUID_HEX)


class TestEveryStrategy(AnchorStrategyContract):
    """The built-in strategies and the example plug-in pass the contract."""

    @pytest.fixture(name="strategy", params=_STRATEGIES, ids=lambda s: s.kind.value)
    def fixture_strategy(self, request: pytest.FixtureRequest) -> AnchorStrategy:
        strategy: AnchorStrategy = request.param
        return strategy

    @pytest.fixture(name="directory_values")
    def fixture_directory_values(self, strategy: AnchorStrategy) -> Sequence[str | bytes]:
        if strategy is ENTRY_UUID_HEX:
            return [str(u) for u in _UUIDS]
        return _SAMPLES[strategy.kind][0]

    @pytest.fixture(name="malformed_values")
    def fixture_malformed_values(self, strategy: AnchorStrategy) -> Sequence[str | bytes]:
        if strategy is ENTRY_UUID_HEX:
            return ["nope", "597ae2f6-16a6", b"\xff"]
        return _SAMPLES[strategy.kind][1]
