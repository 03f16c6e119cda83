"""Run a throwaway server program as a child process: start, poll until ready, stop.

Nothing here knows about a particular server, so the OpenLDAP, 389 DS and Samba fixtures
share it. The recipe (python-ldap's ``slapdtest``): the server runs in the foreground as a
:class:`subprocess.Popen` child with stdin from ``/dev/null`` and stdout/stderr into a log
file (inheriting the caller's pipes hangs ``subprocess`` captures); readiness is a probe
polled against a deadline; stopping is SIGTERM, a wait, then SIGKILL. Every failure raises
:class:`TestServerError` carrying the tail of the server's log.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import attrs

from ldapconnector.errors import LdapConnectorError

__all__ = [
    "CommandProbe",
    "ServerProcess",
    "TestServerError",
    "find_program",
    "remove_directory",
    "run_tool",
]

_log = logging.getLogger(__name__)

# Programs in /usr/sbin are missing from an ordinary user's PATH on Debian.
_EXTRA_PATH = ("/usr/sbin", "/usr/bin", "/sbin", "/bin")


class TestServerError(LdapConnectorError):
    """A throwaway test server could not be set up, started or used.

    Attributes:
        log_tail: the last lines of the server's log (or a tool's output), possibly empty.
    """

    __test__ = False  # not a test class, whatever its name says

    def __init__(self, message: str, *, log_tail: str = "") -> None:
        self.log_tail = log_tail
        if log_tail:
            message = f"{message}\n--- last lines of the log ---\n{log_tail}"
        super().__init__(message)


def find_program(name: str) -> str | None:
    """Find an executable on PATH, then in the system directories PATH may lack.

    Args:
        name: the program name (``slapd``).

    Returns:
        The absolute path, or None when the program is not installed.
    """
    search = os.pathsep.join([os.environ.get("PATH", ""), *_EXTRA_PATH])
    return shutil.which(name, path=search)


def run_tool(
    argv: Sequence[str],
    *,
    input_text: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 120.0,
) -> str:
    """Run a helper program to completion and return its standard output.

    Args:
        argv: the program (absolute path) and its arguments.
        input_text: text written to the program's stdin (stdin is /dev/null otherwise).
        env: the complete environment; the caller's when None.
        timeout: seconds before the program is killed.

    Returns:
        What the program wrote to stdout.

    Raises:
        TestServerError: the program failed, timed out or could not be run; the message
            holds its exit status and output.
    """
    name = Path(argv[0]).name
    try:
        completed = subprocess.run(
            list(argv),
            input=input_text,
            stdin=subprocess.DEVNULL if input_text is None else None,
            capture_output=True,
            text=True,
            env=None if env is None else dict(env),
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise TestServerError(f"{name} could not run: {exc}") from exc
    if completed.returncode != 0:
        raise _failure(name, completed)
    return completed.stdout


def _failure(name: str, completed: subprocess.CompletedProcess[str]) -> TestServerError:
    """The error for a tool that exited non-zero: its status and the tail of its output."""
    output = "\n".join(p for p in (completed.stdout.strip(), completed.stderr.strip()) if p)
    return TestServerError(
        f"{name} failed with exit status {completed.returncode}", log_tail=_tail(output, 40)
    )


def _strings(values: Iterable[object]) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


def _tail(text: str, lines: int) -> str:
    return "\n".join(text.splitlines()[-lines:])


@attrs.define
class ServerProcess:
    """A server program running in the foreground as a child process.

    Attributes:
        name: a short name for messages (``slapd``).
        argv: the program (absolute path) and its arguments.
        log_path: the file receiving the program's stdout and stderr.
        env: the complete environment; the caller's when None.
    """

    name: str
    argv: tuple[str, ...] = attrs.field(converter=_strings)
    log_path: Path
    env: Mapping[str, str] | None = None
    _popen: subprocess.Popen[bytes] | None = attrs.field(default=None, init=False)

    @property
    def pid(self) -> int | None:
        """The process id once started, else None."""
        return None if self._popen is None else self._popen.pid

    @property
    def running(self) -> bool:
        """True while the process has been started and has not exited."""
        return self._popen is not None and self._popen.poll() is None

    def start(self) -> None:
        """Start the program; its output goes to :attr:`log_path`.

        Raises:
            TestServerError: the program could not be executed, or was started already.
        """
        if self._popen is not None:
            raise TestServerError(f"{self.name} was started already")
        self._spawn()

    def restart(self) -> None:
        """Start the program again after it exited (killed or crashed); same log, appended.

        Raises:
            TestServerError: it was never started, is still running, or could not be executed.
        """
        if self._popen is None:
            raise TestServerError(f"{self.name} was not started")
        if self.running:
            raise TestServerError(f"{self.name} is running already")
        self._spawn()

    def _spawn(self) -> None:
        with self.log_path.open("ab") as log:
            try:
                self._popen = subprocess.Popen(
                    list(self.argv),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=None if self.env is None else dict(self.env),
                    close_fds=True,
                )
            except OSError as exc:
                raise TestServerError(f"{self.name} could not be started: {exc}") from exc

    def wait_until_ready(
        self, probe: Callable[[], bool], *, timeout: float, interval: float = 0.01
    ) -> float:
        """Poll ``probe`` until it returns True, the process exits, or the deadline passes.

        Args:
            probe: returns True once the server answers; it must not raise for "not yet".
            timeout: seconds from now until giving up.
            interval: seconds between probes.

        Returns:
            The seconds it took until the probe succeeded.

        Raises:
            TestServerError: the process exited or the deadline passed (the process is
                stopped first); the message holds the tail of the log.
        """
        if self._popen is None:
            raise TestServerError(f"{self.name} was not started")
        started = time.monotonic()
        deadline = started + timeout
        while True:
            status = self._popen.poll()
            if status is not None:
                raise TestServerError(
                    f"{self.name} exited with status {status} before it was ready",
                    log_tail=self.log_tail(),
                )
            if probe():
                return time.monotonic() - started
            if time.monotonic() >= deadline:
                self.stop()
                raise TestServerError(
                    f"{self.name} was not ready after {timeout:.1f} s", log_tail=self.log_tail()
                )
            time.sleep(interval)

    def stop(self, *, timeout: float = 5.0) -> int | None:
        """Stop the process: SIGTERM, wait up to ``timeout`` seconds, then SIGKILL.

        Safe to call more than once and on a process that has exited by itself.

        Args:
            timeout: seconds to wait after SIGTERM before killing.

        Returns:
            The exit status, or None when the process was never started.
        """
        popen = self._popen
        if popen is None:
            return None
        if popen.poll() is None:
            popen.terminate()
            try:
                popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _log.warning("%s (pid %d) ignored SIGTERM; killing it", self.name, popen.pid)
                popen.kill()
                popen.wait()
        return popen.returncode

    def kill(self) -> None:
        """SIGKILL the process, as a crash would, and reap it (no-op when not running)."""
        if self._popen is not None and self._popen.poll() is None:
            self._popen.kill()
            self._popen.wait()

    def log_tail(self, lines: int = 30) -> str:
        """Return the last ``lines`` lines of the log ("" when there is none yet)."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return _tail(text, lines)


@attrs.frozen(kw_only=True)
class CommandProbe:
    """A readiness probe: a command (a bind, a search) that exits 0 once the server answers.

    Attributes:
        argv: the command (absolute path) and its arguments.
        env: the complete environment; the caller's when None.
        unix_socket: when set, the command only runs once this socket accepts connections
            (a cheap check that saves starting a process per poll).
        timeout: seconds before one run of the command counts as a failure.
    """

    argv: tuple[str, ...] = attrs.field(converter=_strings)
    env: Mapping[str, str] | None = None
    unix_socket: Path | None = None
    timeout: float = 10.0

    def __call__(self) -> bool:
        """Return True when the server answered."""
        if self.unix_socket is not None:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                try:
                    sock.connect(str(self.unix_socket))
                except OSError:
                    return False
        try:
            completed = subprocess.run(
                list(self.argv),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                env=None if self.env is None else dict(self.env),
                timeout=self.timeout,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return False
        return completed.returncode == 0


def remove_directory(directory: Path, *, keep: bool = False) -> None:
    """Remove a server's temp dir (or log that it is kept); never raises.

    Args:
        directory: the directory to remove with everything in it.
        keep: keep it instead (for debugging) and log where it is.
    """
    if keep:
        _log.info("keeping the test server's directory %s", directory)
        return
    shutil.rmtree(directory, ignore_errors=True)
    if directory.exists():
        _log.warning("could not remove the test server's directory %s", directory)
