"""pytest fixtures: one PostgreSQL server for the session, a fresh database per test, and
`any_database`, which runs a test once on SQLite and once on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.databases import server
from tests.pg.server import PostgresServer


@pytest.fixture(scope="session")
def postgres() -> PostgresServer:
    """The run's one PostgreSQL server (also the one KRUZHOK_TEST_DATABASE=postgresql
    uses); stopped when the run ends."""
    return server()


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> str:
    """A new empty database on the session's server."""
    return postgres.create_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """What the config's `database` says: a file path, then a postgresql:// URL."""
    if request.param == "sqlite":
        return str(tmp_path / "kruzhok.sqlite3")
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.create_database()
