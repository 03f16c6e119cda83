"""The demo's export cycle: plan, export a few hundred users, change some, export again."""

from __future__ import annotations

import time
from typing import Any

from ldapconnector.cli._demo_data import posix_example, users
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.mapping import DELETED_KEY, SOFT_DELETED_KEY
from ldapconnector.profiles import ExportOutcome, ExportReport
from ldapconnector.space import SqliteLinkStore

__all__ = ["CLASSES", "DEMO_USERS", "apply_changes", "export_cycle"]

DEMO_USERS = 300
CLASSES = ("inetOrgPerson", "posixAccount", "shadowAccount")
_CHANGED = 5  # users per kind of change


def apply_changes(records: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Change some source users: new display names, new UPNs, soft-deletes and deletes."""
    changed: dict[str, list[str]] = {"updated": [], "renamed": [], "disabled": [], "deleted": []}
    for offset in range(_CHANGED):
        updated, renamed, disabled, deleted = (records[k * 10 + offset] for k in range(1, 5))
        updated["displayName"] += " (changed)"
        renamed["userPrincipalName"] = "renamed." + renamed["userPrincipalName"]
        disabled[SOFT_DELETED_KEY] = True
        deleted[DELETED_KEY] = True
        for kind, record in zip(changed, (updated, renamed, disabled, deleted), strict=True):
            changed[kind].append(str(record["id"]))
    return changed


def _summary(report: ExportReport, seconds: float) -> dict[str, Any]:
    counts = {name: count for name, count in report.summary.items() if count}
    return {"summary": counts, "seconds": round(seconds, 3), "failed": len(report.failed)}


def _timed(run: Any) -> tuple[ExportReport, float]:
    started = time.perf_counter()
    report: ExportReport = run()
    return report, time.perf_counter() - started


def export_cycle(server: Any) -> dict[str, Any]:
    """Run the whole export demo against a started test server; return what happened."""
    data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
    config = ConnectorConfig.from_dict(data, allow_literal_password=True)
    records = users(DEMO_USERS)
    with SqliteLinkStore.in_memory() as store, Connector(config, store=store) as connector:
        required = connector.schema.required_attributes(CLASSES[0], auxiliary=CLASSES[1:])
        plan, plan_seconds = _timed(lambda: connector.plan(records))
        first, first_seconds = _timed(lambda: connector.export(records))
        changed = apply_changes(records)
        second, second_seconds = _timed(lambda: connector.export(records))
        links = store.count()
    example = next(r for r in plan.results if r.outcome is ExportOutcome.CREATED)
    renamed = next(r for r in second.results if r.outcome is ExportOutcome.RENAMED)
    return {
        "users": DEMO_USERS,
        "object_classes": list(CLASSES),
        "required_attributes": sorted(required, key=str.lower),
        "plan": _summary(plan, plan_seconds),
        "first_export": _summary(first, first_seconds),
        "second_export": _summary(second, second_seconds),
        "changed": changed,
        "links": links,
        "example_add": example.ldif(),
        "example_rename": renamed.ldif(),
        "ok": first.ok and second.ok,
    }
