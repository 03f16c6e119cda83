"""Render operations as RFC 2849 LDIF change records.

Add and modify records go through the ``ldif`` library's :class:`ldif.LDIFWriter`; modrdn
and delete records, which it cannot write, use :func:`ldif_line` with the same rules:
a value that is not a SAFE-STRING (RFC 2849 section 3: non-ASCII, control characters, a
leading space, colon or ``<``) or that ends in a space is base64-encoded (``attr:: ...``),
bytes always are, and lines are folded at 76 columns.

Secrets never reach the text: values of redacted attributes are written as the
placeholder ``[Redact]`` (the marker ``Redact()`` shows everywhere) and the record starts
with a comment saying so, so the LDIF stays parseable but is plainly not applicable as is.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterable, Mapping, Sequence

import ldif

from ldapconnector.model import Modification, ModifyOp, Value

__all__ = [
    "REDACTED_PLACEHOLDER",
    "add_record",
    "comment_lines",
    "ldif_line",
    "modify_record",
]

#: What a redacted value is rendered as in LDIF, reports and reprs.
REDACTED_PLACEHOLDER = "[Redact]"

_COLUMNS = 76
# RFC 2849 section 3: SAFE-INIT-CHAR and SAFE-CHAR.
_UNSAFE = re.compile(r"^[\x00\n\r :<]|[^\x01-\x09\x0b\x0c\x0e-\x7f]")
_MOD_OPS = {ModifyOp.ADD: 0, ModifyOp.DELETE: 1, ModifyOp.REPLACE: 2}


def _needs_base64(value: Value) -> bool:
    if isinstance(value, bytes):
        return True
    return bool(_UNSAFE.search(value)) or value.endswith(" ")


def _fold(line: str) -> str:
    if len(line) <= _COLUMNS:
        return line + "\n"
    parts = [line[:_COLUMNS]]
    rest = line[_COLUMNS:]
    while rest:
        parts.append(" " + rest[: _COLUMNS - 1])
        rest = rest[_COLUMNS - 1 :]
    return "\n".join(parts) + "\n"


def ldif_line(attribute: str, value: Value) -> str:
    """One ``attribute: value`` line (base64 where RFC 2849 needs it), folded, with newline."""
    if isinstance(value, str) and not _needs_base64(value):
        return _fold(f"{attribute}: {value}")
    raw = value if isinstance(value, bytes) else value.encode("utf-8")
    return _fold(f"{attribute}:: {base64.b64encode(raw).decode('ascii')}")


def comment_lines(text: str) -> str:
    """``text`` as LDIF comment lines (ignored by parsers), one per line of text."""
    return "".join(f"# {line}\n" for line in text.splitlines())


def _for_writer(value: Value, hidden: bool) -> Value:
    if hidden:
        return REDACTED_PLACEHOLDER
    # LDIFWriter does not base64 a trailing space, which parsers strip: force it as bytes.
    if isinstance(value, str) and _needs_base64(value):
        return value.encode("utf-8")
    return value


def _is_hidden(attribute: str, redacted: Iterable[str]) -> bool:
    return attribute.lower() in {name.lower() for name in redacted}


def _redaction_note(names: Sequence[str]) -> str:
    if not names:
        return ""
    listed = ", ".join(sorted(set(names), key=str.lower))
    return comment_lines(
        f"values of {listed} are redacted as {REDACTED_PLACEHOLDER}; "
        "this record cannot be applied as written"
    )


def _write(dn: str, record: list[tuple[object, ...]]) -> str:
    out = io.BytesIO()
    ldif.LDIFWriter(out, cols=_COLUMNS).unparse(dn, record)
    return out.getvalue().decode("utf-8")


def add_record(
    dn: str, attributes: Mapping[str, Sequence[Value]], redacted: Iterable[str] = ()
) -> str:
    """An ``changetype: add`` record (RFC 2849), redacted values replaced."""
    secret = [name for name in attributes if _is_hidden(name, redacted)]
    record: list[tuple[object, ...]] = [
        (name, [_for_writer(v, name in secret) for v in values])
        for name, values in attributes.items()
    ]
    return _redaction_note(secret) + _write(dn, record)


def modify_record(dn: str, changes: Sequence[Modification], redacted: Iterable[str] = ()) -> str:
    """A ``changetype: modify`` record (RFC 2849), one ``-``-terminated part per change.

    Raises:
        ValueError: a change is an increment (RFC 4525), which the planners never make.
    """
    if any(change.op not in _MOD_OPS for change in changes):
        raise ValueError("increment changes cannot be rendered as LDIF here")
    secret = [c.attribute for c in changes if c.values and _is_hidden(c.attribute, redacted)]
    record: list[tuple[object, ...]] = [
        (
            _MOD_OPS[change.op],
            change.attribute,
            [_for_writer(v, change.attribute in secret) for v in change.values],
        )
        for change in changes
    ]
    return _redaction_note(secret) + _write(dn, record)
