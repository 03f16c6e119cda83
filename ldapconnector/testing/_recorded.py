"""Recorded vendor data: the Root DSE (and schema) of servers nobody can run locally.

The captures ship as package data in ``ldapconnector/testing/data/recorded/``: one LDIF file
per Root DSE, a ``.schema.ldif`` beside it where the subschema entry was recorded too, and
``index.json`` naming, for each, the vendor and product detection must answer and where the
data came from (:class:`Provenance`). Each file's opening comment gives the details: the
source URL or tool of a real capture, or the documents a reconstruction follows. A
downstream suite uses them to test its own handling of vendors it has no server for::

    from ldapconnector.testing import recorded, recorded_servers

    for capture in recorded_servers():
        server = recorded(capture.name)
        assert server.server_info.vendor == capture.vendor
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import attrs

from ldapconnector._ldif_io import LdifEntry, read_ldif
from ldapconnector.detect import ServerInfo, Vendor, VendorRules, as_vendor, fingerprint
from ldapconnector.schema import Schema
from ldapconnector.testing._process import TestServerError

__all__ = [
    "Provenance",
    "RecordedCapture",
    "RecordedServer",
    "read_recorded_file",
    "recorded",
    "recorded_servers",
]

_RECORDED = ("data", "recorded")
_INDEX = "index.json"


class Provenance(enum.Enum):
    """Where a recorded Root DSE came from."""

    REAL_CAPTURE = "real capture"
    """Read from a real server (ours, ldap3's recordings, or one published with its source)."""
    ALTERED_CAPTURE = "altered real capture"
    """A real capture with named values changed (e.g. a rebuild's vendor strings)."""
    RECONSTRUCTED = "reconstructed from documentation"
    """Written from the vendor's documentation; values are illustrative."""


@attrs.frozen(kw_only=True)
class RecordedCapture:
    """One recorded server, as listed (nothing parsed yet).

    Attributes:
        name: the name to pass to :func:`recorded` (the file name without ``.ldif``).
        vendor: the vendor detection must answer for it.
        product: the product detection must answer.
        provenance: real capture, altered capture, or reconstructed from documentation.
        root_dse_file: the Root DSE's file name in the recorded data.
        schema_file: the subschema's file name, or None when only the Root DSE was recorded.
        description: the file's opening comment (source, what was changed or followed).
    """

    name: str
    vendor: Vendor = attrs.field(converter=as_vendor)
    product: str
    provenance: Provenance = attrs.field(converter=Provenance)
    root_dse_file: str
    schema_file: str | None = None
    description: str = ""


@attrs.frozen(kw_only=True)
class RecordedServer:
    """A recorded server, loaded: its Root DSE, its schema, and what detection makes of them.

    Attributes:
        capture: the listing entry (name, vendor, provenance, files).
        root_dse: the Root DSE's attributes as recorded (name -> values).
        subschema: the subschema entry's attributes, or None.
        server_info: :func:`~ldapconnector.detect.fingerprint` of both.
        schema: the parsed :class:`~ldapconnector.schema.Schema`, or None.
    """

    capture: RecordedCapture
    root_dse: Mapping[str, tuple[str | bytes, ...]]
    subschema: Mapping[str, tuple[str | bytes, ...]] | None
    server_info: ServerInfo
    schema: Schema | None

    @property
    def name(self) -> str:
        """The recorded server's name."""
        return self.capture.name


def read_recorded_file(file_name: str) -> bytes:
    """Return a recorded data file's bytes (to save it, or hand it to the CLI).

    Raises:
        TestServerError: there is no such file in the recorded data.
    """
    path = resources.files("ldapconnector.testing").joinpath(*_RECORDED, file_name)
    if "/" in file_name or "\\" in file_name or not path.is_file():
        raise TestServerError(f"no recorded data file {file_name!r}")
    return path.read_bytes()


def _description(text: str) -> str:
    header = text.split("\n\n", 1)[0]
    lines = [line[1:].strip() for line in header.splitlines() if line.startswith("#")]
    return " ".join(lines)


@cache
def _captures() -> tuple[RecordedCapture, ...]:
    index: dict[str, Any] = json.loads(read_recorded_file(_INDEX))
    captures = []
    for name, row in index.items():
        if name.startswith("_"):
            continue
        text = read_recorded_file(row["root_dse"]).decode("utf-8")
        captures.append(
            RecordedCapture(
                name=name,
                vendor=row["vendor"],
                product=row["product"],
                provenance=row["provenance"],
                root_dse_file=row["root_dse"],
                schema_file=row["schema"],
                description=_description(text),
            )
        )
    return tuple(captures)


def recorded_servers() -> tuple[RecordedCapture, ...]:
    """List every recorded server, sorted by name, with its vendor and provenance."""
    return tuple(sorted(_captures(), key=lambda c: c.name))


def _first_entry(file_name: str) -> LdifEntry:
    entries = read_ldif(read_recorded_file(file_name), source=file_name)
    if not entries:
        raise TestServerError(f"recorded data file {file_name!r} holds no entry")
    return entries[0]


def _as_text(attributes: Mapping[str, tuple[str | bytes, ...]]) -> dict[str, list[str]]:
    return {
        name: [v.decode("utf-8", "replace") if isinstance(v, bytes) else v for v in values]
        for name, values in attributes.items()
    }


def recorded(name: str, *, rules: VendorRules | None = None) -> RecordedServer:
    """Load a recorded server: Root DSE, schema, detection answer and parsed schema.

    Args:
        name: one of the names :func:`recorded_servers` lists (``"389ds-1.3.3"``).
        rules: the vendor rules to fingerprint with (the built-in table when None).

    Raises:
        TestServerError: no recorded server has that name (the message lists them).
    """
    capture = next((c for c in _captures() if c.name == name), None)
    if capture is None:
        known = ", ".join(c.name for c in recorded_servers())
        raise TestServerError(f"no recorded server {name!r} (recorded: {known})")
    root_dse = _first_entry(capture.root_dse_file).attributes
    subschema = _first_entry(capture.schema_file).attributes if capture.schema_file else None
    text = _as_text(subschema) if subschema is not None else None
    return RecordedServer(
        capture=capture,
        root_dse=root_dse,
        subschema=subschema,
        server_info=fingerprint(root_dse, text, rules=rules),
        schema=Schema.from_subschema(text) if text is not None else None,
    )
