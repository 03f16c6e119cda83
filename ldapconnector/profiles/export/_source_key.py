"""The source record's key: what an update's digest covers when the mappings are deterministic.

The digest of an update's inputs (:mod:`~ldapconnector.profiles.export._memo`) covers the
mapped record. When every mapping is deterministic (every function it calls is
:attr:`~ldapconnector.expressions.FunctionSpec.pure`: no ``Now()``, ``Guid()``,
``RandomString()``, ``SelectUniqueValue``), the mapped record is a function of three
things only: the values of the record's keys the mappings read, the mapping set (in the
run's context digest already), and the code that evaluates it. The digest can then cover
those values instead, and an unchanged user is told without being mapped at all.

The code is covered by a fingerprint of the source files it lives in (every module of
the ``expressions`` and ``mapping`` packages and the DN escaping, with the Python and
``regex`` versions): editing any of them makes every digest differ once. Only built-in
functions qualify: a plug-in's answer may rest on more than its code. Left out of the
key, so that no digest of a password is ever stored: the keys only the password
attribute's mapping reads. When that cannot be told apart (a key feeds the password and
another attribute), or a value is not plain JSON data (str, int, float, bool, null,
lists and objects of them, whose ``repr`` is their whole content), the digest covers the
mapped record as before.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import attrs
import regex

from ldapconnector import escaping, expressions, mapping
from ldapconnector.config import MappingType
from ldapconnector.expressions import default_functions
from ldapconnector.mapping import (
    CONTROL_KEYS,
    DELETED_KEY,
    SOFT_DELETED_KEY,
    AttributeMapping,
    MappingSet,
    is_flag_set,
)

__all__ = ["SourceKey", "source_key"]

Record = Mapping[str, object]

_SCALARS = frozenset({str, int, float, bool, type(None)})
# Deeper values are not keyed (the full path maps them): no recursion limit to meet.
_DEPTH = 8


def _plain(value: object, depth: int = 0) -> bool:
    """Whether ``value`` is plain JSON data, so that its ``repr`` is its whole content."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if depth >= _DEPTH:
        return False
    if kind is list or kind is tuple:
        return all(_plain(item, depth + 1) for item in value)  # type: ignore[attr-defined]
    if kind is dict:
        items = value.items()  # type: ignore[attr-defined]
        return all(type(k) is str and _plain(v, depth + 1) for k, v in items)
    return False


@attrs.frozen(kw_only=True)
class SourceKey:
    """How a run keys an update's digest on the source record (see the module docstring).

    Attributes:
        fingerprint: the digest of the code that maps a record.
        names: the record keys the mappings read, password-only ones left out (sorted).
    """

    fingerprint: str
    names: tuple[str, ...]

    def of(self, source_id: str, record: Record) -> str | None:
        """The record's key, or None when a value it covers is not plain data."""
        values = []
        for name in self.names:
            value = record.get(name, ...)  # Ellipsis marks a missing key: no JSON value's repr
            if type(value) not in _SCALARS and value is not ... and not _plain(value):
                return None
            values.append(value)
        flags = (is_flag_set(record, SOFT_DELETED_KEY), is_flag_set(record, DELETED_KEY))
        return repr((source_id, flags, values))


def _reads(item: AttributeMapping) -> frozenset[str]:
    """The record keys a mapping reads (built-in functions read only their arguments)."""
    if item.type is MappingType.DIRECT:
        return frozenset({item.source or ""})
    if item.expression is None:
        return frozenset()
    return item.expression.attribute_names


def _built_in_and_pure(mappings: MappingSet) -> bool:
    """Whether every function a mapping calls is a built-in one, and deterministic.

    A plug-in function's answer may rest on more than its code (what its package reads
    from its settings, a bound object, values its closure holds): no fingerprint of files
    can cover that, so such mappings are mapped for every record.
    """
    builtin = default_functions()
    return all(
        spec.pure and builtin.get(spec.name) is spec
        for item in mappings.mappings
        if item.expression is not None
        for spec in item.expression.calls
    )


def _code_files() -> list[Path]:
    """The modules whose code maps a record: the two packages, and the DN escaping."""
    folders = [Path(package.__file__ or "").parent for package in (expressions, mapping)]
    return [path for folder in folders for path in folder.glob("*.py")] + [
        Path(escaping.__file__ or "")
    ]


def _fingerprint(paths: Iterable[Path]) -> str | None:
    """The digest of the files' contents (and of the Python and ``regex`` they run on);
    None when one cannot be read."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{sys.version}|{regex.__version__}".encode())
    for path in sorted(set(paths)):
        try:
            digest.update(str(path).encode("utf-8", "backslashreplace") + path.read_bytes())
        except OSError:
            return None
    return digest.hexdigest()


def source_key(mappings: MappingSet, password: str) -> SourceKey | None:
    """The run's :class:`SourceKey`, or None when the digest must cover the mapped record.

    Args:
        mappings: the compiled mappings.
        password: the password attribute (its mapping's own keys are left out).
    """
    if not _built_in_and_pure(mappings):
        return None
    secret: set[str] = set()
    others: set[str] = set()
    for item in mappings.mappings:
        (secret if item.target.lower() == password.lower() else others).update(_reads(item))
    if secret & others:
        return None  # a key that feeds the password feeds another attribute too
    fingerprint = _fingerprint(_code_files())
    if fingerprint is None:
        return None
    return SourceKey(fingerprint=fingerprint, names=tuple(sorted(others - CONTROL_KEYS)))
