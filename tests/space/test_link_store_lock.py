"""The state file is owner-only and held by one run at a time (a real second process)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ldapconnector.errors import LdapConnectorError
from ldapconnector.space import LinkStoreError, SqliteLinkStore, Watermark

_ROOT = Path(__file__).parents[2]

# Opens the store, says so, and holds it until its stdin closes.
_HOLDER = textwrap.dedent(
    """
    import sys
    from ldapconnector.space import SqliteLinkStore
    with SqliteLinkStore.open(sys.argv[1]):
        print("open", flush=True)
        sys.stdin.read()
    """
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_state_file_and_its_journal_are_owner_only(tmp_path: Path) -> None:
    """The database, its -wal/-shm files and the lock file are created with mode 0600."""
    path = tmp_path / "state.sqlite"
    old = os.umask(0o022)  # a usual umask would otherwise leave them world-readable
    try:
        with SqliteLinkStore.open(path) as store:
            store.set_watermark(Watermark(profile="delta", value="1"))
            files = [path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}.lock")]
            assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}
    finally:
        os.umask(old)


def test_second_process_is_refused_while_the_store_is_open(tmp_path: Path) -> None:
    """Another process opening the same file gets LinkStoreError naming the file."""
    path = tmp_path / "state.sqlite"
    env = {**os.environ, "PYTHONPATH": str(_ROOT)}
    with subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as holder:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "open\n"
        with pytest.raises(LinkStoreError) as info:
            SqliteLinkStore.open(path)
        assert holder.stdin is not None
        holder.stdin.close()
        assert holder.wait(timeout=60) == 0
    message = str(info.value)
    assert str(path) in message
    assert "another ldapconnector run holds it" in message
    assert isinstance(info.value, LdapConnectorError)
    SqliteLinkStore.open(path).close()  # released when the holder closed the store


def test_closing_releases_the_lock_in_this_process(tmp_path: Path) -> None:
    """A second open in one process is refused until the first store is closed."""
    path = tmp_path / "state.sqlite"
    first = SqliteLinkStore.open(path)
    with pytest.raises(LinkStoreError, match="in use"):
        SqliteLinkStore.open(path)
    first.close()
    with SqliteLinkStore.open(path) as again:
        assert again.journal_mode == "wal"


def test_failed_open_releases_the_lock(tmp_path: Path) -> None:
    """A file that is not a link store is refused without keeping it locked."""
    path = tmp_path / "notes.txt"
    path.write_text("not a database, but long enough to have a header" * 20)
    for _ in range(2):
        with pytest.raises(LinkStoreError, match="cannot open"):
            SqliteLinkStore.open(path)
