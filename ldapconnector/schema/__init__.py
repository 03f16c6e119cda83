"""Directory schema: a tolerant RFC 4512 subschema parser, the frozen `Schema` model and
entry validation. Pure: no I/O.
"""

__all__: list[str] = []
