"""Expression-function registries: immutable, explicit, plugged in per compile."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime

import pytest

from ldapconnector.cli._demo_data import posix_example, users
from ldapconnector.config import ConnectorConfig, MappingConfig, MappingType
from ldapconnector.connector import Connector
from ldapconnector.errors import ConfigurationError, ExpressionSyntaxError
from ldapconnector.expressions import (
    EvaluationContext,
    FunctionRegistry,
    FunctionSpec,
    Param,
    compile_expression,
    default_functions,
    evaluate_expression,
)
from ldapconnector.mapping import MappingSet
from ldapconnector.profiles import ExportOutcome
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer


def _initials(value: object) -> str | None:
    if value is None:
        return None
    return "".join(word[0] for word in str(value).split()).upper()


INITIALS = FunctionSpec(
    name="Initials", params=("String",), impl=_initials, summary="First letter of each word."
)


def test_the_default_registry_holds_the_built_ins_and_is_shared() -> None:
    """default_functions() is one immutable registry of the built-in functions."""
    functions = default_functions()
    assert functions is default_functions()
    assert "Join" in functions
    assert "join" in functions
    assert "Initials" not in functions
    assert functions.get("WORD") is not None
    assert list(functions.names) == sorted(functions.names)
    assert len(functions) == len(functions.names)


def test_with_function_returns_a_new_registry_and_leaves_the_default_alone() -> None:
    """Adding a function never changes the registry it was added to."""
    plugged = default_functions().with_function(INITIALS)
    assert "Initials" in plugged
    assert "Initials" not in default_functions()
    assert len(plugged) == len(default_functions()) + 1
    with pytest.raises(ExpressionSyntaxError, match="unknown function 'Initials'"):
        compile_expression("Initials([displayName])")


def test_a_plugged_function_compiles_and_evaluates() -> None:
    """A registry given to compile_expression resolves its functions, ignoring case."""
    functions = default_functions().with_function(INITIALS)
    expression = compile_expression('Join(".", initials([displayName]), "x")', functions=functions)
    assert expression.evaluate({"displayName": "Barbara Simon"}) == "BS.x"
    assert evaluate_expression("Initials([n])", {"n": "a b c"}, functions=functions) == "ABC"


def test_arity_is_checked_at_compile_time_for_a_plugged_function() -> None:
    """The registry row's parameters give compile errors, as for a built-in."""
    functions = default_functions().with_function(INITIALS)
    with pytest.raises(ExpressionSyntaxError, match=r"Initials\(String\) takes at most 1"):
        compile_expression('Initials([a], "b")', functions=functions)


def test_unknown_function_suggests_names_from_the_registry_in_use() -> None:
    """The did-you-mean comes from the registry the expression is compiled against."""
    functions = default_functions().with_function(INITIALS)
    with pytest.raises(ExpressionSyntaxError, match="did you mean Initials"):
        compile_expression("Initals([a])", functions=functions)
    bare = FunctionRegistry([INITIALS])
    with pytest.raises(ExpressionSyntaxError) as caught:
        compile_expression("Jon([a])", functions=bare)
    assert "did you mean" not in caught.value.reason  # Join is not in that registry


def test_a_name_clash_is_refused_unless_replacing() -> None:
    """A plug-in cannot silently shadow a built-in; replace=True says it means to."""
    shout = FunctionSpec(name="ToUpper", params=("source",), impl=lambda v: f"{v}!")
    with pytest.raises(ValueError, match="already registered"):
        default_functions().with_function(shout)
    replaced = default_functions().with_function(shout, replace=True)
    assert compile_expression('ToUpper("a")', functions=replaced).evaluate({}) == "a!"
    assert compile_expression('ToUpper("a")').evaluate({}) == "A"
    assert "ToUpper" not in default_functions().without("toupper")


def test_an_invalid_name_is_refused() -> None:
    """A name the lexer could not read as a call is an error when the row is made."""
    with pytest.raises(ValueError, match="function name"):
        FunctionSpec(name="My-Func", params=(), impl=lambda: None)


def test_a_non_deterministic_function_is_not_folded() -> None:
    """pure=False keeps a call on constants from being evaluated once at compile time."""
    calls: list[int] = []

    def tick(step: object) -> int:
        calls.append(int(str(step)))
        return len(calls)

    folded = FunctionSpec(name="Tick", params=(Param("step"),), impl=tick)
    live = FunctionSpec(name="Tick", params=(Param("step"),), impl=tick, pure=False)
    expression = compile_expression("Tick(1)", functions=FunctionRegistry([folded]))
    assert [expression.evaluate({}) for _ in range(3)] == [1, 1, 1]
    calls.clear()
    expression = compile_expression("Tick(1)", functions=FunctionRegistry([live]))
    assert [expression.evaluate({}) for _ in range(3)] == [1, 2, 3]


def test_an_input_error_in_a_plugged_function_names_it() -> None:
    """A ValueError from a plug-in becomes an evaluation error naming the function."""
    spec = FunctionSpec(name="Strict", params=("n",), impl=lambda v: int(str(v)), pure=False)
    expression = compile_expression("Strict([n])", functions=FunctionRegistry([spec]))
    with pytest.raises(Exception, match="Strict") as caught:
        expression.evaluate({"n": "x"})
    assert type(caught.value).__name__ == "ExpressionEvaluationError"


def test_explain_uses_the_registry_of_the_expression() -> None:
    """explain() recompiles with the same registry (the plug-in is found again)."""
    functions = default_functions().with_function(INITIALS)
    text = compile_expression("Initials([n])", functions=functions).explain({"n": "a b"})
    assert '"AB"' in text


def test_the_mapping_set_passes_the_registry_on() -> None:
    """MappingSet.compile binds expressions against the given registry, else refuses."""
    configs = [
        MappingConfig(
            type=MappingType.EXPRESSION, expression="Initials([displayName])", target="initials"
        )
    ]
    with pytest.raises(ConfigurationError, match="unknown function 'Initials'"):
        MappingSet.compile(configs)
    mappings = MappingSet.compile(configs, functions=default_functions().with_function(INITIALS))
    result = mappings.apply({"id": "1", "displayName": "Ada Lovelace"}, creating=True)
    assert result.attributes["initials"] == ("AL",)  # type: ignore[union-attr]


def test_a_context_function_reads_the_evaluation_context() -> None:
    """A CONTEXT-mode plug-in gets the EvaluationContext first (here: its clock)."""
    from ldapconnector.expressions import CallMode

    year = FunctionSpec(
        name="Year", params=(), impl=lambda context: context.clock().year, mode=CallMode.CONTEXT
    )
    context = EvaluationContext(clock=lambda: datetime(2031, 1, 2, tzinfo=UTC))
    expression = compile_expression("Year()", functions=FunctionRegistry([year]))
    assert expression.evaluate({}, context=context) == 2031


def _initials_in_directory(server: OpenLDAPServer) -> dict[str, str]:
    """uid -> initials under the people container, read with ldap-utils (not the library)."""
    argv = [
        "ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-x", "-ZZ", "-H", server.ldap_uri,
        "-D", server.admin_dn, "-w", server.admin_password, "-b", server.people_dn,
        "(objectClass=inetOrgPerson)", "uid", "initials",
    ]  # fmt: skip
    done = subprocess.run(argv, env=server.tool_env(), capture_output=True, text=True, check=True)
    found: dict[str, str] = {}
    for block in done.stdout.split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "uid" in lines:
            found[lines["uid"]] = lines.get("initials", "")
    return found


@pytest.mark.integration
@pytest.mark.openldap
def test_a_plugged_function_flows_through_a_real_export(
    fresh_openldap_server: OpenLDAPServer,
) -> None:
    """The Connector's registry reaches the export's mappings; slapd gets the values."""
    server = fresh_openldap_server
    data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
    data["mappings"].append(
        {"type": "expression", "expression": "Initials([displayName])", "target": "initials"}
    )
    config = ConnectorConfig.from_dict(data, allow_literal_password=True)
    records = users(2)
    with SqliteLinkStore.in_memory() as store:
        plain = Connector(config, store=store)
        with plain, pytest.raises(ConfigurationError, match="unknown function 'Initials'"):
            plain.export(records)
        functions = default_functions().with_function(INITIALS)
        with Connector(config, store=store, functions=functions) as connector:
            report = connector.export(records)
    assert [r.outcome for r in report.results] == [ExportOutcome.CREATED] * 2
    expected = {
        str(r["userPrincipalName"]).partition("@")[0]: _initials(r["displayName"]) for r in records
    }
    assert _initials_in_directory(server) == expected
