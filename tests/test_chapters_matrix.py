"""Chapter threads and MSC3381 polls on a real Synapse (the one the test run starts): the
chapter's card is the thread root and the poll start goes into its thread with both the
stable and the unstable content; a member's response (either kind) is their vote, and
"Finished" checks them in; a reply in the thread counts in the recap; a group quiz with
`matrix.quiz_polls` asks each question as an undisclosed poll whose answers count once
per member, the latest response winning."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from tests.matrix.fixtures import RunningBot, World
from tests.matrix.members import Member

POLL_START = "org.matrix.msc3381.poll.start"


async def until(check: Callable[[], Awaitable[bool]], what: str, timeout: float = 20.0) -> None:
    """Wait (bounded) until the bot has stored what no member can see."""
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def rows(bot: RunningBot, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in await bot.app.db.fetch(sql)]


async def room_with(world: World, bot_user: str) -> tuple[Member, Member, str]:
    alice = await world.member("alice")  # the room's creator: a moderator
    bob = await world.member("bob")
    room = await alice.create_room(invite=[bot_user, bob.user_id])
    await bob.join(room)
    await alice.joined(room, bot_user)
    return alice, bob, room


def respond(poll_id: str, answers: list[str], stable: bool) -> tuple[str, dict[str, Any]]:
    relates = {"rel_type": "m.reference", "event_id": poll_id}
    if stable:
        return "m.poll.response", {"m.relates_to": relates, "m.selections": answers}
    return "org.matrix.msc3381.poll.response", {
        "m.relates_to": relates,
        "org.matrix.msc3381.poll.response": {"answers": answers},
    }


async def poll_start(member: Member, room: str, sender: str) -> dict[str, Any]:
    return await member.wait_for(
        lambda r, e: r == room and e.get("type") == POLL_START and e.get("sender") == sender,
        what="a poll start",
    )


async def test_the_chapter_card_roots_a_thread_with_its_poll_and_responses_check_in(
    world: World,
) -> None:
    bot_user = world.bot_account()
    async with world.bot(bot_user) as bot:
        alice, bob, room = await room_with(world, bot_user)
        await alice.say(room, "!chapter open 15")
        card = await alice.notice(room, "Chapter 15: The United Opposition", sender=bot_user)
        assert "In 1926 Zinoviev and Kamenev" in card["content"]["body"]
        assert "1. The 1926 bloc set out" in card["content"]["body"]
        poll = await poll_start(alice, room, bot_user)
        content = poll["content"]
        assert content["m.relates_to"]["rel_type"] == "m.thread"
        assert content["m.relates_to"]["event_id"] == card["event_id"]
        unstable = content[POLL_START]
        assert unstable["kind"] == "org.matrix.msc3381.poll.disclosed"
        assert unstable["question"]["org.matrix.msc1767.text"] == "How far are you in chapter 15?"
        assert unstable["answers"][0] == {
            "id": "1",
            "org.matrix.msc1767.text": "Finished chapter 15",
        }
        stable = content["m.poll"]
        assert stable["kind"] == "m.disclosed" and stable["max_selections"] == 1
        assert stable["question"] == {"m.text": [{"body": "How far are you in chapter 15?"}]}
        assert stable["answers"][3] == {"m.id": "4", "m.text": [{"body": "Not started yet"}]}
        assert content["m.text"][0]["body"].startswith("How far are you in chapter 15?\n1. ")
        opened = await alice.notice(room, "is open for discussion", sender=bot_user)
        link = f"https://matrix.to/#/{room}/{card['event_id']}"
        assert link in opened["content"]["body"]

        # bob finishes (the stable response), alice is halfway (the unstable one)
        await bob.send(room, *respond(poll["event_id"], ["1"], stable=True))
        await alice.send(room, *respond(poll["event_id"], ["2"], stable=False))

        async def both_voted() -> bool:
            return len(await rows(bot, "SELECT user_id FROM chapter_poll_votes")) == 2

        await until(both_voted, "both votes")
        assert await rows(bot, "SELECT user_id, chapter FROM reading_checkins") == [
            (bob.user_id, 15)
        ]
        # alice changes her mind: her latest response replaces the earlier one
        await alice.send(room, *respond(poll["event_id"], ["1"], stable=True))

        async def alice_finished() -> bool:
            return len(await rows(bot, "SELECT user_id FROM reading_checkins")) == 2

        await until(alice_finished, "alice's check-in")
        votes = await rows(bot, "SELECT user_id, choice FROM chapter_poll_votes ORDER BY user_id")
        assert sorted(votes) == sorted([(alice.user_id, 0), (bob.user_id, 0)])

        # a reply in the thread counts for the chapter; the recap is posted in the thread
        await bob.say(room, "I think the bloc was doomed", thread=card["event_id"])
        await bob.say(room, "Unrelated, outside the thread")
        await alice.say(room, "!chapter open 15")
        again = await alice.notice(room, "already has its thread", sender=bot_user)
        assert link in again["content"]["body"]
        await alice.say(room, "!recap 15")
        recap = await alice.notice(room, "Recap: Chapter 15", sender=bot_user)
        assert recap["content"]["m.relates_to"]["event_id"] == card["event_id"]
        body = recap["content"]["body"]
        assert "Took part: 2 members" in body and "Messages: 1" in body
        assert "Check-ins: 2 checked in chapter 15" in body
        assert "doomed" not in body
        # closing: Matrix threads cannot be locked; the poll ends with its results
        await alice.say(room, "!chapter close 15")
        end = await alice.wait_for(
            lambda r, e: r == room and e.get("type") == "org.matrix.msc3381.poll.end",
            what="the poll's end",
        )
        assert end["content"]["m.relates_to"] == {
            "rel_type": "m.reference",
            "event_id": poll["event_id"],
        }
        assert "Finished chapter 15: 2 votes (100%)" in end["content"]["m.text"][0]["body"]
        closed = await alice.notice(room, "This discussion is closed.", sender=bot_user)
        assert closed["content"]["m.relates_to"]["event_id"] == card["event_id"]


async def test_a_quiz_question_as_an_undisclosed_poll_counts_each_member_once(
    world: World,
) -> None:
    bot_user = world.bot_account()
    async with world.bot(bot_user, quiz_polls=True) as bot:
        alice, bob, room = await room_with(world, bot_user)
        await alice.say(room, "!quiz start 15 choice questions 1")
        await alice.notice(room, "Question 1 of 1", sender=bot_user)
        poll = await poll_start(alice, room, bot_user)
        assert poll["content"][POLL_START]["kind"] == "org.matrix.msc3381.poll.undisclosed"
        assert poll["content"]["m.poll"]["kind"] == "m.undisclosed"
        options = [a["m.text"][0]["body"] for a in poll["content"]["m.poll"]["answers"]]
        assert options[0].startswith("A) ") and len(options) >= 2
        # bob answers A, then B: the latest counts; alice answers once (unstable kind)
        await bob.send(room, *respond(poll["event_id"], ["1"], stable=True))
        await bob.send(room, *respond(poll["event_id"], ["2"], stable=False))
        await alice.send(room, *respond(poll["event_id"], ["1"], stable=True))

        async def answered() -> bool:
            found = await rows(bot, "SELECT member, given FROM quiz_answers ORDER BY member")
            return len(found) == 2 and any(g.startswith("B)") for _, g in found)

        await until(answered, "both answers, bob's latest B")
        given = dict(await rows(bot, "SELECT member, given FROM quiz_answers"))
        assert given[bob.user_id].startswith("B) ") and given[alice.user_id].startswith("A) ")
        await alice.say(room, "!quiz next")
        reveal = await alice.notice(room, "the answer", sender=bot_user)
        assert "Answers: 2" in reveal["content"]["body"]
        await alice.wait_for(
            lambda r, e: (
                r == room
                and e.get("type") == "org.matrix.msc3381.poll.end"
                and e["content"]["m.relates_to"]["event_id"] == poll["event_id"]
            ),
            what="the quiz poll's end",
        )
