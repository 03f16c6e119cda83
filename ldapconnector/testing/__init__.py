"""Throwaway real directory servers for tests (ours and downstream suites'), and
recorded vendor data for servers nobody can run locally.
"""

__all__: list[str] = []
