"""The hostile-records soak: 2,000 seeded hostile records exported, audited with ldapsearch.

Marked ``soak`` (and run in CI by default; about 30 s here). The records come from
``_hostile.py``, the independent audit from ``_audit.py``; benchmarks/bench_soak_hostile.py
runs the same with more records and prints the totals.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from ldapconnector.cli._demo_data import posix_example
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.profiles import ExportReport, export_request, run_export
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap, pytest.mark.soak]
COUNT = 2_000


def load(name: str) -> ModuleType:
    """Import a helper module of this folder by path (tests/ is not a package)."""
    path = Path(__file__).resolve().with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"soak_{name}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


hostile, audit = load("_hostile"), load("_audit")


def _export(connector: Connector, records: list[dict[str, object]], snapshot: bool) -> ExportReport:
    """The snapshot path is Connector.export's own choice from 100 records on."""
    if snapshot:
        return connector.export(records)
    return run_export(export_request(connector), records, snapshot=False)


@pytest.mark.parametrize("snapshot", [True, False], ids=["snapshot", "per-record"])
def test_hostile_records_lose_duplicate_and_hijack_nothing(snapshot: bool) -> None:
    """Every record has one result, entries hold the intended values, unmanaged ones stay."""
    kinds = list(hostile.generate(COUNT))
    records = [record for _, record in kinds]
    assert len({kind for kind, _ in kinds}) == len(hostile.Kind)
    with OpenLDAPServer(seed_ldif=hostile.unmanaged_ldif()) as server:
        data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
        config = ConnectorConfig.from_dict(data, allow_literal_password=True)
        before = audit.read_before(server, hostile.UNMANAGED)
        assert set(hostile.UNMANAGED) <= set(before.unmanaged)
        with SqliteLinkStore.in_memory() as store, Connector(config, store=store) as connector:
            reports = []
            for _ in range(2):
                reports.append(_export(connector, records, snapshot))
                found = audit.audit_export(
                    server, records, reports[-1].results, store.iter_links(),
                    before=before, seeded=hostile.UNMANAGED,
                )  # fmt: skip
                assert found.clean, "\n".join(found.lines())
        first, second = reports
    assert first.error is None
    assert second.error is None
    assert audit.compare_runs(first.results, second.results) == []
    # Both kinds of outcome happen: the soak is not all refusals, nor all creations.
    assert 0.3 * COUNT < first.summary["created"] < 0.9 * COUNT
    assert found.reasons["other"] == 0, found.lines()
