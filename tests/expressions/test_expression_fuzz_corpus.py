"""A seeded corpus of hostile expressions: only ExpressionError subclasses may escape.

The generator here is shared with ``benchmarks/bench_expression_fuzz.py`` (which imports
this module by path and runs 50,000 cases with timings); the test runs a few thousand.
Cases are mutations of the compliance suite's expressions plus random token soups, huge
numbers and ``&H`` literals, unbalanced quotes and brackets, deep nesting, and Replace
with catastrophic or broken patterns.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

from ldapconnector.errors import ExpressionError
from ldapconnector.expressions import EvaluationContext, compile_expression

DATA = Path(__file__).parents[1] / "data" / "expressions"

SEED = 20_260_314
"""The corpus is the same on every run: a failure names a case that can be replayed."""

TEST_CASES = 3_000

TRIGGER = "a" * 40 + "!"
"""A value on which the catastrophic patterns backtrack for ever (hits REGEX_TIMEOUT)."""

TRIGGER_RATE = 0.02
"""How often a Replace case gets TRIGGER: each hit costs REGEX_TIMEOUT, so keep it rare."""

CATASTROPHIC = ("(a|aa)+$", "(a|a)+$", "(\\w|\\w\\w)+$")
BROKEN_PATTERNS = (
    "(" * 3000 + ")" * 3000,
    "a{99999999999999999999}",
    "a{4294967296}",
    "[",
    "\\",
    "(?<n>x)\\k<m>",
    "(?P<1>x)",
    "\\N{NO SUCH NAME}",
    "(?<g>x",
    "*",
    "x{e<=1}",
    "(?V1)[[a]",
    "\\p{NoSuchCategory}",
)
PLAIN_PATTERNS = ("\\d+", "(?<g>\\w+)@", "^\\s*", "[()\\s-]+", "\\p{Lu}", "(?<=a+)b", "")

TOKENS = (
    "(", ")", ",", "[a]", "[b]", "[s]", "[", "]", '"', '"x"', '""', '"\\"', '"\\\\"', "1", "-2",
    "0", "2.5", "&HF", "&H", "&", "=", "<>", "<=", ">", "vbTextCompare", "Join", "Word", "Mid",
    "IIF", "Switch", "Replace", "CDate", "DateAdd", "Item", "Split", "Coalesce", "Not", "Redact",
    "DateFromNum", "FormatDateTime", "RandomString", "Left", "EscapeDNValue", "BitAnd",
    "SelectUniqueValue", "IgnoreFlowIfNullOrEmpty", "ToLower", "Guid", "Now", " ", "\n", "\t",
    "\x00", "\udcff", "é",
)  # fmt: skip

VALUES: tuple[object, ...] = (
    None, "", "x", "John Smith", "a" * 12, "(", "True", "2012-03-16-07:00",
    "129699324000000000", "1/2/2020", "&HFF", "9" * 5000, "&H" + "F" * 500, "\udcff", "a\x00b",
    "evil\\", " #lead ", 0, -1, 10**20, -(10**30), 10**5000, 2.5, float("inf"), float("nan"),
    True, False, [], ["one"], ["a", "b", "c"], [None, ""], b"\xff\xfe", b"ok",
    datetime(2020, 1, 2, tzinfo=UTC), datetime(1, 1, 1),
)  # fmt: skip
"""Attribute values, hostile ones included (TRIGGER is handed out separately)."""


def compliance_expressions() -> list[str]:
    """Every expression of the compliance suite (``tests/data/expressions/*.json``)."""
    found: list[str] = []
    for path in sorted(DATA.glob("*.json")):
        for group in json.loads(path.read_text(encoding="utf-8")):
            found.extend(case["expression"] for case in group["cases"])
    return found


def quote(text: str) -> str:
    """``text`` as an expression string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _huge_number(rng: random.Random) -> str:
    digits = "".join(rng.choice("0123456789") for _ in range(rng.choice((19, 20, 400, 4301))))
    return rng.choice(("", "-", "&H", "1.", "0.")) + rng.choice(("9", "1")) + digits


def _hostile_token(rng: random.Random) -> str:
    makers: tuple[Callable[[], str], ...] = (
        lambda: _huge_number(rng),
        lambda: "&H" + "F" * rng.randint(15, 3000),
        lambda: '"' + "x" * rng.randint(0, 40),  # an unterminated string
        lambda: "[" + "y" * rng.randint(0, 40),  # an unterminated attribute
        lambda: rng.choice('([,)]"') * rng.randint(1, 200),
        lambda: quote(rng.choice(CATASTROPHIC + BROKEN_PATTERNS)),
    )
    return rng.choice(makers)()


def _token(rng: random.Random) -> str:
    return _hostile_token(rng) if rng.random() < 0.15 else rng.choice(TOKENS)


def _mutated(rng: random.Random, seeds: list[str]) -> str:
    source = rng.choice(seeds)
    for _ in range(rng.randint(1, 4)):
        at = rng.randint(0, len(source))
        action = rng.randrange(4)
        if action == 0:
            source = source[:at] + source[at + rng.randint(1, 5) :]
        elif action == 1:
            source = source[:at] + _token(rng) + source[at:]
        elif action == 2:
            source = source[:at] + source[at : at + rng.randint(1, 30)] + source[at:]
        else:
            source = source[:at]
    return source


def _soup(rng: random.Random) -> str:
    return "".join(_token(rng) for _ in range(rng.randint(1, 30)))


def _nested(rng: random.Random) -> str:
    depth = rng.choice((1, 10, 63, 64, 65, 200, 3000))
    name = rng.choice(("ToLower", "Not", 'Join("",', "IIF([a]=1,", "("))
    opener = name if name.endswith(("(", ",")) else name + "("
    closing = ")" * (depth if rng.random() < 0.8 else rng.randint(0, depth))
    return opener * depth + rng.choice(("[a]", '"x"', "1", "")) + closing


def _literal(rng: random.Random) -> str:
    wrapper = rng.choice(('Join("", {})', "BitAnd({}, 1)", "{}", 'Left("abc", {})', "CStr({})"))
    return wrapper.format(_huge_number(rng) if rng.random() < 0.7 else _hostile_token(rng))


def _replace(rng: random.Random) -> str:
    pattern = rng.choice(CATASTROPHIC + BROKEN_PATTERNS + PLAIN_PATTERNS)
    shown = quote(pattern) if rng.random() < 0.7 else "[p]"
    shapes = (
        'Replace([s], , {p}, , "x", , )',
        'Replace([s], , {p}, "g", "x", , )',
        'Replace([empty], , {p}, "g", , [s], )',
        'Replace(Replace([s], , {p}, , "y", , ), , {p}, , "z", , )',
    )
    return rng.choice(shapes).format(p=shown)


KINDS: tuple[tuple[str, float, Callable[[random.Random, list[str]], str]], ...] = (
    ("mutated", 0.45, _mutated),
    ("soup", 0.20, lambda rng, _seeds: _soup(rng)),
    ("nested", 0.10, lambda rng, _seeds: _nested(rng)),
    ("literal", 0.10, lambda rng, _seeds: _literal(rng)),
    ("replace", 0.15, lambda rng, _seeds: _replace(rng)),
)
"""Kinds of generated case, with their share of the corpus."""


def _attributes(rng: random.Random, kind: str, source: str) -> dict[str, object]:
    names = ("a", "b", "x", "d", "s", "userPrincipalName", "mail", "displayName")
    attributes = {name: rng.choice(VALUES) for name in names if rng.random() < 0.6}
    attributes["empty"] = ""
    attributes["p"] = rng.choice(CATASTROPHIC + BROKEN_PATTERNS + PLAIN_PATTERNS)
    if kind == "replace":
        attributes["s"] = TRIGGER if rng.random() < TRIGGER_RATE else rng.choice(("abc", "aaa!"))
    elif isinstance(attributes.get("s"), str) and "a" * 20 in str(attributes["s"]):
        attributes["s"] = "abc"  # keep the backtracking input to the replace cases
    return attributes


def generate(count: int, seed: int = SEED) -> Iterator[tuple[str, str, dict[str, object]]]:
    """Yield ``count`` cases ``(kind, expression, attributes)``, the same for the same seed."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible corpus, not secrets
    seeds = compliance_expressions()
    names = [kind for kind, _share, _make in KINDS]
    shares = [share for _kind, share, _make in KINDS]
    makers = {kind: make for kind, _share, make in KINDS}
    for _ in range(count):
        kind = rng.choices(names, shares)[0]
        source = makers[kind](rng, seeds)
        yield kind, source, _attributes(rng, kind, source)


def context() -> EvaluationContext:
    """A deterministic evaluation context (fixed clock, seeded randomness, a taken value)."""
    now = datetime(2021, 8, 25, 17, 41, 18, tzinfo=UTC)
    return EvaluationContext(
        clock=lambda: now,
        default_domain="contoso.com",
        is_unique=lambda value: value != "x",
        random=random.Random(1),  # noqa: S311 - deterministic
    )


def run(source: str, attributes: Mapping[str, object], ctx: EvaluationContext) -> str:
    """Compile and evaluate; return ``"ok"`` or the ExpressionError's class name (and timeout).

    Anything that is not an :class:`ExpressionError` propagates: that is the bug to find.
    """
    try:
        compile_expression(source).evaluate(attributes, context=ctx)
    except ExpressionError as error:
        timed_out = "gave up after" in str(error)
        return type(error).__name__ + (" (regex timeout)" if timed_out else "")
    return "ok"


def test_seeded_corpus_raises_only_expression_errors() -> None:
    """A few thousand hostile expressions each evaluate or raise an ExpressionError only."""
    ctx = context()
    escaped: list[str] = []
    kinds = set()
    for kind, source, attributes in generate(TEST_CASES):
        kinds.add(kind)
        try:
            run(source, attributes, ctx)
        except Exception as error:
            escaped.append(f"{kind}: {type(error).__name__}: {error} <- {source[:120]!r}")
    assert kinds == {kind for kind, _share, _make in KINDS}
    assert escaped == []


def test_corpus_is_reproducible() -> None:
    """The same seed gives the same cases, so a reported case can be replayed."""
    first = [source for _kind, source, _attributes in generate(50)]
    assert first == [source for _kind, source, _attributes in generate(50)]
    assert first != [source for _kind, source, _attributes in generate(50, seed=SEED + 1)]
