"""Setting up the 389 DS instance's files: the private prefix, certificates, ownership.

:class:`Paths` says where an instance keeps things below its temp dir;
:func:`build_prefix` copies Debian's ``/usr/share/dirsrv`` and ``/etc/dirsrv`` into the
private prefix ``dscreate`` is pointed at; :func:`import_certificates` puts the throwaway
CA and server certificate into the instance's NSS database. ns-slapd runs as ``dirsrv``
when started by root (:func:`run_as`), so what it must write is handed over to it.
"""

from __future__ import annotations

import grp
import os
import pwd
import secrets
import shutil
from pathlib import Path

import attrs

from ldapconnector.testing._certs import CertificateFiles
from ldapconnector.testing._ds389_config import INSTANCE, defaults_inf, listen_on_loopback
from ldapconnector.testing._process import TestServerError, find_program, run_tool
from ldapconnector.testing._server_base import write_secret

__all__ = [
    "CERT_NAME",
    "INSTALL_HINT",
    "Paths",
    "build_prefix",
    "error_log_tail",
    "import_certificates",
    "run_as",
]

INSTALL_HINT = "apt-get install 389-ds-base ldap-utils openssl"
CERT_NAME = "Server-Cert"
_SYSTEM_DATA = Path("/usr/share/dirsrv")
_SYSTEM_CONFIG = Path("/etc/dirsrv")


@attrs.frozen
class Paths:
    """Where the instance keeps things, below ``directory/prefix``."""

    directory: Path

    @property
    def prefix(self) -> Path:
        return self.directory / "prefix"

    @property
    def config(self) -> Path:
        return self.prefix / "etc" / "dirsrv" / f"slapd-{INSTANCE}"

    @property
    def db(self) -> Path:
        return self.prefix / "var" / "lib" / "dirsrv" / f"slapd-{INSTANCE}" / "db"

    @property
    def logs(self) -> Path:
        return self.prefix / "var" / "log" / "dirsrv" / f"slapd-{INSTANCE}"

    @property
    def ldapi(self) -> Path:
        return self.prefix / "run" / f"slapd-{INSTANCE}.socket"

    @property
    def pid_file(self) -> Path:
        return self.prefix / "run" / "dirsrv" / f"slapd-{INSTANCE}.pid"


def run_as() -> tuple[str, str, int, int]:
    """The user ns-slapd runs as: ``dirsrv`` under root, else the caller."""
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("dirsrv")
        except KeyError as exc:
            raise TestServerError(f"the dirsrv user is missing ({INSTALL_HINT})") from exc
    else:
        account = pwd.getpwuid(os.geteuid())
    group = grp.getgrgid(account.pw_gid).gr_name
    return account.pw_name, group, account.pw_uid, account.pw_gid


def _chown_tree(path: Path, uid: int, gid: int) -> None:
    if os.geteuid() != 0:
        return
    os.chown(path, uid, gid)
    for root, dirs, files in os.walk(path):
        for name in (*dirs, *files):
            os.chown(os.path.join(root, name), uid, gid, follow_symlinks=False)


def build_prefix(prefix: Path, uid: int, gid: int) -> None:
    """Copy Debian's data and config into ``prefix`` and point ``defaults.inf`` there."""
    shutil.copytree(_SYSTEM_DATA, prefix / "share" / "dirsrv")
    for name in ("config", "schema"):
        shutil.copytree(_SYSTEM_CONFIG / name, prefix / "etc" / "dirsrv" / name)
    inf = prefix / "share" / "dirsrv" / "inf" / "defaults.inf"
    inf.write_text(defaults_inf(inf.read_text(encoding="utf-8"), prefix), encoding="utf-8")
    template = prefix / "share" / "dirsrv" / "data" / "template-dse.ldif"
    template.write_text(listen_on_loopback(template.read_text(encoding="utf-8")), "utf-8")
    for sub in ("etc/default", "etc/tmpfiles.d", "var/lib/dirsrv", "var/log/dirsrv"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    for sub in ("tmp", "run/dirsrv", "run/lock/dirsrv"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    for root, dirs, _files in os.walk(prefix):
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o755)  # noqa: S103 - dirsrv must traverse
    for sub in ("tmp", "run"):
        _chown_tree(prefix / sub, uid, gid)


def import_certificates(paths: Paths, certs: CertificateFiles) -> None:
    """Put the throwaway CA and the server certificate into the instance's NSS database."""
    openssl = find_program("openssl") or "openssl"
    certutil = find_program("certutil") or "certutil"
    pk12util = find_program("pk12util") or "pk12util"
    token_pw = paths.config / "pwdfile.txt"  # written by dscreate for the NSS database
    bundle, bundle_pw = paths.directory / "server.p12", paths.directory / "p12.pw"
    write_secret(bundle_pw, secrets.token_urlsafe(12))
    argv = [openssl, "pkcs12", "-export", "-name", CERT_NAME, "-out", str(bundle)]
    argv += ["-in", str(certs.server_cert_file), "-inkey", str(certs.server_key_file)]
    run_tool([*argv, "-passout", f"file:{bundle_pw}"])
    argv = [certutil, "-A", "-d", str(paths.config), "-f", str(token_pw), "-a"]
    run_tool([*argv, "-n", "ldapconnector test CA", "-t", "CT,,", "-i", str(certs.ca_file)])
    argv = [pk12util, "-i", str(bundle), "-d", str(paths.config), "-k", str(token_pw)]
    run_tool([*argv, "-w", str(bundle_pw)])
    bundle.unlink()
    bundle_pw.unlink()
    stat = paths.config.stat()
    _chown_tree(paths.config, stat.st_uid, stat.st_gid)


def error_log_tail(paths: Paths, lines: int = 30) -> str:
    try:
        text = (paths.logs / "errors").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])
