"""Where a delta import reads changes from: an open value, the shipped kinds as constants.

``DeltaSource.ACCESSLOG`` ... ``DeltaSource.TIMESTAMPS`` are the kinds detection knows
evidence for (their ``value`` strings are a contract: watermarks, ``fingerprint --json``
and ``[global] delta_source`` carry them). A change reader for a log kind this version does
not ship names its own (``DeltaSource("auditlog")``), like a vendor rule names its own
:class:`~ldapconnector.detect.Vendor`. Two sources are equal when their values are, and
:meth:`DeltaSource.of` returns the constant for a shipped name, so ``source is
DeltaSource.ACCESSLOG`` keeps working wherever a value went through it (every attrs field
typed ``DeltaSource`` converts with :func:`as_delta_source`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import ClassVar

import attrs

from ldapconnector.errors import DetectionError

__all__ = ["DeltaSource", "as_delta_source"]

# The same shape as a vendor's value: what a TOML key, a JSON watermark and a log line carry.
_SOURCE_VALUE = re.compile(r"[a-z0-9][a-z0-9._+-]*")


def _check_source_value(_instance: object, _attribute: object, value: str) -> None:
    if not isinstance(value, str) or not _SOURCE_VALUE.fullmatch(value):
        raise DetectionError(
            f"delta source value {value!r}: must be lower-case letters, digits and . _ + - "
            "(e.g. 'auditlog'), starting with a letter or digit"
        )


@attrs.frozen
class DeltaSource:
    """A kind of change source a delta import reads (see ``docs/delta-import.md``).

    The shipped kinds are constants; a plug-in reader's kind is ``DeltaSource("name")``
    (docs/extending.md). :meth:`of` looks names up ignoring case and surrounding white
    space and returns the constant for a shipped one.

    Attributes:
        value: the kind's name (``"accesslog"``, ``"usn-changed"``, a plug-in's name).

    Raises:
        DetectionError: the value is not a lower-case name (letters, digits, ``._+-``).
    """

    value: str = attrs.field(validator=_check_source_value)

    ACCESSLOG: ClassVar[DeltaSource]
    """OpenLDAP slapo-accesslog entries under ``cn=accesslog`` (watermark: reqStart/CSN)."""
    CHANGELOG: ClassVar[DeltaSource]
    """draft-good-ldap-changelog entries under ``cn=changelog`` (watermark: changeNumber)."""
    USN_CHANGED: ClassVar[DeltaSource]
    """AD uSNChanged above the stored highestCommittedUSN, plus Show Deleted for deletes."""
    DIRSYNC: ClassVar[DeltaSource]
    """AD DirSync control 1.2.840.113556.1.4.841 with its cookie."""
    SYNCREPL: ClassVar[DeltaSource]
    """RFC 4533 content synchronization with its cookie (detected; no shipped reader)."""
    TIMESTAMPS: ClassVar[DeltaSource]
    """modifyTimestamp/createTimestamp since the last run; cannot see deletes."""

    def __str__(self) -> str:
        return self.value

    @classmethod
    def builtins(cls) -> tuple[DeltaSource, ...]:
        """The kinds this version knows, in declaration order (what the enum listed)."""
        return _BUILTIN_SOURCES

    @classmethod
    def of(cls, value: DeltaSource | str) -> DeltaSource:
        """Return the source ``value`` names: the constant when it is a shipped kind.

        A string is matched ignoring case and surrounding white space (``" AccessLog"``
        is :attr:`ACCESSLOG`); another name makes a plug-in kind, which must be a
        lower-case name once stripped and lowered.

        Raises:
            DetectionError: the name is not a valid source name.
        """
        if isinstance(value, DeltaSource):
            source = value
        else:  # a non-string reaches the validator as it is, and is refused there
            source = cls(value.strip().lower() if isinstance(value, str) else value)
        return _BUILTIN_BY_VALUE.get(source.value, source)

    @property
    def is_builtin(self) -> bool:
        """Whether this is one of the kinds this version knows (a constant)."""
        return self.value in _BUILTIN_BY_VALUE


_BUILTIN_NAMES = (
    ("ACCESSLOG", "accesslog"),
    ("CHANGELOG", "changelog"),
    ("USN_CHANGED", "usn-changed"),
    ("DIRSYNC", "dirsync"),
    ("SYNCREPL", "syncrepl"),
    ("TIMESTAMPS", "timestamps"),
)
for _constant, _value in _BUILTIN_NAMES:
    setattr(DeltaSource, _constant, DeltaSource(_value))
_BUILTIN_SOURCES: tuple[DeltaSource, ...] = tuple(
    getattr(DeltaSource, constant) for constant, _ in _BUILTIN_NAMES
)
# of() runs for every change record a reader makes: a dict lookup, not a scan.
_BUILTIN_BY_VALUE = {source.value: source for source in _BUILTIN_SOURCES}


def as_delta_source(value: DeltaSource | str) -> DeltaSource:
    """Return the source ``value`` names, the constant for a shipped kind (an attrs converter)."""
    return DeltaSource.of(value)


def delta_sources_tuple(values: Iterable[DeltaSource | str]) -> tuple[DeltaSource, ...]:
    """A tuple of sources, each through :func:`as_delta_source` (for tuple fields)."""
    return tuple(DeltaSource.of(value) for value in values)
