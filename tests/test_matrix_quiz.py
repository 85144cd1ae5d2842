"""A real quiz on Matrix: letters by reaction, answers by text, withdrawal by redaction,
and a restart of the bot in the middle of a question."""

from __future__ import annotations

from tests.matrix.fixtures import World
from tests.matrix.members import Event, Member
from tests.quiz_helpers import QUIZ_CONTENT, right_and_wrong

QUIZ = {"content": str(QUIZ_CONTENT)}


def name(member: Member) -> str:
    return member.user_id.split(":")[0][1:]


async def quiz_room(world: World, bot_user: str) -> tuple[Member, Member, Member, str]:
    mod = await world.member("mod")
    alice = await world.member("alice")
    bob = await world.member("bob")
    room = await mod.create_room(invite=[bot_user, alice.user_id, bob.user_id], version="10")
    await alice.join(room)
    await bob.join(room)
    await mod.joined(room, bot_user)
    return mod, alice, bob, room


def letter(answer: str) -> str:
    return chr(0x1F1E6 + "ABCD".index(answer))


async def answer(member: Member, room: str, question: Event, given: str, bot_user: str) -> None:
    """A letter by reaction (nothing to see: the reaction stands), words by text (✅)."""
    if len(given) == 1 and given in "ABCD":
        await member.react(room, question["event_id"], letter(given))
    else:
        said = await member.say(room, f"!answer {given}")
        await member.reaction(room, said, "✅")


async def test_two_members_play_a_quiz_by_reactions_and_by_text(world: World) -> None:
    """alice answers every question with the right letter (or words), bob by text with a
    wrong one; the reveals and the results show who was right."""
    bot_user = world.bot_account()
    async with world.bot(bot_user, app_config=QUIZ):
        mod, alice, bob, room = await quiz_room(world, bot_user)
        await mod.say(room, "!quiz start 1 questions 2")
        question = await alice.notice(room, "Question 1 of 2", sender=bot_user)
        for number in (1, 2):
            right, wrong = right_and_wrong(question["content"]["body"])
            await answer(alice, room, question, right, bot_user)
            said = await bob.say(room, f"!answer {wrong}")
            await bob.reaction(room, said, "✅")
            await mod.say(room, "!quiz status")
            await mod.notice(room, "2 answer(s) so far", sender=bot_user)
            await mod.say(room, "!quiz next")
            reveal = await alice.notice(
                room, f"Question {number} of 2: the answer", sender=bot_user
            )
            assert f"Right: {name(alice)}" in reveal["content"]["body"]
            if number == 1:
                question = await alice.notice(room, "Question 2 of 2", sender=bot_user)
        results = await alice.notice(room, "Quiz finished", sender=bot_user)
        assert f"1. {name(alice)}: 2 points" in results["content"]["body"]


async def test_a_redacted_reaction_withdraws_and_a_restart_mid_quiz_keeps_answers(
    world: World,
) -> None:
    """alice reacts then redacts (withdrawn); the bot restarts with the question open;
    bob's reaction on the question posted before the restart counts, as does alice's
    stored text answer."""
    bot_user = world.bot_account()
    async with world.bot(bot_user, app_config=QUIZ):
        mod, alice, bob, room = await quiz_room(world, bot_user)
        await mod.say(room, "!quiz start 1 choice questions 1")
        question = await alice.notice(room, "Question 1 of 1", sender=bot_user)
        right, wrong = right_and_wrong(question["content"]["body"])
        first = await alice.react(room, question["event_id"], letter(wrong))
        await mod.say(room, "!quiz status")
        await mod.notice(room, "1 answer(s) so far", sender=bot_user)
        await alice.redact(room, first)
        await mod.say(room, "!quiz status")
        await mod.notice(room, "0 answer(s) so far", sender=bot_user)
        said = await alice.say(room, f"!answer {right}")
        await alice.reaction(room, said, "✅")

    async with world.bot(bot_user, app_config=QUIZ):
        await bob.react(room, question["event_id"], letter(right))
        await mod.say(room, "!quiz status")
        await mod.notice(room, "2 answer(s) so far", sender=bot_user)
        await mod.say(room, "!quiz next")
        reveal = await mod.notice(room, "the answer", sender=bot_user)
        assert "Answers: 2" in reveal["content"]["body"]
        assert name(alice) in reveal["content"]["body"] and name(bob) in reveal["content"]["body"]


def thread_of(event: Event) -> str | None:
    relates = (event.get("content") or {}).get("m.relates_to") or {}
    return relates.get("event_id") if relates.get("rel_type") == "m.thread" else None


async def bot_notice(
    member: Member, room: str, bot_user: str, text: str, thread: str | None
) -> Event:
    """The bot's next notice containing `text`, in that thread (None: outside threads)."""

    def match(room_id: str, event: Event) -> bool:
        content = event.get("content") or {}
        return (
            room_id == room
            and event.get("sender") == bot_user
            and content.get("msgtype") == "m.notice"
            and text in str(content.get("body", ""))
            and thread_of(event) == thread
        )

    return await member.wait_for(match, what=f"{text!r} in thread {thread}")


async def test_a_thread_quiz_and_the_rooms_quiz_run_side_by_side(world: World) -> None:
    """A quiz started in a thread (m.thread) and one in the room itself: both run, a
    reaction answers the thread's question (its token names the quiz), a text answer the
    room's, and revealing the thread's leaves the room's open."""
    bot_user = world.bot_account()
    async with world.bot(bot_user, app_config=QUIZ):
        mod, alice, bob, room = await quiz_room(world, bot_user)
        root = await mod.say(room, "Our quiz thread")
        start = "!quiz start 1 choice,truefalse questions 1"
        await mod.say(room, start, thread=root)
        in_thread = await bot_notice(alice, room, bot_user, "Question 1 of 1", root)
        await mod.say(room, start)
        in_room = await bot_notice(bob, room, bot_user, "Question 1 of 1", None)

        right, _ = right_and_wrong(in_thread["content"]["body"])
        await alice.react(room, in_thread["event_id"], letter(right))
        right, _ = right_and_wrong(in_room["content"]["body"])
        said = await bob.say(room, f"!answer {right}")
        await bob.reaction(room, said, "✅")

        await mod.say(room, "!quiz status", thread=root)
        await bot_notice(mod, room, bot_user, "1 answer(s) so far", root)
        await mod.say(room, "!quiz next", thread=root)
        reveal = await bot_notice(mod, room, bot_user, "the answer", root)
        assert "Answers: 1" in reveal["content"]["body"]
        assert f"Right: {name(alice)}" in reveal["content"]["body"]
        await mod.say(room, "!quiz status")
        status = await bot_notice(mod, room, bot_user, "is open", None)
        assert "1 answer(s) so far" in status["content"]["body"]
