"""Build the argument parser from the sub-command modules and run one command."""

from __future__ import annotations

import argparse
import importlib.metadata
import sys
from collections.abc import Callable, Sequence

from ldapconnector.errors import (
    ConfigurationError,
    LdapConnectorError,
    SourceFileError,
    TransportError,
)
from ldapconnector.model import ConnectionStage

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2

Registrar = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]


def _registrars() -> list[Registrar]:
    # Imported when the parser is built, so `import ldapconnector.cli` alone stays cheap.
    from ldapconnector.cli import (
        _check,
        _demo,
        _eval,
        _export,
        _fingerprint,
        _import,
        _probe,
        _schema,
        _serve,
    )

    return [
        _check.register,
        _demo.register,
        _eval.register,
        _export.register,
        _fingerprint.register,
        _import.register,
        _probe.register,
        _schema.register,
        _serve.register,
    ]


def _version() -> str:
    try:
        return importlib.metadata.version("ldapconnector")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree, not installed
        return "(not installed)"


def build_parser() -> argparse.ArgumentParser:
    """Return the top-level parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="ldapconnector",
        description="A generic LDAP connector: detect, schema, map, import, export.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in _registrars():
        register(subparsers)
    return parser


def _exit_code(exc: LdapConnectorError) -> int:
    # A certificate file that is not PEM is found before any traffic: bad config (2).
    if isinstance(exc, TransportError) and exc.stage is ConnectionStage.SETTINGS:
        return EXIT_USAGE
    # A source file with bad lines was refused before anything was exported: bad input (2).
    if isinstance(exc, SourceFileError):
        return EXIT_USAGE
    return EXIT_SOME_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        code: int = handler(args)
    except ConfigurationError as exc:
        print(f"ldapconnector: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except LdapConnectorError as exc:
        print(f"ldapconnector: error: {exc}", file=sys.stderr)
        return _exit_code(exc)
    except KeyboardInterrupt:
        print("ldapconnector: interrupted", file=sys.stderr)
        return 130
    return code
