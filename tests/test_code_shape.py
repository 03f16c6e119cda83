"""The size rules of the style guide, held by a test: small modules, short functions.

A module of the package stays under 500 lines and a function under 40 lines of code (its
signature and body, the docstring not counted: long docstrings are welcome). Tests and
benchmarks are not held to this.
"""

from __future__ import annotations

import ast
from pathlib import Path

import ldapconnector

PACKAGE_DIR = Path(ldapconnector.__file__).parent
SOURCES = sorted(PACKAGE_DIR.rglob("*.py"))
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 40


def code_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """A function's length in lines, from ``def`` to its last line, minus its docstring."""
    assert node.end_lineno is not None
    length = node.end_lineno - node.lineno + 1
    first = node.body[0]
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
        and first.end_lineno is not None
    ):
        length -= first.end_lineno - first.lineno + 1
    return length


def test_modules_stay_small() -> None:
    """No module of the package reaches 500 lines."""
    long_modules = {
        str(path.relative_to(PACKAGE_DIR)): lines
        for path in SOURCES
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) >= MAX_MODULE_LINES
    }
    assert long_modules == {}


def test_functions_stay_short() -> None:
    """No function of the package has more than 40 lines of code."""
    long_functions = {}
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_function = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            if is_function and (length := code_lines(node)) > MAX_FUNCTION_LINES:
                long_functions[f"{path.relative_to(PACKAGE_DIR)}:{node.name}"] = length
    assert long_functions == {}
