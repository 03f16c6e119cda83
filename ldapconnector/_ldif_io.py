"""Read LDIF content records (RFC 2849) into plain ``(dn, {attribute: [values]})`` pairs.

The parsing itself is the well-kept ``ldif`` library's; this module only turns its
``ValueError`` into an :class:`~ldapconnector.errors.LdifError` that names the line, and
keeps text values as ``str`` and undecodable ones as ``bytes``.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator

import attrs
import ldif

from ldapconnector.errors import LdifError

__all__ = ["LdifEntry", "read_ldif", "read_ldif_file"]


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
    return tuple(_iter_records(raw, source))


def read_ldif_file(path: str | os.PathLike[str]) -> tuple[LdifEntry, ...]:
    """Parse LDIF content records from a file (see :func:`read_ldif`)."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise LdifError(f"cannot read the file: {exc.strerror}", source=name) from None
    return read_ldif(raw, source=name)


def _iter_records(raw: bytes, source: str | None) -> Iterator[LdifEntry]:
    parser = ldif.LDIFParser(io.BytesIO(raw), strict=True)
    records = parser.parse()
    while True:
        try:
            dn, entry = next(records)
        except StopIteration:
            return
        except (ValueError, IndexError, UnicodeError) as exc:
            raise LdifError(
                str(exc) or type(exc).__name__, line=parser.line_counter, source=source
            ) from None
        if dn is None:
            if not entry:
                continue
            raise LdifError("record without a 'dn:' line", line=parser.line_counter, source=source)
        attributes = {name: tuple(values) for name, values in entry.items()}
        yield LdifEntry(dn=dn, attributes=attributes, line=parser.line_counter)
