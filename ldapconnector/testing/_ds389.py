"""A real throwaway 389 Directory Server: private prefix in a temp dir, loopback only.

``start()`` copies Debian's ``/usr/share/dirsrv`` and ``/etc/dirsrv/{config,schema}``
into a private prefix whose ``defaults.inf`` points every path into the temp dir and
turns systemd off, then runs ``dscreate from-file`` with ``PREFIX`` set (it starts and
stops the instance once, on 127.0.0.1 only). With the instance stopped it imports our
throwaway certificates into the NSS database (``certutil``/``pk12util``), rewrites
``dse.ldif`` (TLS, small caches, Retro Changelog, see
:mod:`ldapconnector.testing._ds389_config`), imports the base entries offline with
``ns-slapd ldif2db``, and finally runs ``ns-slapd -d 0`` in the foreground as our child,
polling a bind over the instance's ``ldapi://`` socket. The first start adds the ACI that
lets the service account read ``cn=changelog``. The whole start takes about 10 s, mostly
``dscreate``; the times are logged at debug level. ldap3 is not used here.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
import urllib.parse
import weakref
from pathlib import Path
from typing import ClassVar

import attrs

from ldapconnector.testing._certs import CertificateFiles, make_test_certificates
from ldapconnector.testing._connectivity import Endpoints
from ldapconnector.testing._ds389_config import (
    DS389Plugin,
    Ds389Settings,
    base_entries_ldif,
    changelog_aci_ldif,
    edit_dse,
    instance_inf,
    plugin_tuple,
)
from ldapconnector.testing._ds389_setup import (
    CERT_NAME,
    INSTALL_HINT,
    Paths,
    build_prefix,
    error_log_tail,
    import_certificates,
    run_as,
)
from ldapconnector.testing._ports import LOOPBACK, free_ports, port_is_free
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
    kill_strays,
    ldapi_uri,
    quiet_env,
    random_password,
    tool_env,
    write_secret,
)

__all__ = ["DS389Server"]

_log = logging.getLogger(__name__)

_PROGRAMS = ("ns-slapd", "dscreate", "certutil", "pk12util", "openssl", "ldapmodify", "ldapwhoami")
_PORT_ATTEMPTS = 3
_SUN_PATH_MAX = 107
_ADDRESS_IN_USE = "address is in use"


@attrs.frozen
class _Running:
    """The parts of a started server (all in its temp dir)."""

    paths: Paths
    certs: CertificateFiles
    process: ServerProcess
    ldap_port: int
    ldaps_port: int


@attrs.define
class DS389Server(ServerFixtureMixin):
    """A throwaway 389 Directory Server 2.x for tests, used as a context manager.

    ::

        with DS389Server() as server:
            settings = server.connectivity_config("ldaps", "simple")

    Contents: suffix ``dc=contoso,dc=lab`` with ``ou=people``, ``ou=groups`` and
    ``ou=services`` (the service account, which may write ``ou=people``, read the suffix
    and ``cn=changelog``); the Retro Changelog (``cn=changelog``) with ``targetUniqueId``
    and ``targetEntryUUID``; LDAPS and StartTLS with a throwaway CA. No client
    certificates (SASL EXTERNAL is not set up). The MemberOf and Referential Integrity
    plug-ins are off unless ``plugins`` turns them on. See ``docs/test-servers.md``.

    Args:
        seed_ldif: entries imported with ``ldif2db`` before the start, as LDIF text or a
            file; content records under the containers that already exist. They leave no
            changelog records.
        start_timeout: seconds to wait for ns-slapd to answer.
        keep_directory: keep the temp dir after stopping (for debugging; it is logged).
        plugins: plug-ins to enable, :class:`DS389Plugin` values or their names:
            ``"memberof"`` (``memberOf`` on the members of ``member``/``uniqueMember``
            groups) and ``"refint"`` (a renamed or deleted entry's DN is rewritten or
            removed in every group at once). Default: none.

    Attributes:
        ready_seconds: seconds from exec'ing ns-slapd to its first answer, once started.
        setup_seconds: seconds for the whole start (dscreate included).
    """

    programs: ClassVar[tuple[str, ...]] = _PROGRAMS
    base_dn: ClassVar[str] = "dc=contoso,dc=lab"
    admin_dn: ClassVar[str] = "cn=Directory Manager"
    service_dn: ClassVar[str] = "cn=connector,ou=services,dc=contoso,dc=lab"
    people_dn: ClassVar[str] = "ou=people,dc=contoso,dc=lab"
    groups_dn: ClassVar[str] = "ou=groups,dc=contoso,dc=lab"
    changelog_dn: ClassVar[str] = "cn=changelog"

    seed_ldif: str | Path | None = attrs.field(default=None)
    start_timeout: float = attrs.field(default=60.0, kw_only=True)
    keep_directory: bool = attrs.field(default=False, kw_only=True)
    plugins: tuple[DS389Plugin, ...] = attrs.field(default=(), converter=plugin_tuple, kw_only=True)
    admin_password: str = attrs.field(factory=random_password, init=False, repr=False)
    service_password: str = attrs.field(factory=random_password, init=False, repr=False)
    ready_seconds: float | None = attrs.field(default=None, init=False)
    setup_seconds: float | None = attrs.field(default=None, init=False)
    _running: _Running | None = attrs.field(default=None, init=False, repr=False)
    _finalizer: weakref.finalize[[_Running, bool], DS389Server] | None = attrs.field(
        default=None, init=False, repr=False
    )

    @seed_ldif.validator
    def _check_seed(self, _attribute: object, value: str | Path | None) -> None:
        if isinstance(value, str) and "dn:" not in value.lower():
            raise ValueError("seed_ldif text holds no 'dn:' line; pass a Path for a file")

    # ----------------------------------------------------------------- life cycle

    def start(self) -> None:
        """Create and start the instance; on any failure everything made so far is removed.

        Raises:
            TestServerError: a program is missing, or setting up or starting failed; the
                message holds the tail of the failing tool's output or the error log.
        """
        if self._running is not None:
            raise TestServerError("the server is running already")
        missing = self.missing_programs()
        if missing:
            raise TestServerError(f"not installed: {', '.join(missing)} ({INSTALL_HINT})")
        began = time.monotonic()
        directory = Path(tempfile.mkdtemp(prefix="ldapconnector-ds389-"))
        try:
            directory.chmod(0o755)  # ns-slapd runs as dirsrv: it must reach its files
            self._running = self._start_in(Paths(directory))
        except BaseException:
            kill_strays(str(directory))
            remove_directory(directory, keep=self.keep_directory)
            raise
        self._finalizer = weakref.finalize(self, _shut_down, self._running, self.keep_directory)
        self.setup_seconds = time.monotonic() - began
        _log.debug(
            "389 DS ns-slapd (pid %s) ready in %.3f s; setup took %.3f s in total; %s",
            self._running.process.pid,
            self.ready_seconds,
            self.setup_seconds,
            directory,
        )

    def _start_in(self, paths: Paths) -> _Running:
        if len(str(paths.ldapi)) > _SUN_PATH_MAX:
            raise TestServerError(f"temp dir path too long for a unix socket: {paths.directory}")
        user, group, uid, gid = run_as()
        ldap_port, ldaps_port = free_ports(2)
        settings = Ds389Settings(
            base_dn=self.base_dn,
            service_dn=self.service_dn,
            service_password=self.service_password,
            root_password=self.admin_password,
            user=user,
            group=group,
            ldap_port=ldap_port,
            ldaps_port=ldaps_port,
            plugins=self.plugins,
        )
        build_prefix(paths.prefix, uid, gid)
        certs = make_test_certificates(paths.directory / "certs")
        write_secret(paths.directory / "admin.pw", self.admin_password)
        self._dscreate(paths, settings)
        import_certificates(paths, certs)
        self._import_entries(paths, settings, uid, gid)
        running = self._launch(paths, certs, settings)
        try:
            self._apply(paths, changelog_aci_ldif(self.service_dn, self.changelog_dn))
        except BaseException:
            running.process.stop(timeout=30.0)
            raise
        return running

    @staticmethod
    def _dscreate(paths: Paths, settings: Ds389Settings) -> None:
        inf = paths.directory / "instance.inf"
        inf.write_text(instance_inf(settings), encoding="utf-8")
        inf.chmod(0o600)
        env = {**os.environ, "PREFIX": str(paths.prefix)}
        dscreate = find_program("dscreate") or "dscreate"
        run_tool([dscreate, "from-file", str(inf)], env=env, timeout=180.0)
        inf.unlink()

    def _import_entries(self, paths: Paths, settings: Ds389Settings, uid: int, gid: int) -> None:
        text = base_entries_ldif(settings)
        seed = self.seed_ldif
        if isinstance(seed, Path):
            seed = seed.read_text(encoding="utf-8")
        if seed:
            text += "\n" + seed.strip("\n") + "\n"
        ldif = paths.directory / "base.ldif"
        write_secret(ldif, text, owner=(uid, gid) if os.geteuid() == 0 else None)
        # dscreate's regions were sized for an autosized cache; ns-slapd makes new ones.
        for region in paths.db.glob("__db.*"):
            region.unlink()
        argv = [find_program("ns-slapd") or "ns-slapd", "ldif2db", "-D", str(paths.config)]
        try:
            run_tool([*argv, "-n", "userroot", "-i", str(ldif)], timeout=300.0)
        except TestServerError as exc:
            raise TestServerError(str(exc), log_tail=error_log_tail(paths)) from exc
        finally:
            ldif.unlink()

    def _launch(self, paths: Paths, certs: CertificateFiles, settings: Ds389Settings) -> _Running:
        for attempt in range(1, _PORT_ATTEMPTS + 1):
            if attempt > 1 or not all(map(port_is_free, (settings.ldap_port, settings.ldaps_port))):
                ldap_port, ldaps_port = free_ports(2)
                settings = attrs.evolve(settings, ldap_port=ldap_port, ldaps_port=ldaps_port)
            dse = paths.config / "dse.ldif"
            dse.write_text(
                edit_dse(dse.read_text(encoding="utf-8"), settings, certificate_name=CERT_NAME),
                encoding="utf-8",
            )
            process = self._process(paths)
            try:
                process.start()
                probe = self._probe(paths)
                self.ready_seconds = process.wait_until_ready(probe, timeout=self.start_timeout)
            except TestServerError as exc:
                process.stop(timeout=30.0)
                errors = error_log_tail(paths)
                if attempt < _PORT_ATTEMPTS and _ADDRESS_IN_USE in errors.lower():
                    _log.debug("a port was taken before ns-slapd could bind it; retrying")
                    continue
                raise TestServerError(str(exc), log_tail=errors) from exc
            except BaseException:
                process.stop(timeout=30.0)
                raise
            return _Running(paths, certs, process, settings.ldap_port, settings.ldaps_port)
        raise TestServerError(f"found no free ports on {LOOPBACK} in {_PORT_ATTEMPTS} attempts")

    @staticmethod
    def _process(paths: Paths) -> ServerProcess:
        ns_slapd = find_program("ns-slapd") or "ns-slapd"
        argv = [ns_slapd, "-D", str(paths.config), "-i", str(paths.pid_file), "-d", "0"]
        return ServerProcess("ns-slapd", argv, paths.directory / "ns-slapd.log")

    def _probe(self, paths: Paths) -> CommandProbe:
        # The ldapi socket is in our temp dir: the probe cannot reach another server.
        argv = (find_program("ldapwhoami") or "ldapwhoami", *self._admin_tool_args(paths))
        return CommandProbe(argv=argv, env=quiet_env(), unix_socket=paths.ldapi)

    def _admin_tool_args(self, paths: Paths) -> tuple[str, ...]:
        uri = "ldapi://" + urllib.parse.quote(str(paths.ldapi), safe="")
        return ("-x", "-H", uri, "-D", self.admin_dn, "-y", str(paths.directory / "admin.pw"))

    def _apply(self, paths: Paths, text: str) -> None:
        argv = [find_program("ldapmodify") or "ldapmodify", "-a", *self._admin_tool_args(paths)]
        run_tool(argv, input_text=text, env=quiet_env())

    # ----------------------------------------------------------------- while running

    def _require(self) -> _Running:
        if self._running is None:
            raise TestServerError("the 389 DS test server is not running (use 'with')")
        return self._running

    @property
    def directory(self) -> Path:
        """The server's temp dir (the private prefix, certificates, logs)."""
        return self._require().paths.directory

    @property
    def log_file(self) -> Path:
        """ns-slapd's error log."""
        return self._require().paths.logs / "errors"

    @property
    def access_log_file(self) -> Path:
        """ns-slapd's access log (buffered: written a few seconds late)."""
        return self._require().paths.logs / "access"

    @property
    def pid(self) -> int:
        """ns-slapd's process id."""
        pid = self._require().process.pid
        if pid is None:  # pragma: no cover - a running server has a process
            raise TestServerError("ns-slapd has no process")
        return pid

    @property
    def ldap_port(self) -> int:
        """The plain LDAP port on 127.0.0.1 (StartTLS is offered on it)."""
        return self._require().ldap_port

    @property
    def ldaps_port(self) -> int:
        """The LDAPS port on 127.0.0.1."""
        return self._require().ldaps_port

    @property
    def ldap_uri(self) -> str:
        """``ldap://127.0.0.1:PORT``: plain LDAP, StartTLS on the same port."""
        return f"ldap://{LOOPBACK}:{self.ldap_port}"

    @property
    def ldaps_uri(self) -> str:
        """``ldaps://localhost:PORT``: LDAP over TLS (the certificate names localhost)."""
        return f"ldaps://localhost:{self.ldaps_port}"

    @property
    def ldapi_uri(self) -> str:
        """``ldapi://…``: the unix socket in the temp dir (root autobinds as the admin)."""
        return ldapi_uri(self._require().paths.ldapi)

    @property
    def client_cert_file(self) -> None:
        """None: this server is not set up for client certificates."""
        return None

    @property
    def client_key_file(self) -> None:
        """None: this server is not set up for client certificates."""
        return None

    @property
    def certificates(self) -> CertificateFiles:
        """All certificate files made for this server."""
        return self._require().certs

    def add_ldif(self, text: str) -> None:
        """Apply LDIF with ``ldapmodify -a`` over ldapi as the admin (the changelog sees it).

        Args:
            text: content records (added) or change records (``changetype: modify`` ...).

        Raises:
            TestServerError: ``ldapmodify`` failed; the message holds its output.
        """
        self._apply(self._require().paths, text)

    def tool_env(self) -> dict[str, str]:
        """Return ``os.environ`` plus ``LDAPTLS_CACERT``/``LDAPTLS_REQCERT`` for ldap-utils."""
        return tool_env(self.ca_file)

    @property
    def endpoints(self) -> Endpoints:
        """Addresses, certificates and accounts, as the other server fixtures give them."""
        running = self._require()
        return Endpoints(
            plain_host=LOOPBACK,
            tls_host="localhost",
            ldap_port=running.ldap_port,
            ldaps_port=running.ldaps_port,
            ca_file=str(running.certs.ca_file),
            client_cert_file=None,
            client_key_file=None,
            service_dn=self.service_dn,
            service_password=self.service_password,
            admin_dn=self.admin_dn,
            admin_password=self.admin_password,
        )


def _shut_down(running: _Running, keep_directory: bool) -> None:
    try:
        running.process.stop(timeout=30.0)
    finally:
        kill_strays(str(running.paths.directory))
        remove_directory(running.paths.directory, keep=keep_directory)
