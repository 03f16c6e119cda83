"""Importing the package, any layer or the pytest plugin emits no warning.

A downstream suite that runs with ``filterwarnings = error`` (or ``-W error``) must be able
to load the plugin and use every layer; ldap3's own pyasn1 deprecation warnings are
silenced where ldap3 is imported (``connection/__init__.py``).
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import ldapconnector


def _all_modules() -> list[str]:
    found = ["ldapconnector"]
    for module in pkgutil.walk_packages(ldapconnector.__path__, "ldapconnector."):
        found.append(module.name)
    return found


def test_every_module_imports_without_a_warning() -> None:
    """``python -W error`` imports each module of the package, each in a fresh interpreter."""
    program = (
        "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\n"
    )
    modules = [name for name in _all_modules() if not name.endswith("__main__")]
    # Public entry points first, in a clean interpreter each, so none is only quiet because
    # another module happened to import ldap3 before it.
    for name in ("ldapconnector.testing.pytest_plugin", "ldapconnector.connection"):
        done = subprocess.run(
            [sys.executable, "-W", "error", "-c", program, name],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", program, *modules],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_the_plugin_does_not_load_ldap3() -> None:
    """Loading the pytest plugin imports neither ldap3 nor pyasn1 (the fixtures are lazy)."""
    program = (
        "import sys\n"
        "import ldapconnector.testing.pytest_plugin\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('ldap3', 'pyasn1')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
