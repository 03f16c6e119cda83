"""The kill soak, larger: more users, more kills, printed totals (0 lost, 0 duplicated).

The scenario of ``tests/soak/test_kill_soak.py`` (engine ``tests/soak/_kills.py``): one
throwaway slapd killed with SIGKILL and restarted on the same data, child processes that
``os._exit`` at seeded points, over export, full import and delta import, with ``mail`` as
matching attribute and with the DN as the only identity, persistent SQLite link stores;
after every kill the profile is rerun to completion and the directory read with
``ldapsearch``. Prints kills by kind, profile and identity, then users missing, duplicated,
with a value other than the last exported, links disagreeing with the directory, changes
skipped, and the time. Asserts nothing about time; exits 1 when any loss is not 0.

    .venv/bin/python benchmarks/bench_soak_kills.py [--server-kills 40] [--client-kills 40]
        [--users 1000] [--grow 20 60] [--changes 20 60] [--seed 1]
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import tempfile
from pathlib import Path
from types import ModuleType

from ldapconnector.testing import OpenLDAPServer

ENGINE = Path(__file__).resolve().parents[1] / "tests" / "soak" / "_kills.py"


def load_engine() -> ModuleType:
    """Import the soak's engine from the tests (they are not a package)."""
    spec = importlib.util.spec_from_file_location("soak_kills_engine", ENGINE)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {ENGINE}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # attrs resolves the module's annotations through it
    spec.loader.exec_module(module)
    return module


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server-kills", type=int, default=40)
    parser.add_argument("--client-kills", type=int, default=40)
    parser.add_argument("--users", type=int, default=1000, help="users per identity at start")
    parser.add_argument("--grow", type=int, nargs=2, default=(20, 60), metavar=("LOW", "HIGH"))
    parser.add_argument("--changes", type=int, nargs=2, default=(20, 60), metavar=("LOW", "HIGH"))
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def main() -> int:
    """Run the soak and print its totals."""
    options = _arguments()
    kills = load_engine()
    with OpenLDAPServer() as server, tempfile.TemporaryDirectory() as workdir:
        soak = kills.Soak(
            server,
            Path(workdir),
            random.Random(options.seed),  # seeded kill points, not secrets
            start_users=options.users,
            grow=tuple(options.grow),
            changes=tuple(options.changes),
        )
        try:
            totals = soak.run(options.server_kills, options.client_kills)
        finally:
            soak.slapd.stop()
    print(f"seed {options.seed}; {options.users} users per identity at start")
    print("\n".join(totals.lines()))
    losses = (
        totals.missing, totals.duplicated, totals.values_wrong,
        totals.links_disagreeing, totals.changes_skipped,
    )  # fmt: skip
    return 0 if losses == (0, 0, 0, 0, 0) else 1


if __name__ == "__main__":
    sys.exit(main())
