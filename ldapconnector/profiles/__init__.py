"""Run profiles: full import, delta import and export runners, and the pure planners
they use.
"""

__all__: list[str] = []
