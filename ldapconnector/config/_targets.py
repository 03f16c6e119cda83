"""Mapping targets with a meaning of their own."""

from __future__ import annotations

__all__ = ["DN_TARGET"]

#: The mapping target (and anchor) that stands for the entry's DN, as in ECMA2Host.
DN_TARGET = "-dn-"
