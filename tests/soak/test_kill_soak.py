"""The kill soak: 22 server kills and 22 client kills, then 0 lost, 0 duplicated, 0 skipped.

One real slapd (killed with SIGKILL and restarted on the same data), two identities (``mail``
as matching attribute; none, with a ``SelectUniqueValue`` DN), one persistent SQLite link
store file each. A seeded ``random.Random`` picks each round's work and kill point over
export, full import and delta import; after each kill the same profile is rerun to
completion and the directory is read with ``ldapsearch``. The engine is
``tests/soak/_kills.py`` (shared with ``benchmarks/bench_soak_kills.py``, which runs more).
"""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path
from types import ModuleType

import pytest

from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.soak, pytest.mark.integration, pytest.mark.openldap]

SEED = 20260514
SERVER_KILLS = 22
CLIENT_KILLS = 22


def load_engine() -> ModuleType:
    """Import ``_kills.py`` next to this file (tests are not a package)."""
    path = Path(__file__).with_name("_kills.py")
    spec = importlib.util.spec_from_file_location("soak_kills_engine", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # attrs resolves the module's annotations through it
    spec.loader.exec_module(module)
    return module


def test_kills_lose_duplicate_and_skip_nothing(tmp_path: Path) -> None:
    """Every kill, rerun to completion, leaves each user once, links true, changes delivered."""
    kills = load_engine()
    with OpenLDAPServer() as server:
        soak = kills.Soak(server, tmp_path, random.Random(SEED))  # noqa: S311 - seeded kill points
        try:
            totals = soak.run(SERVER_KILLS, CLIENT_KILLS)
        finally:
            soak.slapd.stop()
    print("\n".join(totals.lines()))
    by_kind = dict.fromkeys(kills.Kill, 0)
    for (kind, _profile, _identity), count in totals.kills.items():
        by_kind[kind] += count
    assert by_kind == {kills.Kill.SERVER: SERVER_KILLS, kills.Kill.CLIENT: CLIENT_KILLS}
    assert {(p, i) for _k, p, i in totals.kills} == {
        (p, i) for p in kills.Profile for i in kills.Identity
    }
    assert totals.users >= 200
    assert totals.changes > 0
    assert (
        totals.missing, totals.duplicated, totals.values_wrong,
        totals.links_disagreeing, totals.changes_skipped,
    ) == (0, 0, 0, 0, 0), "\n".join(totals.lines())  # fmt: skip
