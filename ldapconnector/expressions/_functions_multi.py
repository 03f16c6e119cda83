"""Multi-valued, generated and context-bound values: Count, Item, SelectUniqueValue, ..."""

from __future__ import annotations

import string
import uuid
from collections.abc import Mapping

from ldapconnector.expressions._registry import CallMode, EvaluationContext, FunctionSpec, Param
from ldapconnector.expressions._values import (
    AppRoleAssignment,
    Redacted,
    fail,
    integer,
    is_null,
    show,
    text,
    text_or_empty,
    values,
)

# Windows password-complexity special characters (the page RandomString links to).
SPECIAL_CHARACTERS = "~!@#$%^&*_-+=`|\\(){}[]:;\"'<>,.?/"
MAX_RANDOM_LENGTH = 256


def _count(value: object) -> int:
    return len(values(value))


def _item(value: object, index: object) -> object:
    position = integer(index, "Item")
    if position is None or position < 1:
        raise fail("Item", "index must be 1 or more (items are numbered from 1)", index)
    items = values(value)
    return items[position - 1] if position <= len(items) else None


def _remove_duplicates(value: object) -> list[object] | None:
    if value is None:
        return None
    unique: list[object] = []
    for item in values(value):
        if item not in unique:
            unique.append(item)
    return unique


def _role(item: object) -> AppRoleAssignment:
    if isinstance(item, AppRoleAssignment):
        return item
    if isinstance(item, str):
        return AppRoleAssignment(value=item)
    if isinstance(item, Mapping):
        display = item.get("displayName") or item.get("display")
        role_value = item.get("value") or display
        if isinstance(role_value, str):
            return AppRoleAssignment(
                value=role_value,
                display_name=display if isinstance(display, str) else None,
                id=str(item["id"]) if item.get("id") is not None else None,
            )
    raise fail("AppRoleAssignments", "not an app role assignment", item)


def _roles(value: object, context: EvaluationContext) -> list[AppRoleAssignment]:
    if is_null(value):
        return list(context.app_role_assignments)
    return [_role(item) for item in values(value)]


def _single_role(context: EvaluationContext, value: object) -> str | None:
    roles = _roles(value, context)
    if len(roles) > 1:
        raise fail(
            "SingleAppRoleAssignment",
            f"the user has {len(roles)} app role assignments; use AppRoleAssignmentsComplex",
            [r.name for r in roles],
        )
    return roles[0].name if roles else None


def _complex_roles(context: EvaluationContext, value: object) -> list[object] | None:
    roles = _roles(value, context)
    return [r.value for r in roles] if roles else None


def _select_unique(
    attributes: Mapping[str, object], context: EvaluationContext, *rules: object
) -> object:
    tried: list[str] = []
    for rule in rules:
        if rule is None:
            continue
        candidate = rule(attributes, context)  # type: ignore[operator]
        plain = candidate.value if isinstance(candidate, Redacted) else candidate
        shown = text(plain, "SelectUniqueValue")
        if not shown:
            continue
        if context.is_unique is None or context.is_unique(shown):
            return candidate
        tried.append(shown)
    raise fail(
        "SelectUniqueValue",
        "every candidate value is already taken (the entry is escrowed)",
        tried,
    )


def _guid(context: EvaluationContext) -> str:
    return str(uuid.UUID(int=context.random.getrandbits(128), version=4))


def _random_string(context: EvaluationContext, *args: object) -> str:
    name = "RandomString"
    length, *minimums = (integer(a, name) for a in args[:5])
    avoid = set(text_or_empty(args[5] if len(args) > 5 else None, name))
    if length is None or not 1 <= length <= MAX_RANDOM_LENGTH:
        raise fail(name, f"Length must be 1 to {MAX_RANDOM_LENGTH}", args[0])
    if any(m is None or m < 0 for m in minimums):
        raise fail(name, "the minimums must be 0 or more", [show(a) for a in args[1:5]])
    counts = [int(m or 0) for m in minimums]
    if sum(counts) > length:
        raise fail(name, f"the minimums add up to {sum(counts)}, more than Length", length)
    pools = [
        "".join(c for c in chars if c not in avoid)
        for chars in (
            string.digits,
            SPECIAL_CHARACTERS,
            string.ascii_uppercase,
            string.ascii_lowercase,
        )
    ]
    for count, pool, label in zip(
        counts, pools, ("numbers", "special", "capital", "lower"), strict=True
    ):
        if count and not pool:
            raise fail(name, f"CharactersToAvoid excludes every {label} character", "".join(avoid))
    everything = "".join(pools)
    if not everything:
        raise fail(name, "CharactersToAvoid excludes every character", "".join(avoid))
    rng = context.random
    chars = [
        rng.choice(pool) for count, pool in zip(counts, pools, strict=True) for _ in range(count)
    ]
    chars += [rng.choice(everything) for _ in range(length - len(chars))]
    rng.shuffle(chars)
    return "".join(chars)


def _default_domain(context: EvaluationContext) -> str:
    if not context.default_domain:
        raise fail(
            "DefaultDomain",
            "no default verified domain is configured (EvaluationContext.default_domain)",
        )
    return context.default_domain


_M = Param
FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        name="AppRoleAssignmentsComplex",
        params=(_M("[appRoleAssignments]"),),
        impl=_complex_roles,
        mode=CallMode.CONTEXT,
        summary="Every app role assigned to the user, as a multi-valued list of role values.",
    ),
    FunctionSpec(
        name="Count",
        params=(_M("attribute"),),
        impl=_count,
        summary="The number of values (0 for null).",
    ),
    FunctionSpec(
        name="DefaultDomain",
        params=(),
        impl=_default_domain,
        mode=CallMode.CONTEXT,
        summary="The tenant's default verified domain (from the context).",
    ),
    FunctionSpec(
        name="Guid",
        params=(),
        impl=_guid,
        mode=CallMode.CONTEXT,
        pure=False,
        summary="A new random GUID, lower case with hyphens.",
    ),
    FunctionSpec(
        name="Item",
        params=(_M("attribute"), _M("index")),
        impl=_item,
        summary="The index-th value (1-based); null past the end.",
    ),
    FunctionSpec(
        name="RandomString",
        params=(
            _M("Length"),
            _M("MinimumNumbers"),
            _M("MinimumSpecialCharacters"),
            _M("MinimumCapital"),
            _M("MinimumLowerCase"),
            _M("CharactersToAvoid", False),
        ),
        impl=_random_string,
        mode=CallMode.CONTEXT,
        pure=False,
        summary="A random string meeting every minimum, avoiding the given characters.",
    ),
    FunctionSpec(
        name="RemoveDuplicates",
        params=(_M("attribute"),),
        impl=_remove_duplicates,
        summary="The values with exact duplicates removed, first occurrence kept.",
    ),
    FunctionSpec(
        name="SelectUniqueValue",
        params=(_M("uniqueValueRule1"), _M("uniqueValueRule")),
        impl=_select_unique,
        mode=CallMode.LAZY,
        repeat=1,
        pure=False,
        top_level_only=True,
        summary="The first candidate the context's is_unique callback accepts.",
    ),
    FunctionSpec(
        name="SingleAppRoleAssignment",
        params=(_M("[appRoleAssignments]"),),
        impl=_single_role,
        mode=CallMode.CONTEXT,
        summary="The name of the user's only app role.",
    ),
)
