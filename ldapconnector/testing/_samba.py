"""A real throwaway Samba AD DC: the AD-family server (objectGUID, DirSync, AD Root DSE).

Provisioning a domain takes several seconds, so it happens once per process: the first
``start()`` runs ``samba-tool domain provision`` into a template directory, adds the OUs
and the service account offline with ``ldbadd`` and grants the account full control of
``OU=people`` and read access to ``CN=Deleted Objects`` (so it sees tombstones) with
``ldbmodify`` (:mod:`ldapconnector.testing._samba_config`). Each server copies the template
(only ``smb.conf`` holds absolute paths, and it is written afresh), makes throwaway
certificates, and runs ``samba -i -M single`` in the foreground with only the ``ldap``
service, bound to 127.0.0.1. Samba's ports are fixed (389, 636, 3268, 3269), so only one
instance can run at a time: a port in use fails the start with a clear message. Readiness
is an LDAPS bind as the administrator that must verify our CA, so the probe cannot be
fooled by someone else's server on those ports. Samba binds the privileged ports, so it
needs root (or ``CAP_NET_BIND_SERVICE``).
"""

from __future__ import annotations

import atexit
import logging
import re
import shutil
import socket
import tempfile
import threading
import time
import weakref
from pathlib import Path
from typing import ClassVar

import attrs

from ldapconnector.testing._certs import CertificateFiles, make_test_certificates
from ldapconnector.testing._connectivity import Endpoints
from ldapconnector.testing._ports import LOOPBACK
from ldapconnector.testing._process import (
    CommandProbe,
    ServerProcess,
    TestServerError,
    find_program,
    remove_directory,
    run_tool,
)
from ldapconnector.testing._samba_config import (
    SambaSettings,
    base_entries_ldif,
    deleted_objects_acl_ldif,
    people_acl_ldif,
    provision_argv,
    smb_conf,
)
from ldapconnector.testing._server_base import (
    ServerFixtureMixin,
    kill_strays,
    random_password,
    tool_env,
    write_secret,
)

__all__ = ["SAMBA_PORTS", "SambaADServer", "ports_in_use"]

_log = logging.getLogger(__name__)

_PROGRAMS = ("samba", "samba-tool", "ldbadd", "ldbmodify", "ldbsearch", "ldapsearch", "openssl")
_INSTALL_HINT = (
    "apt-get install samba samba-ad-dc samba-ad-provision samba-dsdb-modules ldb-tools "
    "ldap-utils openssl"
)
SAMBA_PORTS = (389, 636, 3268, 3269)
_BASE_DN = "DC=contoso,DC=lab"
_SERVICE_DN = f"CN=connector,OU=services,{_BASE_DN}"
_PEOPLE_DN = f"OU=people,{_BASE_DN}"
_DELETED_DN = f"CN=Deleted Objects,{_BASE_DN}"


def _password() -> str:
    # AD's complexity rule wants three of: upper case, lower case, digits, symbols.
    return random_password() + "-Aa1"


@attrs.frozen
class _Template:
    """A provisioned domain to copy, and the passwords it was made with."""

    directory: Path
    admin_password: str = attrs.field(repr=False)
    service_password: str = attrs.field(repr=False)
    seconds: float


_template_lock = threading.Lock()
_template: _Template | None = None


def _provisioned_template() -> _Template:
    """Return this process's provisioned domain, provisioning it on first use."""
    global _template  # one cache per process, guarded by the lock
    with _template_lock:
        if _template is None or not _template.directory.exists():
            _template = _provision()
            atexit.register(remove_directory, _template.directory.parent)
        return _template


def _provision() -> _Template:
    began = time.monotonic()
    parent = Path(tempfile.mkdtemp(prefix="ldapconnector-samba-template-"))
    target = parent / "dc"
    admin_password, service_password = _password(), _password()
    try:
        samba_tool = find_program("samba-tool") or "samba-tool"
        run_tool(provision_argv(samba_tool, target, admin_password), timeout=300.0)
        sam = str(target / "private" / "sam.ldb")
        ldif = parent / "base.ldif"
        write_secret(ldif, base_entries_ldif(_BASE_DN, _SERVICE_DN, service_password))
        run_tool([find_program("ldbadd") or "ldbadd", "-H", sam, str(ldif)])
        ldif.unlink()
        sid = _ldb_value(sam, _SERVICE_DN, "objectSid")
        sddl = _ldb_value(sam, _PEOPLE_DN, "nTSecurityDescriptor")
        ldbmodify = find_program("ldbmodify") or "ldbmodify"
        run_tool([ldbmodify, "-H", sam], input_text=people_acl_ldif(_PEOPLE_DN, sddl, sid))
        deleted = _ldb_value(sam, _DELETED_DN, "nTSecurityDescriptor", show_deleted=True)
        change = deleted_objects_acl_ldif(_DELETED_DN, deleted, sid)
        run_tool([ldbmodify, "-H", sam, "--show-deleted"], input_text=change)
    except BaseException:
        remove_directory(parent)
        raise
    seconds = time.monotonic() - began
    _log.debug("Samba AD domain provisioned in %.3f s into %s", seconds, target)
    return _Template(target, admin_password, service_password, seconds)


def _ldb_value(sam: str, dn: str, attribute: str, *, show_deleted: bool = False) -> str:
    """Read one value with ``ldbsearch`` (SIDs and descriptors come out as text)."""
    argv = [find_program("ldbsearch") or "ldbsearch", "-H", sam, "-s", "base", "-b", dn]
    argv += ["--show-deleted"] if show_deleted else []
    output = run_tool([*argv, attribute])
    unfolded = re.sub(r"\n ", "", output)
    match = re.search(rf"^{attribute}: (.+)$", unfolded, flags=re.MULTILINE | re.IGNORECASE)
    if match is None:
        raise TestServerError(f"ldbsearch found no {attribute} on {dn}", log_tail=output)
    return match.group(1).strip()


@attrs.frozen
class _Running:
    """The parts of a started server (all in its temp dir)."""

    directory: Path
    certs: CertificateFiles
    process: ServerProcess


def _bindable(port: int) -> bool:
    # SO_REUSEADDR, as Samba binds: connections of a stopped server that linger in
    # TIME_WAIT do not count, a listening socket does.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


def ports_in_use() -> tuple[int, ...]:
    """Return which of Samba's fixed ports (389, 636, 3268, 3269) are taken on 127.0.0.1."""
    return tuple(port for port in SAMBA_PORTS if not _bindable(port))


@attrs.define
class SambaADServer(ServerFixtureMixin):
    """A throwaway Samba 4 Active Directory domain controller, used as a context manager.

    ::

        with SambaADServer() as server:
            settings = server.connectivity_config("ldaps", "simple")

    Realm ``CONTOSO.LAB`` (base DN ``DC=contoso,DC=lab``), RFC 2307 attributes, no DNS;
    ``OU=people`` (the service account has full control there, and may read ``CN=Deleted
    Objects``, so it sees tombstones), ``OU=groups``,
    ``OU=services`` with the service account ``CN=connector``. The administrator is
    ``CN=Administrator,CN=Users,DC=contoso,DC=lab``. LDAPS on 636 and StartTLS on 389 with
    a throwaway CA; a simple bind over plain LDAP is refused (result 8), as AD does.
    Only one instance can run at a time (fixed ports). Passwords are made once per
    process with the provisioned template. See ``docs/test-servers.md``.

    Args:
        start_timeout: seconds to wait for Samba to answer.
        keep_directory: keep the temp dir after stopping (for debugging; it is logged).

    Attributes:
        ready_seconds: seconds from exec'ing samba to its first answer, once started.
        setup_seconds: seconds for the whole start (provisioning included, when it ran).
    """

    programs: ClassVar[tuple[str, ...]] = _PROGRAMS
    base_dn: ClassVar[str] = _BASE_DN
    admin_dn: ClassVar[str] = f"CN=Administrator,CN=Users,{_BASE_DN}"
    service_dn: ClassVar[str] = _SERVICE_DN
    people_dn: ClassVar[str] = _PEOPLE_DN
    groups_dn: ClassVar[str] = f"OU=groups,{_BASE_DN}"
    ldap_port: ClassVar[int] = 389
    ldaps_port: ClassVar[int] = 636

    start_timeout: float = attrs.field(default=60.0, kw_only=True)
    keep_directory: bool = attrs.field(default=False, kw_only=True)
    ready_seconds: float | None = attrs.field(default=None, init=False)
    setup_seconds: float | None = attrs.field(default=None, init=False)
    _template: _Template | None = attrs.field(default=None, init=False, repr=False)
    _running: _Running | None = attrs.field(default=None, init=False, repr=False)
    _finalizer: weakref.finalize[[_Running, bool], SambaADServer] | None = attrs.field(
        default=None, init=False, repr=False
    )

    def start(self) -> None:
        """Copy the provisioned domain and start Samba; on failure everything is removed.

        Raises:
            TestServerError: a program is missing, a fixed port is in use, or setting up
                or starting failed; the message holds the tail of Samba's output.
        """
        if self._running is not None:
            raise TestServerError("the server is running already")
        missing = self.missing_programs()
        if missing:
            raise TestServerError(f"not installed: {', '.join(missing)} ({_INSTALL_HINT})")
        _check_ports()
        began = time.monotonic()
        self._template = _provisioned_template()
        directory = Path(tempfile.mkdtemp(prefix="ldapconnector-samba-"))
        try:
            self._running = self._start_in(directory, self._template)
        except BaseException:
            kill_strays(str(directory))
            remove_directory(directory, keep=self.keep_directory)
            raise
        self._finalizer = weakref.finalize(self, _shut_down, self._running, self.keep_directory)
        self.setup_seconds = time.monotonic() - began
        _log.debug(
            "Samba AD DC (pid %s) ready in %.3f s; setup took %.3f s in total; %s",
            self._running.process.pid,
            self.ready_seconds,
            self.setup_seconds,
            directory,
        )

    def _start_in(self, directory: Path, template: _Template) -> _Running:
        dc = directory / "dc"
        shutil.copytree(template.directory, dc, symlinks=True)
        for sub in ("run", "log", "lock", "cache", "usershares"):
            (dc / sub).mkdir(exist_ok=True)
        certs = make_test_certificates(directory / "certs")
        settings = SambaSettings(
            directory=dc,
            cert_file=certs.server_cert_file,
            key_file=certs.server_key_file,
            ca_file=certs.ca_file,
        )
        conf = dc / "etc" / "smb.conf"
        conf.write_text(smb_conf(settings), encoding="utf-8")
        write_secret(directory / "admin.pw", template.admin_password)
        samba = find_program("samba") or "samba"
        argv = [samba, "-i", "-M", "single", "-s", str(conf)]
        process = ServerProcess("samba", argv, directory / "samba.log")
        try:
            process.start()
            probe = self._probe(directory, certs)
            self.ready_seconds = process.wait_until_ready(
                probe, timeout=self.start_timeout, interval=0.05
            )
        except BaseException:
            process.stop(timeout=15.0)
            raise
        return _Running(directory, certs, process)

    def _probe(self, directory: Path, certs: CertificateFiles) -> CommandProbe:
        # An LDAPS bind that must verify our CA: a foreign server on 636 cannot pass.
        argv = [find_program("ldapsearch") or "ldapsearch", "-x", "-H", "ldaps://localhost:636"]
        argv += ["-D", self.admin_dn, "-y", str(directory / "admin.pw")]
        argv += ["-s", "base", "-b", "", "dnsHostName"]
        return CommandProbe(argv=argv, env=tool_env(str(certs.ca_file)))

    # ----------------------------------------------------------------- while running

    def _require(self) -> _Running:
        if self._running is None:
            raise TestServerError("the Samba AD test server is not running (use 'with')")
        return self._running

    def _require_template(self) -> _Template:
        self._require()
        if self._template is None:  # pragma: no cover - a running server has one
            raise TestServerError("the Samba AD test server has no template")
        return self._template

    @property
    def admin_password(self) -> str:
        """The administrator's password."""
        return self._require_template().admin_password

    @property
    def service_password(self) -> str:
        """The service account's password."""
        return self._require_template().service_password

    @property
    def directory(self) -> Path:
        """The server's temp dir (``dc/`` holds the domain, ``samba.log`` its output)."""
        return self._require().directory

    @property
    def log_file(self) -> Path:
        """Samba's standard output and error (``-i`` logs there)."""
        return self._require().process.log_path

    @property
    def pid(self) -> int:
        """The samba process id."""
        pid = self._require().process.pid
        if pid is None:  # pragma: no cover - a running server has a process
            raise TestServerError("samba has no process")
        return pid

    @property
    def ldap_uri(self) -> str:
        """``ldap://127.0.0.1:389``: StartTLS works; a plain simple bind is refused."""
        self._require()
        return f"ldap://{LOOPBACK}:{self.ldap_port}"

    @property
    def ldaps_uri(self) -> str:
        """``ldaps://localhost:636`` (the certificate names localhost)."""
        self._require()
        return f"ldaps://localhost:{self.ldaps_port}"

    @property
    def client_cert_file(self) -> None:
        """None: Samba does not map client certificates to accounts."""
        return None

    @property
    def client_key_file(self) -> None:
        """None: Samba does not map client certificates to accounts."""
        return None

    @property
    def certificates(self) -> CertificateFiles:
        """All certificate files made for this server."""
        return self._require().certs

    def tool_env(self) -> dict[str, str]:
        """Return ``os.environ`` plus ``LDAPTLS_CACERT``/``LDAPTLS_REQCERT`` for ldap-utils."""
        return tool_env(self.ca_file)

    def add_ldif(self, text: str) -> None:
        """Apply LDIF with ``ldapmodify -a`` over LDAPS as the administrator.

        Args:
            text: content records (added) or change records (``changetype: modify`` ...).

        Raises:
            TestServerError: ``ldapmodify`` failed; the message holds its output.
        """
        directory = self._require().directory
        argv = [find_program("ldapmodify") or "ldapmodify", "-a", "-x", "-H", self.ldaps_uri]
        argv += ["-D", self.admin_dn, "-y", str(directory / "admin.pw")]
        run_tool(argv, input_text=text, env=self.tool_env())

    @property
    def endpoints(self) -> Endpoints:
        """Addresses, certificates and accounts, as the other server fixtures give them."""
        running = self._require()
        return Endpoints(
            plain_host=LOOPBACK,
            tls_host="localhost",
            ldap_port=self.ldap_port,
            ldaps_port=self.ldaps_port,
            ca_file=str(running.certs.ca_file),
            client_cert_file=None,
            client_key_file=None,
            service_dn=self.service_dn,
            service_password=self.service_password,
            admin_dn=self.admin_dn,
            admin_password=self.admin_password,
        )


def _check_ports() -> None:
    busy = ports_in_use()
    if busy:
        raise TestServerError(
            f"Samba AD DC needs the fixed ports {', '.join(map(str, SAMBA_PORTS))} on "
            f"{LOOPBACK}, but {', '.join(map(str, busy))} "
            f"{'is' if len(busy) == 1 else 'are'} in use (another Samba test server, or a "
            "system LDAP/Samba service?): only one SambaADServer can run at a time"
        )


def _shut_down(running: _Running, keep_directory: bool) -> None:
    try:
        running.process.stop(timeout=15.0)
    finally:
        kill_strays(str(running.directory))
        remove_directory(running.directory, keep=keep_directory)
