"""The ``ldapconnector`` command line.

Each sub-command lives in its own private module exposing ``register(subparsers)``, which
adds its parser and sets ``handler`` (a function taking the parsed namespace and returning
the exit code). Exit codes: 0 success, 1 some objects failed, 2 bad usage or configuration.
"""

from ldapconnector.cli._app import main

__all__ = ["main"]
