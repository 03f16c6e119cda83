"""A change source this version does not ship: slapd's auditlog file, read by a plug-in.

slapo-auditlog(5) appends every write to an LDIF file (``# add <time> <suffix> <who>`` ...
``# end add <time>``). :class:`AuditlogReader` reads that file from a byte offset; its
kind, ``DeltaSource("auditlog")``, is no constant of ours. The reader passes the
change-reader contract against a real slapd with the overlay enabled, and a Connector reads
it when ``[global] delta_source = "auditlog"`` names it, or when a vendor rule recognising
the server lists it, with no code of ours knowing the kind.
"""

from __future__ import annotations

import base64
import itertools
from collections.abc import Iterator, Mapping
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import attrs
import pytest

from ldapconnector.anchors import AnchorStrategy, anchor_of_entry, strategy_for
from ldapconnector.cli._demo_data import posix_example
from ldapconnector.config import ConnectorConfig
from ldapconnector.connection import LdapConnection, open_connection
from ldapconnector.connector import Connector
from ldapconnector.detect import (
    DeltaSource,
    Signal,
    SignalKind,
    Vendor,
    VendorRule,
    Weight,
    installed_vendor_rules,
)
from ldapconnector.dn import is_within, renamed_dn
from ldapconnector.errors import ConfigurationError, FullImportRequiredError
from ldapconnector.model import Modification, ModifyOp
from ldapconnector.profiles.delta import (
    AttributeChange,
    ChangeRecord,
    ChangeType,
    DeleteCoverage,
    LogItem,
    ReaderOptions,
    ReaderSpec,
    RenameEvidence,
    default_readers,
)
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer, present_root_dse
from ldapconnector.testing.change_reader_contract import ChangeReaderContract, MakeChanges

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

AUDITLOG = DeltaSource("auditlog")
_NUMBERS = itertools.count(1)
_TYPES = {
    "add": ChangeType.ADD,
    "modify": ChangeType.MODIFY,
    "modrdn": ChangeType.RENAME,
    "delete": ChangeType.DELETE,
}
_RECORD_END = b"\n\n"


def _lines(text: str) -> list[tuple[str, str]]:
    """The ``name: value`` lines of one LDIF record, unfolded, ``::`` values decoded."""
    unfolded: list[str] = []
    for line in text.split("\n"):
        if line.startswith(" ") and unfolded:
            unfolded[-1] += line[1:]
        elif line and not line.startswith("#"):
            unfolded.append(line)
    pairs = []
    for line in unfolded:
        name, _, value = line.partition(":")
        if value.startswith(":"):
            value = base64.b64decode(value[1:].strip()).decode("utf-8")
        pairs.append((name, value.strip()))
    return pairs


def _modifications(pairs: list[tuple[str, str]]) -> tuple[AttributeChange, ...]:
    """The ``add:``/``delete:``/``replace:`` sections of a modify record."""
    changes: list[AttributeChange] = []
    op: tuple[ModifyOp, str, list[str]] | None = None
    for name, value in [*pairs, ("-", "")]:
        if name == "-" and op is not None:
            changes.append(AttributeChange(attribute=op[1], op=op[0], values=tuple(op[2])))
            op = None
        elif op is None and name in ("add", "delete", "replace", "increment"):
            op = (ModifyOp(name), value, [])
        elif op is not None:
            op[2].append(value)
    return tuple(changes)


@attrs.frozen(kw_only=True)
class AuditlogReader:
    """Reads slapo-auditlog's LDIF file; the state is the byte offset after a record.

    Gap detection: an offset past the end of the file, or not at a record's end, is from
    another (rotated, truncated) file.
    """

    path: Path
    anchor: AnchorStrategy
    bases: tuple[str, ...]

    @property
    def source(self) -> DeltaSource:
        return AUDITLOG

    @property
    def deletes_covered(self) -> bool:
        return True

    def _data(self) -> bytes:
        return self.path.read_bytes() if self.path.exists() else b""

    def baseline(self, connection: LdapConnection) -> Mapping[str, Any]:
        return {"offset": len(self._data())}

    def check(self, connection: LdapConnection, state: Mapping[str, Any]) -> None:
        offset, data = state.get("offset"), self._data()
        if not isinstance(offset, int) or offset > len(data):
            raise FullImportRequiredError(f"auditlog offset {offset!r} is past {self.path}")
        if offset and data[offset - len(_RECORD_END) : offset] != _RECORD_END:
            raise FullImportRequiredError(f"auditlog offset {offset} is not a record's end")

    def read(self, connection: LdapConnection, state: Mapping[str, Any]) -> Iterator[LogItem]:
        data, offset = self._data(), int(state["offset"])
        while (end := data.find(_RECORD_END, offset)) >= 0:
            end += len(_RECORD_END)
            record = self._record(connection, data[offset:end].decode("utf-8"), offset)
            yield LogItem(record=record, state={"offset": end})
            offset = end

    def _record(self, connection: LdapConnection, text: str, offset: int) -> ChangeRecord | None:
        pairs = _lines(text)
        fields = dict(pairs[:2])
        change = _TYPES.get(fields.get("changetype", ""))
        dn = fields.get("dn", "")
        if change is None or not any(is_within(dn, base) for base in self.bases):
            return None
        body = pairs[2:]
        new_dn = renamed_dn(dn, dict(body)["newrdn"]) if change is ChangeType.RENAME else dn
        entry = None
        if change is not ChangeType.DELETE:
            entry = connection.read_entry(new_dn, self.anchor.search_attributes)
        return ChangeRecord(
            type=change, dn=new_dn, old_dn=dn if new_dn != dn else None,
            anchor=anchor_of_entry(entry, self.anchor) if entry is not None else None,
            changes=_modifications(body) if change is ChangeType.MODIFY else (),
            attributes={} if change is not ChangeType.ADD else _grouped(body),
            position=str(offset), source=AUDITLOG,
        )  # fmt: skip


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


def auditlog_spec(path: Path) -> ReaderSpec:
    """The reader row for the auditlog file at ``path``."""

    def factory(options: ReaderOptions) -> AuditlogReader:
        return AuditlogReader(path=path, anchor=options.anchor_strategy, bases=options.bases)

    return ReaderSpec(
        source=AUDITLOG, label="slapo-auditlog file", factory=factory, default_log_dn=None,
        deletes=DeleteCoverage.LOGGED, renames=RenameEvidence.LOGGED, actors=False,
    )  # fmt: skip


AUDITED_RULE = VendorRule(
    vendor=Vendor("audited-dir"),
    product="Audited Directory",
    signals=(
        Signal(kind=SignalKind.VENDOR_NAME, value="Audited Directory", weight=Weight.DECISIVE),
    ),
    delta=(AUDITLOG, DeltaSource.TIMESTAMPS),
    delta_note="the build's accesslog is for auditors only; changes come from the auditlog",
)
RULE_POINT = EntryPoint(
    name="audited", value=f"{__name__}:AUDITED_RULE", group="ldapconnector.vendor_rules"
)


def _enable_auditlog(server: OpenLDAPServer) -> Path:
    """Load slapo-auditlog on the suffix's database; return the file it writes."""
    path = server.directory / "audit.ldif"
    server.add_ldif(
        "dn: cn=module{0},cn=config\nchangetype: modify\nadd: olcModuleLoad\n"
        "olcModuleLoad: auditlog\n\n"
        "dn: olcOverlay=auditlog,olcDatabase={1}mdb,cn=config\nchangetype: add\n"
        "objectClass: olcOverlayConfig\nobjectClass: olcAuditlogConfig\n"
        f"olcOverlay: auditlog\nolcAuditlogFile: {path}\n"
    )
    return path


@pytest.fixture(name="audited_server", scope="module")
def fixture_audited_server() -> Iterator[OpenLDAPServer]:
    """A slapd writing an auditlog and presenting the Root DSE of "Audited Directory"."""
    with OpenLDAPServer() as server:
        _enable_auditlog(server)
        present_root_dse(server, {"vendorName": ["Audited Directory"]})
        yield server


@pytest.fixture(name="audit_file")
def fixture_audit_file(audited_server: OpenLDAPServer) -> Path:
    return audited_server.directory / "audit.ldif"


@pytest.fixture(name="connection")
def fixture_connection(audited_server: OpenLDAPServer) -> Iterator[LdapConnection]:
    config = audited_server.connectivity_config(security="ldaps", as_service=False)
    with open_connection(config) as connection:
        yield connection


def _add_person(connection: LdapConnection, server: OpenLDAPServer) -> str:
    uid = f"audited-{next(_NUMBERS)}"
    dn = f"uid={uid},{server.people_dn}"
    connection.add(dn, {"objectClass": ["inetOrgPerson"], "uid": uid, "cn": uid, "sn": "A"})
    return dn


@pytest.fixture(name="make_changes")
def fixture_make_changes(connection: LdapConnection, audited_server: OpenLDAPServer) -> MakeChanges:
    def make(count: int) -> None:
        for _ in range(count):
            _add_person(connection, audited_server)

    return make


class TestAuditlogReaderContract(ChangeReaderContract):
    """The plug-in reader of a kind we do not ship passes the contract on a real slapd."""

    @pytest.fixture(name="reader")
    def fixture_reader(self, audit_file: Path, audited_server: OpenLDAPServer) -> AuditlogReader:
        options = ReaderOptions(
            anchor_strategy=strategy_for("entryUUID"), bases=(audited_server.people_dn,)
        )
        reader = auditlog_spec(audit_file).factory(options)
        assert isinstance(reader, AuditlogReader)
        return reader

    @pytest.fixture(name="unresumable_state")
    def fixture_unresumable_state(self) -> Mapping[str, Any]:
        return {"offset": 10**12}  # past the end: the file was rotated or truncated


def _config(server: OpenLDAPServer, **global_: Any) -> ConnectorConfig:
    data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
    data |= {"run_profiles": {"delta_import": True}, "global": global_}
    return ConnectorConfig.from_dict(data, allow_literal_password=True)


Seen = list[tuple[ChangeType, str, str | None]]


def _changes_seen(connector: Connector, server: OpenLDAPServer) -> tuple[str, Seen]:
    """Baseline, then an add, a modify, a rename and a delete; what the next run reads."""
    assert connector.delta_import(reset=True).baseline
    admin = server.connectivity_config(security="ldaps", as_service=False)
    with open_connection(admin) as writer:
        dn = _add_person(writer, server)
        writer.modify(dn, [Modification(op=ModifyOp.REPLACE, attribute="sn", values=("B",))])
        writer.modify_dn(dn, dn.split(",")[0] + "-moved")
        writer.delete(renamed_dn(dn, dn.split(",")[0] + "-moved"))
    result = connector.delta_import()
    assert result.source == AUDITLOG
    return dn, [(r.type, r.dn, r.old_dn) for r in result.records()]


def _expected(dn: str) -> Seen:
    moved = renamed_dn(dn, dn.split(",")[0] + "-moved")
    return [
        (ChangeType.ADD, dn, None),
        (ChangeType.MODIFY, dn, None),
        (ChangeType.RENAME, moved, dn),
        (ChangeType.DELETE, moved, None),
    ]


def test_the_kind_is_chosen_by_configuration(
    audited_server: OpenLDAPServer, audit_file: Path
) -> None:
    """``[global] delta_source = "auditlog"`` reads the file, whatever detection offers."""
    readers = default_readers().with_reader(auditlog_spec(audit_file))
    config = _config(audited_server, delta_source="AuditLog")
    with (
        SqliteLinkStore.in_memory() as store,
        Connector(config, store=store, readers=readers, vendor_rules=None) as connector,
    ):
        assert connector.server_info.delta_source != AUDITLOG  # detection cannot know it
        dn, seen = _changes_seen(connector, audited_server)
    assert seen == _expected(dn)


def test_the_kind_is_chosen_by_a_vendor_rule(
    audited_server: OpenLDAPServer, audit_file: Path
) -> None:
    """A contributed rule that lists auditlog makes detection choose it, and the run read it."""
    rules = installed_vendor_rules([RULE_POINT])
    readers = default_readers().with_reader(auditlog_spec(audit_file))
    with (
        SqliteLinkStore.in_memory() as store,
        Connector(
            _config(audited_server), store=store, readers=readers, vendor_rules=rules
        ) as connector,
    ):
        info = connector.server_info
        assert (info.vendor, info.delta_source) == (Vendor("audited-dir"), AUDITLOG)
        assert "delta source auditlog (the vendor rule's own kind: not probed)" in info.evidence
        dn, seen = _changes_seen(connector, audited_server)
    assert seen == _expected(dn)


def test_without_its_reader_the_rule_falls_back_to_the_next_source(
    audited_server: OpenLDAPServer,
) -> None:
    """The rule offers auditlog first; with the shipped readers only, timestamps is read."""
    rules = installed_vendor_rules([RULE_POINT])
    with Connector(_config(audited_server), vendor_rules=rules) as connector:
        assert connector.server_info.delta_source == AUDITLOG
        assert connector.delta_import().source is DeltaSource.TIMESTAMPS


def test_an_unknown_kind_still_suggests_the_registered_ones(
    audited_server: OpenLDAPServer, audit_file: Path
) -> None:
    """A misspelt plug-in kind is a configuration error naming it and the registered kinds."""
    readers = default_readers().with_reader(auditlog_spec(audit_file))
    config = _config(audited_server, delta_source="auditlgo")
    expected = (
        r"no reader named 'auditlgo' is registered; did you mean 'auditlog'\? "
        r"\(registered: accesslog, changelog, usn-changed, dirsync, timestamps, auditlog\)"
    )
    with (
        Connector(config, readers=readers) as connector,
        pytest.raises(ConfigurationError, match=expected),
    ):
        connector.delta_import()
