"""Reading a JSON Lines source: every bad line named by file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from ldapconnector.cli import main
from ldapconnector.cli._source import read_source_records
from ldapconnector.errors import LdapConnectorError, SourceFileError


def test_good_lines_are_read_in_order_and_blank_lines_skipped(tmp_path: Path) -> None:
    """Objects with an id come back in file order; blank lines are no records."""
    source = tmp_path / "users.jsonl"
    source.write_text('{"id": "a"}\n\n  \n{"id": 7, "x": [1]}\n', encoding="utf-8")
    assert read_source_records(str(source)) == [{"id": "a"}, {"id": 7, "x": [1]}]


def test_every_bad_line_is_listed_with_its_position(tmp_path: Path) -> None:
    """Bad JSON, a non-object and a record without id: all three, with line and column."""
    source = tmp_path / "users.jsonl"
    source.write_text(
        '{"id": "ok"}\n{"id": "a",, }\n["not", "an", "object"]\n{"name": "no id"}\n{"id": ""}\n',
        encoding="utf-8",
    )
    with pytest.raises(SourceFileError) as info:
        read_source_records(str(source))
    error = info.value
    assert isinstance(error, LdapConnectorError)
    assert error.path == str(source)
    assert error.problems == (
        f"{source}:2:12: not JSON (Expecting property name enclosed in double quotes)",
        f"{source}:3:1: not a JSON object (a list)",
        f'{source}:4:1: the record has no usable "id" (a non-empty string or a number)',
        f'{source}:5:1: the record has no usable "id" (a non-empty string or a number)',
    )
    assert str(error).startswith(f"cannot use the source file {source} (4 bad lines):")


def test_a_file_of_garbage_is_summarised(tmp_path: Path) -> None:
    """Thousands of bad lines: the first 50 are listed and the rest counted."""
    source = tmp_path / "users.jsonl"
    source.write_text("nope\n" * 1000, encoding="utf-8")
    with pytest.raises(SourceFileError) as info:
        read_source_records(str(source))
    assert len(info.value.problems) == 51
    assert info.value.problems[-1] == "… and 950 more bad lines"


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    """A missing file and a Latin-1 file are refused with the reason."""
    with pytest.raises(SourceFileError, match="cannot read it"):
        read_source_records(str(tmp_path / "missing.jsonl"))
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(b'{"id": "caf\xe9"}\n')
    with pytest.raises(SourceFileError, match="not UTF-8"):
        read_source_records(str(latin))


def test_the_cli_refuses_the_file_before_connecting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 2 and every bad line on stderr; the config's server is never contacted."""
    config = tmp_path / "c.toml"
    # Port 9 (discard) on loopback: a connection attempt would fail loudly, not hang.
    config.write_text(
        '[connectivity]\nhost = "127.0.0.1"\nport = 9\nsecurity = "none"\n'
        'binding = "anonymous"\n[object_type]\ntarget = "inetOrgPerson"\n'
    )
    source = tmp_path / "users.jsonl"
    source.write_text('{"id": "a"}\n{oops\n{"no": "id"}\n', encoding="utf-8")
    assert main(["export", "--config", str(config), "--source", str(source)]) == 2
    err = capsys.readouterr().err
    assert f"{source}:2:2: not JSON" in err
    assert f"{source}:3:1: the record has no usable" in err
    assert "cannot connect" not in err
