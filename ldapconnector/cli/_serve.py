"""``ldapconnector serve --config FILE``: the SCIM 2.0 bridge (extra ``ldapconnector[scim]``).

Reads the bridge file (listener, TLS, ``[[connectors]]``; see docs/scim-bridge.md),
prints the certificate's path and SHA-256 fingerprint and each connector's tenant URL,
then serves until interrupted. Provisioning-log lines (one JSON object per request) go to
stdout; other messages to stderr. Plain HTTP needs ``--plain-http`` and a loopback host.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from typing import Any

from ldapconnector.errors import UnsupportedFeatureError

__all__ = ["register", "scim_package"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``serve`` sub-command."""
    parser = subparsers.add_parser(
        "serve",
        help="serve the SCIM 2.0 bridge (Entra ID, Okta) over HTTPS",
        description="Serve each configured connector at /ecma2host_<name>/scim over SCIM 2.0.",
    )
    parser.add_argument("--config", required=True, metavar="FILE", help="bridge file (TOML)")
    parser.add_argument("--port", type=int, help="listen on this port (default: the file's, 8585)")
    parser.add_argument(
        "--plain-http",
        action="store_true",
        help="serve plain HTTP instead of HTTPS; only on a loopback host (tests, a local proxy)",
    )
    parser.set_defaults(handler=run)


def scim_package() -> Any:
    """``ldapconnector.scim``, imported on demand (it needs the ``[scim]`` extra).

    Raises:
        UnsupportedFeatureError: the extra is not installed.
    """
    try:
        import ldapconnector.scim as scim
    except ImportError as error:
        raise UnsupportedFeatureError(
            f"the SCIM bridge needs the scim extra: pip install 'ldapconnector[scim]' ({error})"
        ) from None
    return scim


def _log_to_stdout() -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    provisioning = logging.getLogger("ldapconnector.scim.provisioning")
    provisioning.addHandler(handler)
    provisioning.setLevel(logging.INFO)
    provisioning.propagate = False
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(message)s")


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _stop_on_signals() -> None:
    # SIGTERM (systemd, docker stop) stops the bridge like Ctrl-C; and SIGINT is handled
    # even when the parent started us with it ignored (a shell's background job).
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def run(args: argparse.Namespace) -> int:
    """Start the bridges and serve until interrupted."""
    scim = scim_package()
    settings = scim.load_settings(args.config)
    port = args.port if args.port is not None else settings.port
    scim.check_plain_http(settings.host, args.plain_http)  # before any connection
    certificate = None if args.plain_http else scim.ensure_certificate(settings)
    if certificate is not None:
        made = "generated" if certificate.generated else "using"
        print(f"{made} certificate {certificate.certificate} (SHA-256 {certificate.fingerprint}, "
              f"valid until {certificate.not_after:%Y-%m-%d})", file=sys.stderr)  # fmt: skip
    _log_to_stdout()
    bridges = [
        scim.ConnectorBridge.open(endpoint, autosync_minutes=settings.autosync_minutes)
        for endpoint in settings.connectors
    ]
    server = scim.BridgeServer(bridges, settings.host, port, certificate)
    _stop_on_signals()
    try:
        server.start()
        host = scim.local_host(settings.host)
        for bridge in bridges:
            print(f"serving {server.scheme}://{host}:{server.port}{bridge.endpoint.path}",
                  file=sys.stderr, flush=True)  # fmt: skip
        server.wait()
    finally:
        server.stop()
        for bridge in bridges:
            bridge.close()
    return 0
