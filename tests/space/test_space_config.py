"""The [space] section's PostgreSQL keys: the DSN is a secret, never a literal in a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from ldapconnector.config import ConnectorConfig, SpaceBackend
from ldapconnector.errors import ConfigurationError

_BASE = {"connectivity": {"host": "127.0.0.1", "binding": "anonymous", "security": "none"}}
_DSN = "host=db.example port=5432 dbname=idm user=bridge password=s3cr3t-value"


def _load(space: dict[str, object], **kwargs: object) -> ConnectorConfig:
    return ConnectorConfig.from_dict({**_BASE, "space": space}, **kwargs)  # type: ignore[arg-type]


def test_sqlite_is_the_default_backend() -> None:
    """Without a backend key the space is the SQLite file, as before."""
    assert _load({}).space.backend is SpaceBackend.SQLITE


def test_the_dsn_comes_from_the_environment_and_never_shows() -> None:
    """dsn_env resolves to a Secret; neither str nor repr of the config shows it."""
    config = _load(
        {"backend": "postgresql", "dsn_env": "SPACE_DSN", "schema": "tenant_a"},
        environ={"SPACE_DSN": _DSN},
    )
    assert config.space.backend is SpaceBackend.POSTGRESQL
    assert config.space.dsn is not None
    assert config.space.dsn.reveal() == _DSN
    assert "s3cr3t" not in repr(config)
    assert config.space.schema == "tenant_a"


def test_the_dsn_may_come_from_a_file(tmp_path: Path) -> None:
    """dsn_file is read (trailing newline stripped) like connectivity.password_file."""
    file = tmp_path / "dsn"
    file.write_text(_DSN + "\n", encoding="utf-8")
    config = _load({"backend": "postgresql", "dsn_file": str(file)})
    assert config.space.dsn is not None
    assert config.space.dsn.reveal() == _DSN


def test_a_literal_dsn_is_refused_without_echoing_it() -> None:
    """A DSN may carry a password, so a literal one is refused and not repeated."""
    with pytest.raises(ConfigurationError, match="literal dsn is refused") as caught:
        _load({"backend": "postgresql", "dsn": _DSN})
    assert "s3cr3t" not in str(caught.value)


@pytest.mark.parametrize(
    ("space", "message"),
    [
        ({"backend": "postgresql"}, "space.dsn_env: required"),
        ({"dsn_env": "SPACE_DSN"}, 'set backend = "postgresql"'),
        ({"backend": "postgresql", "dsn_env": "SPACE_DSN", "path": "x"}, 'sqlite" only'),
        ({"backend": "postgresql", "dsn_env": "SPACE_DSN", "schema": "Bad-Name"}, "space.schema"),
        ({"backend": "My SQL"}, "space.backend: use lower-case letters"),
        ({"backend": "memory", "in_memory": True}, 'space.in_memory: applies to backend = "sq'),
    ],
)
def test_inconsistent_space_sections_are_refused(space: dict[str, object], message: str) -> None:
    """Each mistake is named by its key."""
    with pytest.raises(ConfigurationError, match=message):
        _load(space, environ={"SPACE_DSN": _DSN})
