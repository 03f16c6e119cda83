"""The default function registry: every built-in function, in one immutable registry."""

from __future__ import annotations

import functools

from ldapconnector.expressions import (
    _functions_date,
    _functions_ldap,
    _functions_logic,
    _functions_multi,
    _functions_replace,
    _functions_text,
)
from ldapconnector.expressions._registry import FunctionRegistry

__all__ = ["default_functions"]


@functools.cache
def default_functions() -> FunctionRegistry:
    """The built-in functions: Microsoft's reference list plus ``EscapeDNValue``.

    The registry is immutable and the same object every call; build on it with
    :meth:`FunctionRegistry.with_function`.
    """
    return FunctionRegistry(
        [
            *_functions_text.FUNCTIONS,
            *_functions_replace.FUNCTIONS,
            *_functions_date.FUNCTIONS,
            *_functions_logic.FUNCTIONS,
            *_functions_multi.FUNCTIONS,
            *_functions_ldap.FUNCTIONS,
        ]
    )
