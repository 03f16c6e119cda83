"""The Entra ID attribute-mapping expression language.

lexer -> parser -> nodes -> compiler -> function registry. Expressions compile once to
Python closures and evaluate many times. Pure: no I/O.
"""

__all__: list[str] = []
