"""Evaluations per second: compiled once, parsed every time, and hand-written Python.

Run: ``.venv/bin/python benchmarks/bench_expressions.py``. Prints figures and ratios only;
nothing here asserts on timing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from ldapconnector.expressions import compile_expression

DN_EXPRESSION = 'Join("", "CN=", Word([userPrincipalName], 1, "@"), ",DC=Contoso,DC=lab")'

# Six levels deep: IIF > Switch > Replace > Join > Word > [attribute].
NESTED_EXPRESSION = """
IIF(IsPresent([department]),
    Switch(ToLower([department]), "other",
        "sales", Replace(Join("-", "S", Word([userPrincipalName], 1, "@")), ".", , , "_", , ),
        "engineering",
            IIF(Len([givenName]) <= 5, ToUpper(Left([givenName], 3)), Mid([surname], 1, 4)),
        "hr", "people"),
    "none")
"""

ATTRIBUTES = {
    "userPrincipalName": "john.smith@contoso.com",
    "department": "Sales",
    "givenName": "John",
    "surname": "Smith",
}


def dn_by_hand(attributes: Mapping[str, object]) -> str:
    """The DN expression written directly in Python (same semantics for this input)."""
    upn = attributes.get("userPrincipalName")
    words = [w for w in str(upn).split("@") if w] if upn else []
    parts = [p for p in ("CN=", words[0] if words else "", ",DC=Contoso,DC=lab") if p]
    return "".join(parts)


def nested_by_hand(attributes: Mapping[str, object]) -> str:
    """The nested mapping written directly in Python (same semantics for this input)."""
    department = attributes.get("department")
    if not department:
        return "none"
    key = str(department).lower()
    if key == "sales":
        upn = str(attributes.get("userPrincipalName") or "")
        word = next((w for w in upn.split("@") if w), "")
        return "-".join(p for p in ("S", word) if p).replace(".", "_")
    if key == "engineering":
        given = str(attributes.get("givenName") or "")
        return given[:3].upper() if len(given) <= 5 else str(attributes.get("surname"))[:4]
    return "people" if key == "hr" else "other"


def rate(fn: Callable[[], object], seconds: float = 1.0) -> float:
    """Return calls per second of ``fn``, measured over about ``seconds``."""
    count, batch = 0, 1000
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(batch):
            fn()
        count += batch
    return count / elapsed


def bench(name: str, source: str, by_hand: Callable[[Mapping[str, object]], str]) -> None:
    """Print compiled, re-parsed and hand-written rates for one expression."""
    compiled = compile_expression(source)
    expected = by_hand(ATTRIBUTES)
    assert compiled.evaluate(ATTRIBUTES) == expected, "the hand-written version must agree"
    compiled_rate = rate(lambda: compiled.evaluate(ATTRIBUTES))
    parse_rate = rate(lambda: compile_expression(source).evaluate(ATTRIBUTES))
    hand_rate = rate(lambda: by_hand(ATTRIBUTES))
    print(f"{name}  (result {expected!r})")
    print(f"  compiled once        {compiled_rate:>12,.0f} evaluations/s")
    print(f"  parse + evaluate     {parse_rate:>12,.0f} evaluations/s")
    print(f"  hand-written Python  {hand_rate:>12,.0f} evaluations/s")
    print(f"  compiled vs re-parse {compiled_rate / parse_rate:>9.1f}x faster")
    print(f"  hand-written vs compiled {hand_rate / compiled_rate:>5.1f}x faster")


def main() -> None:
    """Run both benchmarks."""
    bench("(a) DN from UPN", DN_EXPRESSION, dn_by_hand)
    bench("(b) 6-deep IIF/Switch/Replace", NESTED_EXPRESSION, nested_by_hand)


if __name__ == "__main__":
    main()
