"""Every benchmark script still imports against the current library (none is run here)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCHMARKS = sorted((Path(__file__).resolve().parent.parent / "benchmarks").glob("bench_*.py"))


def test_there_are_benchmarks() -> None:
    """The benchmarks folder holds the scripts the issues ask for."""
    names = {path.stem for path in BENCHMARKS}
    assert {"bench_expressions", "bench_search", "bench_full_import", "bench_export"} <= names


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda path: path.stem)
def test_benchmark_imports(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading the script as a module (without running main) raises nothing."""
    monkeypatch.syspath_prepend(str(path.parent))
    spec = importlib.util.spec_from_file_location(f"_bench_{path.stem}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    assert callable(module.main)
