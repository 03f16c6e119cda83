"""Read LDIF content records (RFC 2849) into plain ``(dn, {attribute: [values]})`` pairs.

The parsing itself is the well-kept ``ldif`` library's; this module only turns its
``ValueError`` into an :class:`~ldapconnector.errors.LdifError` that names the line, and
keeps text values as ``str`` and undecodable ones as ``bytes``.

It reads what ``ldapsearch`` writes by default, not only ``-LLL`` output: the library
already takes comments, ``version: 1``, folded lines and base64 values, and the result and
reference records ldapsearch adds (``search: 2`` / ``result: 0 Success``, ``ref: ...``),
which are not content records, are turned into comments first so line numbers stay true.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator

import attrs
import ldif

from ldapconnector.errors import LdifError

__all__ = ["LdifEntry", "PickedEntry", "pick_entry", "read_ldif", "read_ldif_file"]

# The first field of the records ldapsearch writes besides entries: the result of the
# search (``search:``, then ``result:``, ``matchedDN:``, ``text:``) and search references.
_NON_CONTENT_FIELDS = frozenset({b"search", b"ref"})


@attrs.frozen(kw_only=True)
class LdifEntry:
    """One LDIF content record: a DN and its attributes in file order.

    Attributes:
        dn: the entry's DN as written (an empty string for the Root DSE).
        attributes: attribute name as written -> tuple of values (``str``, or ``bytes`` where
            the value is not UTF-8).
        line: the 1-based line number the record ends on, for messages.
    """

    dn: str
    attributes: dict[str, tuple[str | bytes, ...]]
    line: int


def read_ldif(data: str | bytes, *, source: str | None = None) -> tuple[LdifEntry, ...]:
    """Parse LDIF content records from text.

    Args:
        data: the LDIF text (``str`` is encoded as UTF-8).
        source: a name for the input used in error messages (a file path).

    Raises:
        LdifError: the text is not valid LDIF; the message names the line.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return tuple(_iter_records(_comment_out_results(raw), source))


def read_ldif_file(path: str | os.PathLike[str]) -> tuple[LdifEntry, ...]:
    """Parse LDIF content records from a file (see :func:`read_ldif`)."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise LdifError(f"cannot read the file: {exc.strerror}", source=name) from None
    return read_ldif(raw, source=name)


@attrs.frozen(kw_only=True)
class PickedEntry:
    """The one record taken from a file where one entry is expected.

    Attributes:
        entry: the record used.
        ignored: how many other records the file holds.
    """

    entry: LdifEntry
    ignored: int

    def note(self, what: str) -> str | None:
        """Say which entry was used when others were ignored (None when there were none).

        Args:
            what: what the entry is, for the message (``"the Root DSE"``).
        """
        if not self.ignored:
            return None
        others = "entry" if self.ignored == 1 else "entries"
        used = f"used the entry with DN '{self.entry.dn}' ({what})"
        return f"{used}; ignored {self.ignored} other {others}"


def pick_entry(
    entries: tuple[LdifEntry, ...], wanted: Callable[[LdifEntry], bool], *, source: str
) -> PickedEntry:
    """Take the first record ``wanted`` accepts (or the only record) from a file's records.

    Args:
        entries: the file's records, from :func:`read_ldif_file`.
        wanted: whether a record is the expected entry.
        source: the file, for error messages.

    Raises:
        LdifError: the file holds no record, or several and none is the expected entry.
    """
    if not entries:
        raise LdifError("the file holds no LDIF record", source=source)
    chosen = next((entry for entry in entries if wanted(entry)), None)
    if chosen is None and len(entries) == 1:
        chosen = entries[0]
    if chosen is None:
        raise LdifError(f"none of the {len(entries)} records is the expected entry", source=source)
    return PickedEntry(entry=chosen, ignored=len(entries) - 1)


def _comment_out_results(raw: bytes) -> bytes:
    """Turn ldapsearch's result and reference records into comments, keeping every line."""
    lines = raw.split(b"\n")
    first_line = True  # the next non-comment line starts a record
    masking = False
    for index, line in enumerate(lines):
        if not line.strip(b"\r"):
            first_line, masking = True, False
        elif line.startswith(b"#") or (line.startswith(b" ") and not masking):
            continue
        elif first_line:
            first_line = False
            masking = line.split(b":", 1)[0].lower() in _NON_CONTENT_FIELDS
        if masking:
            lines[index] = b"#" + line
    return b"\n".join(lines)


def _logical_line_starts(raw: bytes) -> tuple[int, ...]:
    """The 1-based file line each unfolded line starts on (the parser counts unfolded lines)."""
    lines = raw.split(b"\n")
    return tuple(n for n, line in enumerate(lines, 1) if n == 1 or not line.startswith(b" "))


def _iter_records(raw: bytes, source: str | None) -> Iterator[LdifEntry]:
    parser = ldif.LDIFParser(io.BytesIO(raw), strict=True)
    records = parser.parse()
    starts = _logical_line_starts(raw)

    def line() -> int:
        # ldapsearch folds long values, so unfolded and file line numbers differ.
        return starts[min(parser.line_counter, len(starts)) - 1] if parser.line_counter else 1

    while True:
        try:
            dn, entry = next(records)
        except StopIteration:
            return
        except (ValueError, IndexError, UnicodeError) as exc:
            raise LdifError(str(exc) or type(exc).__name__, line=line(), source=source) from None
        if dn is None:
            if not entry:
                continue
            raise LdifError("record without a 'dn:' line", line=line(), source=source)
        attributes = {name: tuple(values) for name, values in entry.items()}
        yield LdifEntry(dn=dn, attributes=attributes, line=line())
