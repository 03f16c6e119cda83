"""Mapping targets with a meaning of their own."""

from __future__ import annotations

from ldapconnector.dn import DN_PSEUDO_ATTRIBUTE

__all__ = ["DN_TARGET"]

#: The mapping target (and anchor) that stands for the entry's DN, as in ECMA2Host.
DN_TARGET = DN_PSEUDO_ATTRIBUTE
