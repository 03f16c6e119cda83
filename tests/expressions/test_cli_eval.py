"""``ldapconnector eval``: the result as JSON, --explain, and clear errors."""

from __future__ import annotations

import json

import pytest

from ldapconnector.cli import main


def test_eval_prints_the_result_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    """The documented DN expression prints its string result as JSON."""
    code = main(
        [
            "eval",
            'Join("", "CN=", Word([userPrincipalName], 1, "@"), ",DC=Contoso,DC=lab")',
            "--attributes",
            '{"userPrincipalName": "bsimon@contoso.com"}',
        ]
    )
    assert code == 0
    assert json.loads(capsys.readouterr().out) == "CN=bsimon,DC=Contoso,DC=lab"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('Split("a,b", ",")', ["a", "b"]),
        ('CDate("2020-03-16-07:00")', "2020-03-16T07:00:00+00:00"),
        ("IgnoreFlowIfNullOrEmpty([missing])", {"doNotFlow": True}),
        ('Redact("x")', {"redacted": "[Redact]"}),
        ("[missing]", None),
        ("Len([a])", 1),
        ("IsPresent([a])", True),
    ],
)
def test_eval_json_shapes(
    expression: str, expected: object, capsys: pytest.CaptureFixture[str]
) -> None:
    """Lists print as arrays, dates as ISO 8601, markers as objects, null as null."""
    assert main(["eval", expression, "--attributes", '{"a": "x"}']) == 0
    assert json.loads(capsys.readouterr().out) == expected


def test_eval_explain_prints_the_tree(capsys: pytest.CaptureFixture[str]) -> None:
    """--explain prints one node a line with each node's value."""
    assert main(["eval", "ToUpper([a])", "--attributes", '{"a": "x"}', "--explain"]) == 0
    assert capsys.readouterr().out.splitlines() == ['ToUpper() -> "X"', '└─ [a] -> "x"']


def test_eval_context_options(capsys: pytest.CaptureFixture[str]) -> None:
    """--now, --default-domain and --taken feed Now(), DefaultDomain() and SelectUniqueValue."""
    args = [
        "eval",
        'SelectUniqueValue(Join("@", "a", DefaultDomain()), Join(" ", CStr(Now()), "b"))',
        "--now",
        "2021-07-02T15:33:38+00:00",
        "--default-domain",
        "contoso.com",
        "--taken",
        "a@contoso.com",
    ]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out) == "7/2/2021 3:33:38 PM b"


def test_eval_without_taken_values_accepts_the_first_candidate(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With no --taken values the first candidate counts as unique."""
    assert main(["eval", 'SelectUniqueValue("a", "b")']) == 0
    assert json.loads(capsys.readouterr().out) == "a"


def test_eval_syntax_error_exits_2_with_a_caret(capsys: pytest.CaptureFixture[str]) -> None:
    """A malformed expression exits 2 and shows the caret drawing on stderr."""
    assert main(["eval", 'Appnd([a], "b")']) == 2
    err = capsys.readouterr().err
    assert "did you mean Append?" in err
    assert "  ^" in err


def test_eval_runtime_error_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    """An evaluation error exits 1 naming the function and value."""
    assert main(["eval", "CDate([a])", "--attributes", '{"a": "junk"}']) == 1
    assert "CDate: not a date/time (got 'junk')" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--attributes", "{not json"], "not valid JSON"),
        (["--attributes", "[1, 2]"], "must be a JSON object"),
        (["--now", "yesterday"], "not an ISO 8601"),
    ],
)
def test_eval_bad_options_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad --attributes or --now values are usage errors (exit 2)."""
    assert main(["eval", "[a]", *args]) == 2
    assert message in capsys.readouterr().err
