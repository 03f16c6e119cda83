"""``Secret``: a password or key that never shows itself."""

from __future__ import annotations

import attrs

__all__ = ["Secret"]


@attrs.frozen(repr=False, eq=False)
class Secret:
    """A credential that never shows itself in ``str``, ``repr`` or logs.

    Call :meth:`reveal` at the one place the value must be sent to the server.
    """

    _value: str

    def reveal(self) -> str:
        """Return the secret value (only for sending it to the server)."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))
