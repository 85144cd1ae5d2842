"""Fixtures for the Matrix tests (loaded from tests/conftest.py): one Synapse for the
session, fresh accounts per test, the real adapter run against it, and Synapse's log
attached to any failing test that used it."""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.matrix.adapter import MatrixAdapter
from bot.adapters.matrix.login import Credentials
from bot.app import App, build_app
from bot.core.clock import FakeClock
from tests.harness import START, make_config
from tests.matrix.members import Member
from tests.matrix.synapse import Synapse, user_id

PASSWORD = "correct horse battery staple"
READY_TIMEOUT = 60.0
_counter = itertools.count(1)
_running: list[Synapse] = []


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synapse]:
    hs = Synapse(tmp_path_factory.mktemp("synapse"))
    hs.start()  # raises (the tests fail, never skip) when Synapse is missing or broken
    _running.append(hs)
    try:
        yield hs
    finally:
        _running.remove(hs)
        hs.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.failed and "synapse" in getattr(item, "fixturenames", ()) and _running:
        report.sections.append(("Synapse log (last lines)", _running[0].log()))


async def _first_of(wait: Any, task: asyncio.Task[None], what: str) -> None:
    waiter = asyncio.ensure_future(wait)
    done, _ = await asyncio.wait(
        {waiter, task}, timeout=READY_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
    )
    if waiter not in done:
        waiter.cancel()
        if task.done():
            task.result()
        raise AssertionError(f"the Matrix adapter did not {what}")


@dataclass
class RunningBot:
    app: App
    adapter: MatrixAdapter
    user_id: str
    task: asyncio.Task[None]


class World:
    """Accounts, members and bots of one test."""

    def __init__(self, hs: Synapse, tmp_path: Path) -> None:
        self.hs = hs
        self.tmp_path = tmp_path
        self.members: list[Member] = []
        self.tag = next(_counter)

    def account(self, name: str) -> str:
        """Register a fresh account; returns its localpart."""
        local = f"{name}{self.tag}x{random.randrange(10**6)}"
        self.hs.register(local, PASSWORD)
        return local

    async def member(self, name: str, e2e: bool = False) -> Member:
        local = self.account(name)
        store = self.tmp_path / f"store-{local}" if e2e else None
        member = await Member.login(self.hs, local, PASSWORD, store)
        self.members.append(member)
        return member

    def bot_account(self) -> str:
        return user_id(self.account("kruzhok"))

    @asynccontextmanager
    async def bot(
        self,
        bot_user: str,
        clock: FakeClock | None = None,
        data: Path | None = None,
        app_config: dict[str, Any] | None = None,
        credentials: Credentials | None = None,
        **matrix: Any,
    ) -> AsyncIterator[RunningBot]:
        """Run the whole app with the Matrix adapter; restart = open it again on `data`."""
        data = data or self.tmp_path / "bot"
        settings: dict[str, Any] = {
            "homeserver": self.hs.url,
            "user_id": bot_user,
            "store_dir": str(data / "store"),
            "sync_timeout": 5.0,
            "max_retry_wait": 1.0,
            "allowed_inviter_servers": ["kruzhok.test"],
        }
        settings.update(matrix)
        config = make_config(
            data,
            adapters=["matrix"],
            matrix=settings,
            database=str(data / "kruzhok.sqlite3"),
            **(app_config or {}),
        )
        app = await build_app(config, clock=clock or FakeClock(START), rng=random.Random(7))
        adapter = MatrixAdapter(
            app.engine,
            app.matrix_state(config.matrix.user_id),
            app.clock,
            config.matrix,
            Credentials(password=PASSWORD) if credentials is None else credentials,
            lease=app.matrix_lease(config.matrix),
        )
        # The order of bot.app.run_until_done: connect, resume stored state, handle events.
        task = asyncio.create_task(adapter.run())
        try:
            await _first_of(adapter.wait_ready(), task, "connect")
            await app.start()
            await _first_of(adapter.ready.wait(), task, "finish its first sync")
            yield RunningBot(app, adapter, bot_user, task)
            assert not task.done() or task.cancelled(), task.exception()
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await app.stop()

    async def close(self) -> None:
        for member in self.members:
            await member.close()


@pytest.fixture
async def world(synapse: Synapse, tmp_path: Path) -> AsyncIterator[World]:
    w = World(synapse, tmp_path)
    try:
        yield w
    finally:
        await w.close()
