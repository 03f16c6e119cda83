"""Fuzz 50,000 seeded hostile expressions: outcomes by class, escapes, and the slowest case.

Run: ``.venv/bin/python benchmarks/bench_expression_fuzz.py [COUNT] [SEED]``. The cases
come from the generator in ``tests/expressions/test_expression_fuzz_corpus.py`` (mutated
compliance expressions, token soups, huge numbers and ``&H`` literals, unbalanced quotes
and brackets, deep nesting, Replace with catastrophic patterns). Each is compiled and
evaluated once and timed (wall clock and process CPU; ``regex`` stops a pattern on CPU
time). Prints totals only; nothing here asserts: every escape that is not an
ExpressionError should be 0, and so should the cases over 1 s.
"""

from __future__ import annotations

import collections
import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType

COUNT = 50_000
SLOW = 1.0  # seconds
CORPUS_PATH = (
    Path(__file__).resolve().parent.parent
    / "tests"
    / "expressions"
    / "test_expression_fuzz_corpus.py"
)


def load_corpus() -> ModuleType:
    """Import the test module holding the generator (tests/ is not a package)."""
    spec = importlib.util.spec_from_file_location("expression_fuzz_corpus", CORPUS_PATH)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {CORPUS_PATH}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> None:
    """Run the corpus and print the totals."""
    args = sys.argv[1:] if argv is None else argv
    count = int(args[0]) if args else COUNT
    corpus = load_corpus()
    seed = int(args[1]) if len(args) > 1 else corpus.SEED
    ctx = corpus.context()
    outcomes: collections.Counter[str] = collections.Counter()
    kinds: collections.Counter[str] = collections.Counter()
    escaped: list[str] = []
    slowest = (0.0, 0.0, "")
    slow = slow_cpu = 0
    started = time.perf_counter()
    for kind, source, attributes in corpus.generate(count, seed):
        kinds[kind] += 1
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            outcome = corpus.run(source, attributes, ctx)
        except Exception as error:
            outcome = f"ESCAPED {type(error).__name__}"
            escaped.append(
                f"{kind}: {type(error).__name__}: {str(error)[:100]} <- {source[:100]!r}"
            )
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        outcomes[outcome] += 1
        slow += wall > SLOW
        slow_cpu += cpu > SLOW
        if wall > slowest[0]:
            slowest = (wall, cpu, f"{kind}: {source[:100]!r}")
    total = time.perf_counter() - started
    print(f"cases: {count:,} (seed {seed}) in {total:.1f} s, {count / total:,.0f} cases/s")
    print("kinds: " + ", ".join(f"{k} {n:,}" for k, n in sorted(kinds.items())))
    for outcome, number in sorted(outcomes.items()):
        print(f"  {outcome}: {number:,}")
    print(f"not an ExpressionError: {len(escaped)}")
    for line in escaped[:20]:
        print(f"  {line}")
    print(f"slowest case: {slowest[0] * 1000:.1f} ms wall, {slowest[1] * 1000:.1f} ms CPU")
    print(f"  {slowest[2]}")
    print(f"over {SLOW:g} s: {slow} wall clock, {slow_cpu} CPU (regex's timeout counts CPU time)")


if __name__ == "__main__":
    main()
