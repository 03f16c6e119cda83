"""The Entra ID attribute-mapping expression language.

How this layer works: ``_lexer`` turns the text into tokens with spans, ``_parser``
(recursive descent) builds frozen nodes (``_nodes``), and ``_compiler`` binds every call
against the declarative function table (``_functions_*``: arity and required arguments
are checked there, so those are compile errors) and turns the tree into nested Python
closures once. ``Expression.evaluate`` then only runs closures. The functions a call may
name come from a :class:`FunctionRegistry` (immutable; :func:`default_functions` holds the
built-ins, ``with_function`` makes a new one with a plug-in :class:`FunctionSpec`), passed
to :func:`compile_expression`; there is no global table to patch. Installed packages
contribute functions through the ``ldapconnector.functions`` entry points
(:func:`installed_functions`). Pure: no I/O; what an
evaluation needs from outside (clock, default domain, uniqueness check, randomness)
comes in an :class:`EvaluationContext`.

Reference: "Reference for writing expressions for attribute mappings in Microsoft Entra
Application Provisioning" (learn.microsoft.com, functions-for-customizing-application-data);
see ``docs/expressions.md`` for the value model and every function. ``_functions_ldap``
holds ldapconnector's own additions beyond that page (``EscapeDNValue``).
"""

from ldapconnector.expressions._builtins import default_functions
from ldapconnector.expressions._expression import (
    Expression,
    compile_expression,
    evaluate_expression,
)
from ldapconnector.expressions._plugins import FUNCTIONS_ENTRY_POINT_GROUP, installed_functions
from ldapconnector.expressions._registry import (
    CallMode,
    EvaluationContext,
    FunctionRegistry,
    FunctionSpec,
    Param,
)
from ldapconnector.expressions._values import (
    DO_NOT_FLOW,
    AppRoleAssignment,
    DoNotFlow,
    Redacted,
)
from ldapconnector.expressions._values import to_json as expression_value_to_json
from ldapconnector.expressions._values import to_text as expression_value_to_text

__all__ = [
    "DO_NOT_FLOW",
    "FUNCTIONS_ENTRY_POINT_GROUP",
    "AppRoleAssignment",
    "CallMode",
    "DoNotFlow",
    "EvaluationContext",
    "Expression",
    "FunctionRegistry",
    "FunctionSpec",
    "Param",
    "Redacted",
    "compile_expression",
    "default_functions",
    "evaluate_expression",
    "expression_value_to_json",
    "expression_value_to_text",
    "installed_functions",
]
