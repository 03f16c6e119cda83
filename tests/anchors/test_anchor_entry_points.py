"""An installed package's anchor strategy is found without caller code (a real dist-info).

The package is written to a temp dir with its ``entry_points.txt``; the subprocess finds
it on its ``PYTHONPATH`` as it would in site-packages, as the function and reader
plug-ins are tested.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import PathDistribution
from pathlib import Path

from ldapconnector.anchors import ANCHORS_ENTRY_POINT_GROUP, default_anchors, installed_anchors

_ROOT = Path(__file__).parents[2]

_PLUGIN = """
from ldapconnector.anchors import AnchorCodec, AnchorKind, AnchorStrategy


def _token(value):
    text = value.decode("ascii") if isinstance(value, bytes) else value
    if not text.strip().isalnum():
        raise ValueError("letters and digits only")
    return text.strip().upper()


EMPLOYEE_KEY = AnchorStrategy(
    kind=AnchorKind("inHouseKey"), attribute="employeeNumber", binary=False,
    rename_safe=True, operational=False,
    codec=AnchorCodec(decode=_token, encode=_token, normalize=_token),
)
"""

_CODE = """
import json, sys
from ldapconnector.anchors import installed_anchors
from ldapconnector.space import Link, SqliteLinkStore

anchors = installed_anchors()
anchor = anchors.parse("inhousekey", "ab12")
with SqliteLinkStore.open(sys.argv[1]) as store:
    store.put(Link(source_id="s1", anchor=anchor, dn="uid=a,dc=x"))
with SqliteLinkStore.open(sys.argv[1]) as store:  # no anchors=: it finds the plug-in
    read = store.get_by_source("s1").anchor
print(json.dumps([anchors.names[-1], read.kind.value, read.value, read.search_filter()]))
"""


def _distribution(root: Path) -> Path:
    """Write the plug-in package and its dist-info under ``root``; return the dist-info."""
    (root / "key_plugin").mkdir()
    (root / "key_plugin" / "__init__.py").write_text(_PLUGIN, encoding="utf-8")
    info = root / "key_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: key-plugin\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[{ANCHORS_ENTRY_POINT_GROUP}]\nin_house = key_plugin:EMPLOYEE_KEY\n", encoding="utf-8"
    )
    return info


def test_an_installed_strategy_is_found_by_the_registry_and_the_store(tmp_path: Path) -> None:
    """installed_anchors() and a store opened without anchors= both know the plug-in."""
    (tmp_path / "site").mkdir()
    _distribution(tmp_path / "site")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "site"), str(_ROOT)])}
    done = subprocess.run(
        [sys.executable, "-c", _CODE, str(tmp_path / "space.db")],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["inHouseKey", "inHouseKey", "AB12", "(employeeNumber=AB12)"]


def test_the_entry_points_of_a_distribution_can_be_passed_explicitly(tmp_path: Path) -> None:
    """The group is read from a given distribution; none given, nothing is added."""
    (tmp_path / "site").mkdir()
    dist = PathDistribution(_distribution(tmp_path / "site"))
    points = dist.entry_points.select(group=ANCHORS_ENTRY_POINT_GROUP)
    assert [point.value for point in points] == ["key_plugin:EMPLOYEE_KEY"]
    assert installed_anchors(()).names == default_anchors().names
