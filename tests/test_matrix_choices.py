"""Lettered choices on Matrix: reactions pick, redactions withdraw, text answers get a ✅,
and the map of choice messages survives a restart of the bot. A small poll command set
stands in for any feature that posts a ChoiceSet."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from bot.adapters.matrix import syncing as matrix_syncing
from tests.matrix.commands import poll_commands
from tests.matrix.fixtures import RunningBot, World
from tests.matrix.members import Member


async def until(check: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    """Wait (bounded) until the bot has done something no member can see."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


def install(bot: RunningBot, picks: dict[str, str]) -> None:
    bot.app.engine.table.extend(poll_commands(picks).commands)


async def setup_room(world: World, bot_user: str) -> tuple[Member, Member, str]:
    alice = await world.member("alice")
    bob = await world.member("bob")
    room = await alice.create_room(invite=[bot_user, bob.user_id], version="10")
    await bob.join(room)
    await alice.joined(room, bot_user)
    return alice, bob, room


async def test_reactions_pick_redactions_withdraw_and_text_answers_get_a_check(
    world: World,
) -> None:
    """Two members: one picks by reaction, one by text (acknowledged with ✅ on the
    message); redacting the reaction withdraws; redacting a later reaction falls back to
    the older one still standing; privacy show and delete cover the reactions kept."""
    bot_user = world.bot_account()
    picks: dict[str, str] = {}
    async with world.bot(bot_user) as bot:
        install(bot, picks)
        alice, bob, room = await setup_room(world, bot_user)
        await alice.say(room, "!colours")
        question = await alice.notice(room, "Which colour?", sender=bot_user)
        assert "🇦 A) red" in question["content"]["body"]
        for key in ("🇦", "🇧", "🇨"):
            await alice.reaction(room, question["event_id"], key)

        first = await alice.react(room, question["event_id"], "🇦")
        await until(lambda: picks.get(alice.user_id) == "A", "alice's pick by reaction")

        said = await bob.say(room, "!pick C token p1")
        await bob.reaction(room, said, "✅")
        assert picks[bob.user_id] == "C"

        await alice.redact(room, first)
        await until(lambda: alice.user_id not in picks, "alice's withdrawal")

        await alice.react(room, question["event_id"], "🇧")
        later = await alice.react(room, question["event_id"], "🇨")
        await until(lambda: picks.get(alice.user_id) == "C", "alice's second pick")
        await alice.redact(room, later)
        await until(lambda: picks.get(alice.user_id) == "B", "the fall-back to B")

        # privacy show/delete cover the reactions the adapter keeps
        await alice.say(room, "!privacy show")
        shown = await alice.notice(room, "Your id: matrix:", sender=bot_user)
        assert "Matrix: 1 reaction(s) you used to pick a quiz answer" in shown["content"]["body"]
        await alice.say(room, "!privacy delete confirm")
        await alice.notice(room, "Done: what was kept", sender=bot_user)
        await alice.say(room, "!privacy show")
        shown = await alice.notice(room, "Your id: matrix:", sender=bot_user)
        assert "Matrix:" not in shown["content"]["body"].replace("Your id: matrix:", "")


async def test_restart_keeps_choices_and_token_answers_missed_commands_once(
    world: World,
) -> None:
    """After the bot restarts, a reaction on a question posted before the restart still
    picks; a command sent while the bot was down is answered once; nothing is replayed."""
    bot_user = world.bot_account()
    picks: dict[str, str] = {}
    async with world.bot(bot_user) as bot:
        install(bot, picks)
        alice, bob, room = await setup_room(world, bot_user)
        await alice.say(room, "!colours")
        question = await alice.notice(room, "Which colour?", sender=bot_user)
        await alice.say(room, "!chapters")
        chapters = await alice.notice(room, "15.", sender=bot_user)

    await bob.say(room, "!about")  # while the bot is down
    async with world.bot(bot_user) as bot:
        install(bot, picks)
        await bob.notice(room, "Kruzhok is a bot", sender=bot_user)
        await bob.react(room, question["event_id"], "🇧")
        await until(lambda: picks.get(bob.user_id) == "B", "bob's pick after the restart")
        await bob.say(room, "!help")
        await bob.notice(room, "", sender=bot_user)

    answers = [
        e["content"]["body"]
        for r, e in bob.seen
        if r == room and e.get("sender") == bot_user and e.get("type") == "m.room.message"
    ]
    assert sum("Kruzhok is a bot" in a for a in answers) == 1
    assert answers.count(chapters["content"]["body"]) == 1


async def test_charts_are_uploaded_as_m_image_and_files_as_m_file(world: World) -> None:
    """A reply's image becomes an uploaded m.image and its file an m.file."""
    bot_user = world.bot_account()
    async with world.bot(bot_user) as bot:
        install(bot, {})
        alice, _, room = await setup_room(world, bot_user)
        await alice.say(room, "!chart")
        await alice.notice(room, "Here it is", sender=bot_user)
        image = await alice.wait_for(
            lambda r, e: r == room and (e.get("content") or {}).get("msgtype") == "m.image",
            what="an m.image",
        )
        assert image["content"]["url"].startswith("mxc://")
        assert image["content"]["info"]["mimetype"] == "image/png"
        csv = await alice.wait_for(
            lambda r, e: r == room and (e.get("content") or {}).get("msgtype") == "m.file",
            what="an m.file",
        )
        assert csv["content"]["body"] == "export.csv"
        data = await alice.client.download(csv["content"]["url"])
        assert data.body == b"user,count\nalice,3\n"


async def test_a_gap_longer_than_one_sync_is_fetched_back_after_a_restart(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the bot is down, more events come than one sync returns (limit 5 here): the
    bot fetches the gap back and answers the command buried in it, once."""
    monkeypatch.setattr(
        matrix_syncing,
        "SYNC_FILTER",
        {"room": {"timeline": {"limit": 5}}, "presence": {"types": []}},
    )
    bot_user = world.bot_account()
    async with world.bot(bot_user):
        alice, bob, room = await setup_room(world, bot_user)
    await bob.say(room, "!about")
    for i in range(8):
        await alice.say(room, f"chatter {i}")
    async with world.bot(bot_user):
        await bob.notice(room, "Kruzhok is a bot", sender=bot_user)
        await bob.say(room, "!chapters")
        await bob.notice(room, "15.", sender=bot_user)
    answers = [
        e["content"]["body"]
        for r, e in bob.seen
        if r == room and e.get("sender") == bot_user and e.get("type") == "m.room.message"
    ]
    assert sum("Kruzhok is a bot" in a for a in answers) == 1


async def test_a_private_file_goes_to_a_direct_room_not_to_the_whole_room(world: World) -> None:
    """A private reply with a file (an export) is sent in a direct room with the member;
    the room only gets a short notice. (Encryption off here: the direct room is plain;
    tests/test_matrix_rooms.py has the encrypted one.)"""
    bot_user = world.bot_account()
    async with world.bot(bot_user, encryption=False) as bot:
        install(bot, {})
        alice, bob, room = await setup_room(world, bot_user)
        await alice.say(room, "!secret")
        await alice.notice(room, "sent it to you in a direct message", sender=bot_user)
        deadline = time.monotonic() + 20
        while not alice.invites and time.monotonic() < deadline:
            await alice.sync(500)
        assert alice.invites, "no direct room invite"
        direct = alice.invites[0]
        await alice.join(direct)
        await alice.wait_for(
            lambda r, e: r == direct and (e.get("content") or {}).get("body") == "mine.csv",
            what="the file in the direct room",
        )
        await bob.notice(room, "sent it to you in a direct message", sender=bot_user)
        assert not any(
            (e.get("content") or {}).get("msgtype") == "m.file" for r, e in bob.seen if r == room
        )
