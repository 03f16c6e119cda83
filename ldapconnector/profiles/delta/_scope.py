"""Which decoded changes a delta import reports: the configured bases, class and actors.

A change log covers the whole server (every naming context, every object class, every
writer); a delta import reports only the changes of the configured object type:

* **bases** — by DN suffix (:func:`~ldapconnector.dn.normalize_dn`): a change is in scope
  when its DN, or for a rename its old *or* new DN, is at or below one of the bases (so
  an entry moved out of scope is reported once, as a rename to a DN outside the bases);
* **object class** — an add is checked against its logged ``objectClass`` values; when
  the target class is not among them, and for modifies and renames (whose log entry does
  not carry the class), the server is asked with ``(objectClass=TARGET)``, so subclasses
  match as the server's own filter matches them: for a whole batch at once where the
  server filters on its DN attribute (:meth:`ChangeScope.prefetch`), else once per DN
  with a base search.
  A DN that no longer exists (deleted later in the log) and a delete whose log entry does
  not keep ``objectClass`` are reported: a consumer's delete of an unknown anchor is a
  no-op, while a missed delete would leave a stale object;
* **actors** — changes made by an identity listed in ``ignore_actors`` (the connector's
  own bind DN, compared as DNs; accesslog ``reqAuthzID``, changelog
  ``modifiersName``/``creatorsName``) are dropped, so the connector's own exports do not
  come back as changes.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from ldapconnector.connection import LdapConnection
from ldapconnector.dn import dn_key, is_within, normalize_dn
from ldapconnector.errors import NoSuchObjectError
from ldapconnector.escaping import equality_filter
from ldapconnector.model import SearchScope
from ldapconnector.profiles.delta._changes import ChangeRecord, ChangeType, as_text

__all__ = ["ChangeScope", "normalize_actor"]


# Entries per OR filter when class answers are fetched together.
_PREFETCH_CHUNK = 100


def normalize_actor(actor: str) -> str:
    """The comparison form of a writer's identity (``dn:`` prefix dropped, DN normalized)."""
    text = actor.strip()
    if text.lower().startswith("dn:"):
        text = text[3:].strip()
    return dn_key(text)


def _normalized_bases(bases: Iterable[str]) -> tuple[str, ...]:
    return tuple(normalize_dn(base) for base in bases)


def _normalized_actors(names: Iterable[str]) -> frozenset[str]:
    return frozenset(normalize_actor(name) for name in names)


def _under(dn: str | None, bases: tuple[str, ...]) -> bool:
    if not bases:
        return True
    return dn is not None and any(is_within(dn, base) for base in bases)


@attrs.define
class ChangeScope:
    """Decides which change records a delta import reports (see the module docstring).

    Args:
        connection: the bound connection, for the object-class checks.
        bases: where the configured objects live; empty means everywhere.
        object_class: the configured structural class; None or ``*`` means any.
        ignore_actors: identities whose writes are not reported.
    """

    connection: LdapConnection
    bases: tuple[str, ...] = attrs.field(converter=_normalized_bases)
    object_class: str | None = None
    ignore_actors: frozenset[str] = attrs.field(default=frozenset(), converter=_normalized_actors)
    dn_attribute: str | None = None
    _classes: dict[str, bool | None] = attrs.field(factory=dict, init=False)

    def prefetch(self, records: Iterable[ChangeRecord]) -> None:
        """Ask the server about many entries' class at once (two searches per base and chunk).

        With ``dn_attribute`` (a server's filterable DN attribute: ``entryDN`` on OpenLDAP
        and 389 DS), the entries whose class is not in their log entry are looked up
        together instead of by one base search each; :meth:`keep` then uses the answers.
        """
        target = self.object_class
        if self.dn_attribute is None or not self.bases or target is None or target == "*":
            return
        pending: dict[str, str] = {}
        for record in records:
            key = dn_key(record.dn)
            if key and key not in self._classes and self._needs_server(record, target):
                pending[key] = record.dn
        keys = list(pending)
        for start in range(0, len(keys), _PREFETCH_CHUNK):
            chunk = {key: pending[key] for key in keys[start : start + _PREFETCH_CHUNK]}
            self._answer(chunk, target, self.dn_attribute)

    def _answer(self, chunk: dict[str, str], target: str, dn_attribute: str) -> None:
        terms = "".join(equality_filter(dn_attribute, dn) for dn in chunk.values())
        matching = self._found(f"(&{equality_filter('objectClass', target)}(|{terms}))")
        existing = self._found(f"(|{terms})")
        for key in chunk:
            self._classes[key] = True if key in matching else False if key in existing else None

    def _found(self, search_filter: str) -> set[str]:
        found: set[str] = set()
        for base in self.bases:
            try:
                for entry in self.connection.search(base, search_filter, attributes=("1.1",)):
                    found.add(dn_key(entry.dn))
            except NoSuchObjectError:
                continue
        return found

    @staticmethod
    def _needs_server(record: ChangeRecord, target: str) -> bool:
        return record.type is not ChangeType.DELETE and target.lower() not in _logged_classes(
            record
        )

    def keep(self, record: ChangeRecord) -> bool:
        """Tell whether ``record`` is in scope and made by someone not ignored."""
        if record.actor is not None and normalize_actor(record.actor) in self.ignore_actors:
            return False
        if not (_under(record.dn, self.bases) or _under(record.old_dn, self.bases)):
            return False
        return self._class_matches(record)

    def _class_matches(self, record: ChangeRecord) -> bool:
        target = self.object_class
        if target is None or target == "*":
            return True
        logged = _logged_classes(record)
        if target.lower() in logged:
            return True
        if record.type is ChangeType.DELETE:
            return not logged  # a delete without logged classes: report (see above)
        found = self._server_says(record.dn, target)
        if found is None:  # gone since: trust the log when it has classes
            return not logged if record.type is ChangeType.ADD else True
        return found

    def _server_says(self, dn: str, target: str) -> bool | None:
        key = dn_key(dn)
        if key not in self._classes:
            self._classes[key] = self._lookup(dn, target)
        return self._classes[key]

    def _lookup(self, dn: str, target: str) -> bool | None:
        try:
            found = self.connection.search(
                dn,
                equality_filter("objectClass", target),
                scope=SearchScope.BASE,
                attributes=("1.1",),
                page_size=0,
            )
            return any(True for _entry in found)
        except NoSuchObjectError:
            return None


def _logged_classes(record: ChangeRecord) -> frozenset[str]:
    source = record.old_attributes if record.type is ChangeType.DELETE else record.attributes
    for name, values in source.items():
        if name.lower() == "objectclass":
            return frozenset(as_text(v).strip().lower() for v in values)
    return frozenset()
