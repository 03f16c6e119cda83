"""Entry points: an installed package contributes functions and readers, no caller code.

The package is a real distribution (a ``.dist-info`` with ``entry_points.txt``) written
to a temp dir; the subprocess finds it on its ``PYTHONPATH`` as it would in
site-packages. In-process tests pass the entry points explicitly instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import EntryPoint, PathDistribution
from pathlib import Path

import pytest

from ldapconnector.errors import ConfigurationError
from ldapconnector.expressions import (
    FUNCTIONS_ENTRY_POINT_GROUP,
    default_functions,
    installed_functions,
)
from ldapconnector.profiles.delta import (
    READERS_ENTRY_POINT_GROUP,
    default_readers,
    installed_readers,
)

_ROOT = Path(__file__).parents[2]

_PLUGIN = """
from ldapconnector.detect import DeltaSource
from ldapconnector.expressions import FunctionSpec
from ldapconnector.profiles.delta import (
    DeleteCoverage, ReaderSpec, RenameEvidence, TimestampReader,
)


def _shout(value):
    return None if value is None else str(value).upper() + "!"


SHOUT = FunctionSpec(name="Shout", params=("String",), impl=_shout, summary="Loud.")


def _reader(options):
    return TimestampReader(bases=options.bases, anchor=options.anchor_strategy)


SYNCREPL = ReaderSpec(
    source=DeltaSource.SYNCREPL, label="in-house", factory=_reader, default_log_dn=None,
    deletes=DeleteCoverage.NONE, renames=RenameEvidence.KNOWN_DN, actors=False,
)
"""


def _distribution(root: Path) -> Path:
    """Write the plug-in package and its dist-info under ``root``; return the dist-info."""
    (root / "shout_plugin").mkdir()
    (root / "shout_plugin" / "__init__.py").write_text(_PLUGIN, encoding="utf-8")
    info = root / "shout_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: shout-plugin\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[{FUNCTIONS_ENTRY_POINT_GROUP}]\nshout = shout_plugin:SHOUT\n\n"
        f"[{READERS_ENTRY_POINT_GROUP}]\nsyncrepl = shout_plugin:SYNCREPL\n",
        encoding="utf-8",
    )
    return info


def _python(root: Path, code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), str(_ROOT)])}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
        check=False,
    )  # fmt: skip


def test_an_installed_function_is_found_by_the_cli_without_caller_code(tmp_path: Path) -> None:
    """`ldapconnector eval` sees the installed package's function; nothing registers it."""
    _distribution(tmp_path)
    done = _python(tmp_path, "from ldapconnector.cli import main; main(['eval', 'Shout(\"hi\")'])")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == "HI!"


def test_an_installed_reader_is_found_without_caller_code(tmp_path: Path) -> None:
    """installed_readers() (the Connector's default) includes the package's reader."""
    _distribution(tmp_path)
    code = (
        "from ldapconnector.profiles.delta import installed_readers\n"
        "print(sorted(s.value for s in installed_readers().sources))"
    )
    done = _python(tmp_path, code)
    assert done.returncode == 0, done.stderr
    assert "syncrepl" in json.loads(done.stdout.replace("'", '"'))


def test_the_entry_points_of_a_distribution_can_be_passed_explicitly(tmp_path: Path) -> None:
    """The entry points are read from a given distribution; none given, nothing added."""
    dist = PathDistribution(_distribution(tmp_path))
    functions = dist.entry_points.select(group=FUNCTIONS_ENTRY_POINT_GROUP)
    assert [point.name for point in functions] == ["shout"]
    readers = dist.entry_points.select(group=READERS_ENTRY_POINT_GROUP)
    assert [point.value for point in readers] == ["shout_plugin:SYNCREPL"]
    assert installed_functions(()).names == default_functions().names
    assert installed_readers(()).sources == default_readers().sources


def test_an_entry_point_giving_something_else_is_named() -> None:
    """A plug-in that gives no function rows is an error naming the entry point."""
    point = EntryPoint(name="broken", value="json:loads", group=FUNCTIONS_ENTRY_POINT_GROUP)
    with pytest.raises(ConfigurationError, match=r"'broken' .*not a FunctionSpec"):
        installed_functions([point])


def test_an_entry_point_that_fails_to_import_is_named() -> None:
    """A missing module is reported with the entry point, not as a bare ImportError."""
    point = EntryPoint(name="gone", value="no_such_module_xyz:F", group=FUNCTIONS_ENTRY_POINT_GROUP)
    with pytest.raises(ConfigurationError, match=r"'gone' .*cannot be loaded"):
        installed_functions([point])


def test_a_plugin_cannot_shadow_a_built_in() -> None:
    """Contributing a function that exists already is refused, naming the entry point."""
    point = EntryPoint(
        name="again",
        value="ldapconnector.expressions._functions_ldap:FUNCTIONS",
        group=FUNCTIONS_ENTRY_POINT_GROUP,
    )
    with pytest.raises(ConfigurationError, match=r"'again'.*already registered"):
        installed_functions([point])
