"""ServerProcess and run_tool, driven by small Python child processes instead of a server."""

from __future__ import annotations

import signal
import socket
import sys
from pathlib import Path

import pytest

from ldapconnector.errors import LdapConnectorError
from ldapconnector.testing import CommandProbe, ServerProcess, TestServerError, find_program
from ldapconnector.testing._process import run_tool


def python_server(tmp_path: Path, body: str) -> ServerProcess:
    """A ServerProcess running ``python -c body`` with its log in tmp_path."""
    return ServerProcess("fake", [sys.executable, "-c", body], tmp_path / "fake.log")


def test_ready_when_the_probe_succeeds_then_stopped_with_sigterm(tmp_path: Path) -> None:
    """The probe is polled until it succeeds; stop() ends the process with SIGTERM."""
    ready = tmp_path / "ready"
    process = python_server(tmp_path, f"import time; open({str(ready)!r}, 'w'); time.sleep(30)")
    process.start()
    try:
        elapsed = process.wait_until_ready(ready.exists, timeout=10)
        assert elapsed >= 0
        assert process.running
    finally:
        status = process.stop()
    assert status == -signal.SIGTERM
    assert not process.running


def test_an_early_exit_raises_with_the_log_tail(tmp_path: Path) -> None:
    """A process that exits before it is ready raises TestServerError quoting its output."""
    process = python_server(
        tmp_path, "import sys; print('cannot bind: boom', file=sys.stderr); sys.exit(3)"
    )
    process.start()
    with pytest.raises(TestServerError, match="status 3") as caught:
        process.wait_until_ready(lambda: False, timeout=10)
    assert "cannot bind: boom" in caught.value.log_tail
    assert "cannot bind: boom" in str(caught.value)


def test_a_missed_deadline_stops_the_process(tmp_path: Path) -> None:
    """A process that never becomes ready is stopped and reported after the timeout."""
    process = python_server(tmp_path, "import time; time.sleep(30)")
    process.start()
    with pytest.raises(TestServerError, match="not ready after"):
        process.wait_until_ready(lambda: False, timeout=0.2)
    assert not process.running


def test_sigkill_after_sigterm_is_ignored(tmp_path: Path) -> None:
    """A process ignoring SIGTERM is killed once the stop timeout passes."""
    ready = tmp_path / "ready"
    body = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        f"open({str(ready)!r}, 'w'); time.sleep(30)"
    )
    process = python_server(tmp_path, body)
    process.start()
    process.wait_until_ready(ready.exists, timeout=10)
    assert process.stop(timeout=0.2) == -signal.SIGKILL


def test_stop_is_idempotent_and_safe_before_start(tmp_path: Path) -> None:
    """stop() before start() returns None, and stopping twice gives the same status."""
    process = python_server(tmp_path, "pass")
    assert process.stop() is None
    process.start()
    process.wait_until_ready(lambda: True, timeout=10)
    first = process.stop()
    assert process.stop() == first


def test_starting_twice_is_refused(tmp_path: Path) -> None:
    """A ServerProcess runs its program once."""
    process = python_server(tmp_path, "pass")
    process.start()
    try:
        with pytest.raises(TestServerError, match="started already"):
            process.start()
    finally:
        process.stop()


def test_a_missing_program_raises(tmp_path: Path) -> None:
    """Starting a program that does not exist raises TestServerError, not OSError."""
    process = ServerProcess("ghost", [str(tmp_path / "no-such-program")], tmp_path / "log")
    with pytest.raises(TestServerError, match="could not be started"):
        process.start()


def test_run_tool_returns_stdout_and_raises_with_output() -> None:
    """run_tool returns stdout on success and raises with the exit status and output otherwise."""
    assert run_tool([sys.executable, "-c", "print('hello')"]) == "hello\n"
    assert run_tool([sys.executable, "-c", "print(input())"], input_text="echo\n") == "echo\n"
    failing = [sys.executable, "-c", "import sys; sys.exit('went wrong')"]
    with pytest.raises(TestServerError, match="exit status 1") as caught:
        run_tool(failing)
    assert "went wrong" in caught.value.log_tail


def test_find_program_finds_python_and_not_nonsense() -> None:
    """find_program returns an absolute path for an installed program and None otherwise."""
    found = find_program(Path(sys.executable).name)
    assert found is not None
    assert Path(found).is_absolute()
    assert find_program("no-such-program-ldapconnector") is None


def test_the_error_belongs_to_the_tree_and_is_not_collected() -> None:
    """TestServerError derives from LdapConnectorError and tells pytest it is no test class."""
    assert issubclass(TestServerError, LdapConnectorError)
    assert TestServerError.__test__ is False


def test_command_probe_waits_for_the_socket(tmp_path: Path) -> None:
    """A CommandProbe with a unix socket is False until the socket accepts connections."""
    path = tmp_path / "sock"
    probe = CommandProbe(argv=[sys.executable, "-c", "pass"], unix_socket=path)
    assert probe() is False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(str(path))
        listener.listen()
        assert probe() is True


def test_command_probe_reports_the_command_result() -> None:
    """A CommandProbe is True when its command exits 0 and False otherwise."""
    assert CommandProbe(argv=[sys.executable, "-c", "pass"])() is True
    assert CommandProbe(argv=[sys.executable, "-c", "raise SystemExit(1)"])() is False
    assert CommandProbe(argv=["/nonexistent/program"])() is False


def test_restart_only_after_the_process_exited(tmp_path: Path) -> None:
    """restart() refuses a process never started or still running; after kill() it runs."""
    process = python_server(tmp_path, "import time; time.sleep(30)")
    with pytest.raises(TestServerError, match="not started"):
        process.restart()
    process.start()
    try:
        with pytest.raises(TestServerError, match="running already"):
            process.restart()
        first = process.pid
        process.kill()
        assert not process.running
        process.restart()
        assert process.running
        assert process.pid != first
    finally:
        process.stop()
