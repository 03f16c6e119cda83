"""A real throwaway OpenLDAP slapd: temp dir, free loopback ports, torn down on exit.

``start()`` makes certificates with ``openssl``, builds ``cn=config`` with ``slapadd -n0``
from generated LDIF (see :mod:`ldapconnector.testing._openldap_config`), loads the base
entries and any seed with ``slapadd -q`` (no overlays run, so seeded entries leave no
access log records), then runs ``slapd -d none`` in the foreground and polls a bind over
``ldapi://`` (a socket in the temp dir, so it cannot reach someone else's server) until it
answers. The whole start takes a few tenths of a second. Only ldap-utils and openssl are
used here; ldap3 stays inside ``ldapconnector.connection``.
"""

from __future__ import annotations

import logging
import tempfile
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

import attrs

from ldapconnector.testing._certs import CertificateFiles, make_test_certificates
from ldapconnector.testing._connectivity import (
    Endpoints,
)
from ldapconnector.testing._openldap_config import (
    SlapdOverlay,
    SlapdSettings,
    base_entries_ldif,
    config_ldif,
    overlay_tuple,
)
from ldapconnector.testing._ports import LOOPBACK, PortPicker
from ldapconnector.testing._process import (
    CommandProbe,
    ServerProcess,
    TestServerError,
    find_program,
    remove_directory,
    run_tool,
)
from ldapconnector.testing._server_base import (
    ServerFixtureMixin,
    ldapi_uri,
    quiet_env,
    random_password,
    tool_env,
    write_secret,
)

__all__ = ["OpenLDAPServer"]

_log = logging.getLogger(__name__)

_PROGRAMS = ("slapd", "slapadd", "ldapwhoami", "ldapadd", "openssl")
_INSTALL_HINT = "apt-get install slapd ldap-utils openssl"
_PORT_ATTEMPTS = 3
_SUN_PATH_MAX = 107
_ADDRESS_IN_USE = "Address already in use"


@attrs.frozen
class _Running:
    """The parts of a started server (all in its temp dir)."""

    directory: Path
    certs: CertificateFiles
    process: ServerProcess
    ldap_port: int
    ldaps_port: int | None


@attrs.define
class OpenLDAPServer(ServerFixtureMixin):
    """A throwaway OpenLDAP slapd 2.5 for tests, used as a context manager.

    ::

        with OpenLDAPServer() as server:
            subprocess.run(["ldapsearch", "-H", server.ldap_uri, "-ZZ", ...])

    Contents: suffix ``dc=contoso,dc=lab`` with ``ou=people``, ``ou=groups``,
    ``ou=services`` (the service account) and ``ou=policies`` (the default ppolicy entry);
    database ``cn=accesslog`` (accesslog overlay: writes, successes, old values); syncprov;
    ppolicy (hashes clear-text passwords, never locks accounts); no memberOf or referential
    integrity unless ``overlays`` asks for them. See ``docs/test-servers.md``.

    Args:
        seed_ldif: entries loaded with ``slapadd`` before the start: LDIF text (a ``str``)
            or a file (a :class:`~pathlib.Path`); content records only, under the suffix
            but not the suffix entry or the containers above, which already exist.
        start_timeout: seconds to wait for slapd to answer.
        debug_level: slapd's ``-d`` level (``none`` logs errors only; ``stats`` logs
            every operation) written to :attr:`log_file`.
        keep_directory: keep the temp dir after stopping (for debugging; it is logged).
        tls: offer TLS (StartTLS and an LDAPS port). With False the server has no
            ``olcTLS*`` settings and no LDAPS port, so it answers StartTLS with an error
            (for tests of a server that refuses TLS); the certificates are still made.
        overlays: optional overlays of the suffix database, :class:`SlapdOverlay` values or
            their names: ``"memberof"`` (``memberOf`` on the members of ``groupOfNames``)
            and ``"refint"`` (a renamed or deleted entry's DN is rewritten or removed in
            every ``member``/``uniqueMember``). Default: none.
        work_root: the directory the server's temp dir is made in (default: the system's
            temp dir).
        ports: how the loopback ports are picked and checked (:class:`PortPicker`).
        after_spawn: called with slapd's pid right after it was started and before its
            readiness is awaited (to attach a tracer, or to test an interrupted start).

    Attributes:
        ready_seconds: seconds from exec'ing slapd to its first answer, once started.
        setup_seconds: seconds for the whole start (certificates, slapadd, slapd).
    """

    programs: ClassVar[tuple[str, ...]] = _PROGRAMS
    base_dn: ClassVar[str] = "dc=contoso,dc=lab"
    admin_dn: ClassVar[str] = "cn=admin,dc=contoso,dc=lab"
    service_dn: ClassVar[str] = "cn=connector,ou=services,dc=contoso,dc=lab"
    accesslog_dn: ClassVar[str] = "cn=accesslog"
    people_dn: ClassVar[str] = "ou=people,dc=contoso,dc=lab"
    groups_dn: ClassVar[str] = "ou=groups,dc=contoso,dc=lab"
    policy_dn: ClassVar[str] = "cn=default,ou=policies,dc=contoso,dc=lab"

    seed_ldif: str | Path | None = attrs.field(default=None)
    start_timeout: float = attrs.field(default=10.0, kw_only=True)
    debug_level: str = attrs.field(default="none", kw_only=True)
    keep_directory: bool = attrs.field(default=False, kw_only=True)
    tls: bool = attrs.field(default=True, kw_only=True)
    overlays: tuple[SlapdOverlay, ...] = attrs.field(
        default=(), converter=overlay_tuple, kw_only=True
    )
    work_root: Path | None = attrs.field(default=None, kw_only=True)
    ports: PortPicker = attrs.field(factory=PortPicker, kw_only=True)
    after_spawn: Callable[[int], None] | None = attrs.field(default=None, kw_only=True)
    admin_password: str = attrs.field(factory=random_password, init=False, repr=False)
    service_password: str = attrs.field(factory=random_password, init=False, repr=False)
    ready_seconds: float | None = attrs.field(default=None, init=False)
    setup_seconds: float | None = attrs.field(default=None, init=False)
    _running: _Running | None = attrs.field(default=None, init=False, repr=False)
    _finalizer: weakref.finalize[[_Running, bool], OpenLDAPServer] | None = attrs.field(
        default=None, init=False, repr=False
    )

    @seed_ldif.validator
    def _check_seed(self, _attribute: object, value: str | Path | None) -> None:
        if isinstance(value, str) and "dn:" not in value.lower():
            raise ValueError("seed_ldif text holds no 'dn:' line; pass a Path for a file")

    # ----------------------------------------------------------------- availability

    # ----------------------------------------------------------------- life cycle

    def start(self) -> None:
        """Set up and start slapd; on any failure everything made so far is removed.

        Raises:
            TestServerError: a program is missing, or setting up or starting failed; the
                message holds the tail of slapd's (or the failing tool's) output.
        """
        if self._running is not None:
            raise TestServerError("the server is running already")
        missing = self.missing_programs()
        if missing:
            raise TestServerError(f"not installed: {', '.join(missing)} ({_INSTALL_HINT})")
        began = time.monotonic()
        directory = Path(tempfile.mkdtemp(prefix="ldapconnector-slapd-", dir=self.work_root))
        try:
            self._running = self._start_in(directory)
        except BaseException:
            remove_directory(directory, keep=self.keep_directory)
            raise
        # A server that is never stopped (a crashed caller) still goes at exit or collection.
        self._finalizer = weakref.finalize(self, _shut_down, self._running, self.keep_directory)
        self.setup_seconds = time.monotonic() - began
        _log.debug(
            "slapd (pid %s) ready in %.3f s; setup took %.3f s in total; %s",
            self._running.process.pid,
            self.ready_seconds,
            self.setup_seconds,
            directory,
        )

    def _start_in(self, directory: Path) -> _Running:
        ldapi_path = directory / "ldapi"
        if len(str(ldapi_path)) > _SUN_PATH_MAX:
            raise TestServerError(f"temp dir path too long for a unix socket: {directory}")
        certs = make_test_certificates(directory / "certs")
        settings = self._settings(directory, certs)
        (directory / "data").mkdir()
        (directory / "accesslog").mkdir()
        (directory / "slapd.d").mkdir()
        write_secret(directory / "admin.pw", self.admin_password)
        self._slapadd(directory, "0", config_ldif(settings), "config.ldif")
        self._slapadd(directory, self.base_dn, self._base_and_seed(settings), "base.ldif")
        return self._launch(directory, certs)

    def _launch(self, directory: Path, certs: CertificateFiles) -> _Running:
        # Another program may take a port between picking and binding: pick again.
        for attempt in range(1, _PORT_ATTEMPTS + 1):
            ports = self.ports.pick(2 if self.tls else 1)
            if not all(self.ports.is_free(port) for port in ports):
                continue
            ldap_port, ldaps_port = ports[0], (ports[1] if self.tls else None)
            process = self._process(directory, ldap_port, ldaps_port)
            try:
                process.start()
                if self.after_spawn is not None and process.pid is not None:
                    self.after_spawn(process.pid)
                probe = self._probe(directory)
                self.ready_seconds = process.wait_until_ready(probe, timeout=self.start_timeout)
            except TestServerError:
                process.stop()
                if attempt < _PORT_ATTEMPTS and _ADDRESS_IN_USE in process.log_tail():
                    _log.debug("a port was taken before slapd could bind it; retrying")
                    continue
                raise
            except BaseException:
                process.stop()
                raise
            return _Running(directory, certs, process, ldap_port, ldaps_port)
        raise TestServerError(f"found no free ports on {LOOPBACK} in {_PORT_ATTEMPTS} attempts")

    def _settings(self, directory: Path, certs: CertificateFiles) -> SlapdSettings:
        return SlapdSettings(
            directory=directory,
            base_dn=self.base_dn,
            admin_dn=self.admin_dn,
            admin_password=self.admin_password,
            service_dn=self.service_dn,
            service_password=self.service_password,
            accesslog_dn=self.accesslog_dn,
            policy_dn=self.policy_dn,
            client_organization=certs.client_subject.rsplit("o=", 1)[1],
            ca_file=certs.ca_file,
            cert_file=certs.server_cert_file,
            key_file=certs.server_key_file,
            tls=self.tls,
            overlays=self.overlays,
        )

    def _base_and_seed(self, settings: SlapdSettings) -> str:
        text = base_entries_ldif(settings)
        seed = self.seed_ldif
        if isinstance(seed, Path):
            seed = seed.read_text(encoding="utf-8")
        if seed:
            text += "\n" + seed.strip("\n") + "\n"
        return text

    @staticmethod
    def _slapadd(directory: Path, database: str, ldif: str, name: str) -> None:
        path = directory / name
        path.write_text(ldif, encoding="utf-8")
        slapadd = find_program("slapadd") or "slapadd"
        argv = [slapadd, "-F", str(directory / "slapd.d"), "-l", str(path)]
        argv += ["-n", "0"] if database == "0" else ["-q", "-w", "-b", database]
        run_tool(argv, env=quiet_env())

    def _process(self, directory: Path, ldap_port: int, ldaps_port: int | None) -> ServerProcess:
        ldaps = [] if ldaps_port is None else [f"ldaps://{LOOPBACK}:{ldaps_port}/"]
        listen = [f"ldap://{LOOPBACK}:{ldap_port}/", *ldaps, ldapi_uri(directory / "ldapi") + "/"]
        urls = " ".join(listen)
        slapd = find_program("slapd") or "slapd"
        argv = [slapd, "-d", self.debug_level, "-F", str(directory / "slapd.d"), "-h", urls]
        return ServerProcess("slapd", argv, directory / "slapd.log", env=quiet_env())

    def _probe(self, directory: Path) -> CommandProbe:
        # The ldapi socket is in our temp dir: the probe cannot reach another server.
        argv = (find_program("ldapwhoami") or "ldapwhoami", *self._admin_tool_args(directory))
        return CommandProbe(argv=argv, env=quiet_env(), unix_socket=directory / "ldapi")

    def _admin_tool_args(self, directory: Path) -> tuple[str, ...]:
        uri = ldapi_uri(directory / "ldapi")
        return ("-x", "-H", uri, "-D", self.admin_dn, "-y", str(directory / "admin.pw"))

    # ----------------------------------------------------------------- while running

    def kill(self) -> None:
        """SIGKILL slapd, as a crash would: requests in flight get no reply.

        The directory, its data and the ports stay; :meth:`restart` brings slapd back.
        """
        self._require().process.kill()

    def restart(self) -> None:
        """Start slapd again on the same directory, data and ports; return once it answers.

        For crash tests: after :meth:`kill` (or a crash) the server comes back as it was.

        Raises:
            TestServerError: slapd is still running, or did not come back in time.
        """
        running = self._require()
        running.process.restart()
        probe = self._probe(running.directory)
        running.process.wait_until_ready(probe, timeout=self.start_timeout)

    def _require(self) -> _Running:
        if self._running is None:
            raise TestServerError("the OpenLDAP test server is not running (use 'with')")
        return self._running

    @property
    def directory(self) -> Path:
        """The server's temp dir (databases, certificates, ``slapd.log``)."""
        return self._require().directory

    @property
    def log_file(self) -> Path:
        """slapd's stdout and stderr (errors only unless ``debug_level`` says more)."""
        return self._require().process.log_path

    @property
    def pid(self) -> int:
        """slapd's process id."""
        pid = self._require().process.pid
        if pid is None:  # pragma: no cover - a running server has a process
            raise TestServerError("slapd has no process")
        return pid

    @property
    def ldap_port(self) -> int:
        """The plain LDAP port on 127.0.0.1 (StartTLS is offered on it)."""
        return self._require().ldap_port

    @property
    def ldaps_port(self) -> int | None:
        """The LDAPS port on 127.0.0.1 (None with ``tls=False``)."""
        return self._require().ldaps_port

    @property
    def ldap_uri(self) -> str:
        """``ldap://127.0.0.1:PORT``: plain LDAP, StartTLS on the same port (with TLS)."""
        return f"ldap://{LOOPBACK}:{self.ldap_port}"

    @property
    def ldaps_uri(self) -> str | None:
        """``ldaps://localhost:PORT``: LDAP over TLS (the certificate names localhost).

        None with ``tls=False``.
        """
        port = self.ldaps_port
        return None if port is None else f"ldaps://localhost:{port}"

    @property
    def ldapi_uri(self) -> str:
        """``ldapi://…``: the unix socket in the temp dir."""
        return ldapi_uri(self.directory / "ldapi")

    @property
    def client_cert_file(self) -> str:
        """PEM client certificate; SASL EXTERNAL with it authenticates as the service."""
        return str(self._require().certs.client_cert_file)

    @property
    def client_key_file(self) -> str:
        """PEM private key of :attr:`client_cert_file`."""
        return str(self._require().certs.client_key_file)

    @property
    def certificates(self) -> CertificateFiles:
        """All certificate files, including the CA key (to sign more client certs)."""
        return self._require().certs

    def add_ldif(self, text: str) -> None:
        """Apply LDIF with ``ldapadd`` over ldapi as the admin (the accesslog sees it).

        Args:
            text: content records (added) or change records (``changetype: modify`` ...).

        Raises:
            TestServerError: ``ldapadd`` failed; the message holds its output.
        """
        directory = self._require().directory
        argv = [find_program("ldapadd") or "ldapadd", *self._admin_tool_args(directory)]
        run_tool(argv, input_text=text, env=quiet_env())

    def search_ldif(self, base: str, attributes: tuple[str, ...] = ()) -> str:
        """Read one entry with ``ldapsearch`` over ldapi as the admin; return its LDIF.

        Args:
            base: the entry's DN (a base search).
            attributes: the attributes to ask for (all user attributes when empty).

        Raises:
            TestServerError: ``ldapsearch`` failed; the message holds its output.
        """
        directory = self._require().directory
        argv = [find_program("ldapsearch") or "ldapsearch", *self._admin_tool_args(directory)]
        argv += ["-LLL", "-o", "ldif-wrap=no", "-b", base, "-s", "base", "(objectClass=*)"]
        return run_tool([*argv, *attributes], env=quiet_env())

    def tool_env(self, *, client_certificate: bool = False) -> dict[str, str]:
        """Return an environment for ldap-utils that trusts this server's CA.

        Args:
            client_certificate: also present the client certificate (for
                ``-Y EXTERNAL``).

        Returns:
            A copy of ``os.environ`` with ``LDAPTLS_CACERT``, ``LDAPTLS_REQCERT=demand``
            and, when asked, ``LDAPTLS_CERT``/``LDAPTLS_KEY``.
        """
        env = tool_env(self.ca_file)
        if client_certificate:
            env.update(LDAPTLS_CERT=self.client_cert_file, LDAPTLS_KEY=self.client_key_file)
        return env

    @property
    def endpoints(self) -> Endpoints:
        """Addresses, certificates and accounts, as the other server fixtures give them."""
        certs = self._require().certs
        return Endpoints(
            plain_host=LOOPBACK,
            tls_host="localhost",
            ldap_port=self.ldap_port,
            ldaps_port=self.ldaps_port,
            ca_file=str(certs.ca_file),
            client_cert_file=str(certs.client_cert_file),
            client_key_file=str(certs.client_key_file),
            service_dn=self.service_dn,
            service_password=self.service_password,
            admin_dn=self.admin_dn,
            admin_password=self.admin_password,
        )


def _shut_down(running: _Running, keep_directory: bool) -> None:
    try:
        running.process.stop()
    finally:
        remove_directory(running.directory, keep=keep_directory)
