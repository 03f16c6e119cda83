"""The layer contract: which part of the package may import which, read from the source.

The table below is the architecture of ``docs/index.md`` written as data. Each module's
imports are read from its syntax tree (function-level imports included), so a lazy import
cannot hide a dependency. Three rules are checked:

- a layer imports only the layers its row names;
- nobody imports another package's private module (``ldapconnector.x._y`` from outside
  ``ldapconnector.x``);
- the pure layers never import ldap3 or pyasn1, and (in a subprocess where those two
  cannot be imported at all) every pure layer still imports.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

import ldapconnector

PACKAGE_DIR = Path(ldapconnector.__file__).parent
WIRE_LIBRARIES = frozenset({"ldap3", "pyasn1"})

# Layer -> the layers it may import (besides itself). A layer is the first name below
# ``ldapconnector`` ("<top>" for the package's own ``__init__``).
PURE_LAYERS: dict[str, frozenset[str]] = {
    "model": frozenset(),
    "errors": frozenset({"model"}),
    "escaping": frozenset({"errors"}),
    "dn": frozenset({"errors", "escaping", "model"}),
    "_ldif_io": frozenset({"errors"}),
    "_entry_points": frozenset({"errors"}),
    "config": frozenset({"errors", "escaping", "dn"}),
    "expressions": frozenset({"errors", "escaping", "_entry_points"}),
    "detect": frozenset({"errors", "model", "_entry_points"}),
    "schema": frozenset({"errors", "model", "dn"}),
    "anchors": frozenset({"errors", "model", "escaping", "dn", "detect", "_entry_points"}),
    "mapping": frozenset({"errors", "model", "escaping", "dn", "config", "expressions", "schema"}),
    "space": frozenset({"errors", "model", "anchors", "_entry_points"}),
}
_EVERY_PURE = frozenset(PURE_LAYERS)
IO_LAYERS: dict[str, frozenset[str]] = {
    "connection": frozenset({"errors", "model", "escaping", "dn", "config"}),
    "profiles": _EVERY_PURE | {"connection"},
    "connector": _EVERY_PURE | {"connection", "profiles"},
    # testing ships recorded vendor data (with its detection answer and parsed schema) and
    # the link-store contract suite, which builds links and anchors.
    "testing": frozenset(
        {
            "errors",
            "config",
            "model",
            "escaping",
            "dn",
            "_ldif_io",
            "detect",
            "schema",
            "anchors",
            "space",
        }
    ),
    # The SCIM bridge (extra `[scim]`): on top of the connector; only `serve`/`check` import it.
    "scim": frozenset(
        {"errors", "model", "escaping", "dn", "config", "anchors", "schema", "mapping", "space"}
    )
    | {"profiles", "connector"},
    "cli": _EVERY_PURE | {"connection", "profiles", "connector", "testing", "scim"},
    "__main__": frozenset({"cli"}),
    "<top>": _EVERY_PURE | {"connection", "profiles", "connector", "testing"},
}
ALLOWED = {**PURE_LAYERS, **IO_LAYERS}

# Inside profiles/, the planners and decoders are pure too: they take values and return
# values, and only the runners beside them talk to a server.
PURE_PROFILE_MODULES = frozenset(
    {
        "ldapconnector.profiles.delta._changes",
        "ldapconnector.profiles.delta._result",
        "ldapconnector.profiles.delta._accesslog_decode",
        "ldapconnector.profiles.delta._changelog_decode",
        "ldapconnector.profiles.delta._member_changes",
        "ldapconnector.profiles.export._operations",
        "ldapconnector.profiles.export._plan",
        "ldapconnector.profiles.export._diff",
        "ldapconnector.profiles.export._equality",
        "ldapconnector.profiles.export._rename",
        "ldapconnector.profiles.export._names",
        "ldapconnector.profiles.export._flows",
        "ldapconnector.profiles.export._ldif_out",
        "ldapconnector.profiles.export._report",
        "ldapconnector.profiles.export._transitions",
        "ldapconnector.profiles.export._links",
        "ldapconnector.profiles.full_import._plan",
    }
)


def module_name(path: Path) -> str:
    """The dotted name of a source file of the package."""
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> str:
    """The layer a dotted module name belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "<top>"


def imported_modules(path: Path) -> Iterator[str]:
    """Every module a source file imports, absolute, relative imports resolved."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target
            # ``from ldapconnector import errors`` imports the errors layer.
            if target == "ldapconnector":
                yield from (f"ldapconnector.{alias.name}" for alias in node.names)


SOURCES = sorted(PACKAGE_DIR.rglob("*.py"))
IMPORTS = [(module_name(p), target) for p in SOURCES for target in imported_modules(p)]


def test_every_layer_is_in_the_table() -> None:
    """Each part of the package has a row, so a new layer cannot slip past the contract."""
    layers = {layer_of(module_name(p)) for p in SOURCES}
    assert layers - set(ALLOWED) == set()


def test_layers_import_only_what_their_row_allows() -> None:
    """No layer imports a layer its row does not name (nothing imports upward)."""
    wrong = sorted(
        f"{module} imports {target}"
        for module, target in IMPORTS
        if target.startswith("ldapconnector.")
        and layer_of(target) != layer_of(module)
        and layer_of(target) not in ALLOWED.get(layer_of(module), frozenset())
    )
    assert wrong == []


def test_nobody_imports_another_packages_private_module() -> None:
    """``ldapconnector.x._y`` is imported only from inside ``ldapconnector.x``."""
    wrong = []
    for module, target in IMPORTS:
        parts = target.split(".")
        for depth, part in enumerate(parts):
            if part.startswith("_") and not part.startswith("__") and depth > 1:
                owner = ".".join(parts[:depth])
                if not (module == owner or module.startswith(owner + ".")):
                    wrong.append(f"{module} imports {target}")
                break
    assert sorted(wrong) == []


def test_pure_layers_never_import_the_wire_libraries() -> None:
    """Pure layers and the pure planners and decoders import neither ldap3 nor pyasn1."""
    wrong = sorted(
        f"{module} imports {target}"
        for module, target in IMPORTS
        if (layer_of(module) in PURE_LAYERS or module in PURE_PROFILE_MODULES)
        and (
            target.split(".")[0] in WIRE_LIBRARIES
            or target.startswith("ldapconnector.connection")
            or (module in PURE_PROFILE_MODULES and layer_of(target) == "connector")
        )
    )
    assert wrong == []


def _closure(start: str) -> set[str]:
    """Every package module ``start`` reaches through its imports (itself included)."""
    known = {module_name(p) for p in SOURCES}
    graph: dict[str, set[str]] = {}
    for module, target in IMPORTS:
        graph.setdefault(module, set())
        if target == "ldapconnector":
            continue  # ``from ldapconnector import model``: the layer is its own import
        # ``from a.b import c`` names module a.b (and a.b.c when that is a module).
        for candidate in (target, target.rpartition(".")[0]):
            if candidate in known:
                graph[module].add(candidate)
                break
    seen, todo = set(), [start]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(graph.get(module, ()))
    return seen


def test_pure_profile_modules_reach_no_connection() -> None:
    """Through any chain of imports, a pure planner or decoder never reaches the connection."""
    wrong = {
        module: sorted(m for m in _closure(module) if layer_of(m) == "connection")
        for module in sorted(PURE_PROFILE_MODULES)
    }
    assert {module: found for module, found in wrong.items() if found} == {}


def test_the_pure_profile_modules_exist() -> None:
    """The pure-module list names real modules (a rename cannot silently empty it)."""
    names = {module_name(p) for p in SOURCES}
    assert PURE_PROFILE_MODULES - names == set()


BLOCKER = textwrap.dedent(
    """
    import importlib.abc, sys

    class Blocked(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {"ldap3", "pyasn1"}:
                raise ModuleNotFoundError(f"blocked for this test: {name}")
            return None

    sys.meta_path.insert(0, Blocked())
    """
)


@pytest.mark.parametrize("layer", sorted(PURE_LAYERS))
def test_pure_layer_imports_without_ldap3(layer: str) -> None:
    """With ldap3 and pyasn1 unimportable, ``import ldapconnector.<layer>`` still works."""
    code = BLOCKER + textwrap.dedent(
        f"""
        import ldapconnector.{layer}
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in {{"ldap3", "pyasn1"}})
        assert not loaded, loaded
        assert "ldapconnector.connection" not in sys.modules
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr


def test_the_top_level_imports_without_ldap3_until_a_live_name_is_used() -> None:
    """``import ldapconnector`` loads no ldap3; ``ldapconnector.Connector`` then needs it."""
    code = BLOCKER + textwrap.dedent(
        """
        import ldapconnector as lc
        assert lc.compile_expression('Left("abc", 1)').evaluate({}) == "a"
        assert "ldapconnector.connection" not in sys.modules
        try:
            lc.Connector
        except ModuleNotFoundError as error:
            assert "ldap3" in str(error) or "pyasn1" in str(error), error
        else:
            raise AssertionError("Connector imported without ldap3")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr


def test_the_docs_map_marks_exactly_the_pure_layers() -> None:
    """docs/index.md marks with ◦ the same public layers this test treats as pure."""
    index = Path(__file__).resolve().parent.parent / "docs" / "index.md"
    marked = {
        line.split()[1].removesuffix("/").removesuffix(".py")
        for line in index.read_text(encoding="utf-8").splitlines()
        if line.startswith("◦ ")
    }
    assert marked == {layer for layer in PURE_LAYERS if not layer.startswith("_")}


SCIM_LIBRARIES = frozenset({"scim2_models", "scim2_server", "cheroot", "cryptography"})


def test_only_the_scim_bridge_imports_the_scim_extra() -> None:
    """The ``[scim]`` extra's libraries are imported by ``ldapconnector.scim`` alone, and
    the bridge itself only by the ``serve`` and ``check`` commands: the core stays light."""
    wrong = sorted(
        f"{module} imports {target}"
        for module, target in IMPORTS
        if (target.split(".")[0] in SCIM_LIBRARIES and layer_of(module) != "scim")
        or (
            layer_of(target) == "scim"
            and layer_of(module) != "scim"
            and module not in {"ldapconnector.cli._serve", "ldapconnector.cli._check"}
        )
    )
    assert wrong == []
