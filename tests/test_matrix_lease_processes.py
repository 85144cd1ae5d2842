"""Two `python -m bot run` processes configured for one Matrix account, on one PostgreSQL
database, against the real Synapse: one holds the sync lease and syncs, the other waits;
kill -9 the holder and the other takes over from the kept sync token. Commands sent before
the kill, while nobody syncs, and after the takeover are each answered exactly once.

Both processes read their time from a file clock: the waiter's next attempt at the lease
comes when the test moves that clock on, never by sleeping."""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.core.clock import CLOCK_FILE_ENV
from tests.console_process import ConsoleProcess, start_console, write_clock
from tests.harness import SHIPPED_CONTENT, START
from tests.matrix.fixtures import PASSWORD, World
from tests.matrix.members import Member

HOLDS = "held by this process"
WAITS = "another process syncs"
LOGGED_IN = "matrix: logged in as"


def write_config(path: Path, database: str, homeserver: str, bot: str, inviter: str) -> Path:
    path.write_text(
        f"database: {database}\n"
        f"content: {SHIPPED_CONTENT}\n"
        "adapters: [matrix]\n"
        "log_level: INFO\n"
        "matrix:\n"
        f"  homeserver: {homeserver}\n"
        f"  user_id: '{bot}'\n"
        f"  store_dir: {path.parent / (path.stem + '-store')}\n"
        f"  allowed_inviters: ['{inviter}']\n"
        "  sync_timeout: 2\n"
        "  max_retry_wait: 1\n"
    )
    return path


def answers(member: Member, room: str, command: str, bot: str) -> list[dict[str, Any]]:
    """The bot's notices in reply to one command (sent in a thread, so they point at it)."""
    found = []
    for room_id, event in member.seen:
        content = event.get("content") or {}
        relates = content.get("m.relates_to") or {}
        if (
            room_id == room
            and event.get("sender") == bot
            and content.get("msgtype") == "m.notice"
            and (relates.get("m.in_reply_to") or {}).get("event_id") == command
        ):
            found.append(event)
    return found


async def answered(member: Member, room: str, command: str, bot: str) -> None:
    def match(room_id: str, event: dict[str, Any]) -> bool:
        return bool(answers(member, room, command, bot))

    await member.wait_for(match, timeout=60, what=f"the answer to {command}")


async def took_over(process: ConsoleProcess, clock: Path) -> None:
    """Move the file clock on, one lease period at a time, until the process holds the
    lease (the killed holder's session may take a moment to end on the server)."""
    for step in range(1, 21):
        write_clock(clock, START + timedelta(seconds=16 * step))
        for _ in range(100):  # up to 2 s for this attempt to show in the log
            if HOLDS in process.stderr:
                return
            await asyncio.sleep(0.02)
    raise AssertionError(process._describe("never took the sync lease over"))


async def test_kill_9_of_the_syncing_process_hands_the_account_to_the_other_once(
    world: World, tmp_path: Path, postgres_url: str
) -> None:
    bot = world.bot_account()
    alice = await world.member("alice")
    clock = tmp_path / "clock"
    write_clock(clock, START)
    env = {"MATRIX_PASSWORD": PASSWORD, CLOCK_FILE_ENV: str(clock)}
    configs = [
        write_config(tmp_path / f"{name}.yaml", postgres_url, world.hs.url, bot, alice.user_id)
        for name in ("first", "second")
    ]
    first = await start_console(configs[0], "first", env=env)
    second: ConsoleProcess | None = None
    try:
        await first.wait_for_log(HOLDS)
        await first.wait_for_log(LOGGED_IN)
        second = await start_console(configs[1], "second", env=env)
        await second.wait_for_log(WAITS)

        room = await alice.create_room(invite=[bot])
        await alice.joined(room, bot, timeout=60)
        thread = await alice.say(room, "our reading thread")
        before = await alice.say(room, "!glossary kulak", thread=thread)
        await answered(alice, room, before, bot)
        assert LOGGED_IN not in second.stderr  # the waiting process never synced

        await first.kill()  # kill -9: no release, no goodbye
        meanwhile = await alice.say(room, "!glossary soviet", thread=thread)
        await took_over(second, clock)
        after = await alice.say(room, "!glossary kulak", thread=thread)
        # The takeover's first sync handles what nobody synced, before the later command:
        # once this is answered, every answer (and any duplicate) has come.
        await answered(alice, room, after, bot)

        counts = {
            name: len(answers(alice, room, event_id, bot))
            for name, event_id in (("before", before), ("meanwhile", meanwhile), ("after", after))
        }
        assert counts == {"before": 1, "meanwhile": 1, "after": 1}, counts
    finally:
        await first.kill()
        if second is not None:
            second.proc.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(second.proc.wait(), 60)
            await second.kill()
            assert code == 0, second._describe(f"exit code {code}")
            assert "Traceback" not in second.stderr, second._describe("a traceback")
    assert os.environ.get(CLOCK_FILE_ENV) is None  # the clock file was the processes' alone
