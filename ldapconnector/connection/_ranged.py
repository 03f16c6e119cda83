"""Ranged retrieval of a big multi-valued attribute (AD's ``member;range=0-1499``).

Active Directory returns at most ``MaxValRange`` values of an attribute in one answer (1,500
by default): asked for ``member`` of a bigger group, it answers with ``member;range=0-1499``
and no plain ``member`` at all, and the client asks on with ``member;range=1500-*`` until
an answer's range ends in ``*`` (MS-ADTS 3.1.1.3.1.3.3, "Range Retrieval of Attribute
Values"). Reading only ``member`` would see a big group as empty (and a membership run
would then re-add every member). :func:`read_ranged_values` asks for the plain attribute
and follows whatever ranges the server starts, so it costs one request on servers that
return every value (OpenLDAP, 389 DS, and Samba, which has no ``MaxValRange`` and cuts
values only where the request names a range). :func:`answer_values` is the pure step:
the values of one answer and where the next range starts. :func:`complete_ranged` does
the same for an entry a search returned: AD cuts every big attribute of a search result
the same way (a full import of a group type sees ``member;range=0-1499``), and the entry
is completed with the rest under the plain name.
"""

from __future__ import annotations

import attrs

from ldapconnector.connection._connection import LdapConnection
from ldapconnector.errors import InvalidRequestError, LdapConnectorError
from ldapconnector.model import Entry, Value

__all__ = ["RangedAnswer", "answer_values", "complete_ranged", "read_ranged_values"]

_RANGE = "range="


@attrs.frozen(kw_only=True)
class RangedAnswer:
    """The values of one attribute in one answer, and whether more are to be asked for.

    Attributes:
        values: the values the answer carries (plain and ranged descriptions together).
        next_low: the index of the first value not returned yet, or None when the answer
            holds the last one (a range ending in ``*``, or no range at all).
    """

    values: tuple[Value, ...]
    next_low: int | None


def _range_high(options: str, description: str) -> tuple[bool, int | None]:
    """Whether ``options`` hold a range option, and its high end (None for ``*``)."""
    for option in options.split(";"):
        if option.lower().startswith(_RANGE):
            low, _, high = option[len(_RANGE) :].partition("-")
            if not low.isdigit() or not (high == "*" or high.isdigit()):
                raise LdapConnectorError(f"the server sent a malformed range {description!r}")
            return True, None if high == "*" else int(high)
    return False, None


def answer_values(entry: Entry, attribute: str) -> RangedAnswer:
    """The values of ``attribute`` in one answer and where the next range starts (pure).

    Args:
        entry: one entry as the server returned it.
        attribute: the attribute asked for, without options (``member``).

    Raises:
        LdapConnectorError: a range option the server sent is malformed (names it).
    """
    values: list[Value] = []
    next_low: int | None = None
    wanted = attribute.lower()
    for description, found in entry.attributes.items():
        name, _, options = description.partition(";")
        if name.lower() != wanted:
            continue
        ranged, high = _range_high(options, description) if options else (False, None)
        if ranged or not options:  # other options (;binary, ;lang-x) are other attributes
            values.extend(found)
        if high is not None:
            next_low = high + 1
    return RangedAnswer(values=tuple(values), next_low=next_low)


def _next_description(attribute: str, low: int, window: int | None) -> str:
    high = "*" if window is None else str(low + window - 1)
    return f"{attribute};range={low}-{high}"


def read_ranged_values(
    connection: LdapConnection, dn: str, attribute: str, *, window: int | None = None
) -> tuple[Value, ...] | None:
    """Every value of one entry's attribute, following ranged retrieval to its last range.

    Args:
        connection: a bound connection.
        dn: the entry's DN.
        attribute: the attribute, without options (``member``).
        window: None (the default) asks for the plain attribute and follows the ranges
            the server starts. A number asks for that many values at a time
            (``member;range=0-999``, ``member;range=1000-1999``, ...): only for servers
            that implement ranged retrieval (AD, Samba); elsewhere the attribute reads as
            empty.

    Returns:
        The values in the order the server sent them, or None when the entry does not
        exist.

    Raises:
        InvalidRequestError: ``window`` is below 1.
        LdapConnectorError: the entry went away between two ranges, a range went
            backwards (no progress), or any failure of the reads.
    """
    if window is not None and window < 1:
        raise InvalidRequestError(f"window must be at least 1, got {window}")
    first = attribute if window is None else _next_description(attribute, 0, window)
    entry = connection.read_entry(dn, (first,))
    if entry is None:
        return None
    return _followed(connection, dn, attribute, answer_values(entry, attribute), window)


def _followed(
    connection: LdapConnection, dn: str, attribute: str, answer: RangedAnswer, window: int | None
) -> tuple[Value, ...]:
    """The values of ``answer`` and of every range after it."""
    values = list(answer.values)
    while answer.next_low is not None:
        low = answer.next_low
        entry = connection.read_entry(dn, (_next_description(attribute, low, window),))
        if entry is None:
            raise LdapConnectorError(f"{dn!r} went away while its {attribute} values were read")
        answer = answer_values(entry, attribute)
        if answer.next_low is not None and answer.next_low <= low:
            raise LdapConnectorError(
                f"the server sent no progress reading {attribute} of {dn!r} from value {low}"
            )
        values.extend(answer.values)
    return tuple(values)


def _is_ranged(description: str) -> bool:
    _, _, options = description.partition(";")
    return any(o.lower().startswith(_RANGE) for o in options.split(";")) if options else False


def complete_ranged(connection: LdapConnection, entry: Entry) -> Entry:
    """``entry`` with every ranged attribute read to its end, under its plain name.

    A search answer may carry ``member;range=0-1499`` instead of ``member`` (AD, over
    ``MaxValRange``): the rest is read with ranged reads of that entry and the values
    are returned as ``member``, as a server without ranges would have sent them. An
    entry without a ranged attribute is returned as it is (no request).

    Args:
        connection: the bound connection the entry was read on.
        entry: one entry of a search answer.

    Raises:
        LdapConnectorError: a range is malformed, the entry went away, or a read failed.
    """
    ranged = [d for d in entry.attributes if ";" in d and _is_ranged(d)]
    if not ranged:
        return entry
    attributes = {d: v for d, v in entry.attributes.items() if d not in ranged}
    for description in ranged:
        name = description.partition(";")[0]
        alone = Entry(dn=entry.dn, attributes={description: entry.attributes[description]})
        values = _followed(connection, entry.dn, name, answer_values(alone, name), None)
        attributes[name] = (*attributes.get(name, ()), *values)
    return attrs.evolve(entry, attributes=attributes)
