"""``ldapconnector demo``: a throwaway slapd, a connection over LDAPS, a summary."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``demo`` sub-command."""
    parser = subparsers.add_parser(
        "demo", help="start a throwaway OpenLDAP server and show what the connector sees"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the demo (filled in as the layers land)."""
    print("ldapconnector demo: nothing to show yet")
    return 0
