"""Attribute mappings: turn a source record into the desired directory entry."""

__all__: list[str] = []
