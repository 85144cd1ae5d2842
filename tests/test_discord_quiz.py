"""A quiz on Discord: buttons under each question, private confirmations, a restart in the
middle, an old button still working, and the buttons disabled when the question closes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.core.replies import LETTERS
from tests.discord_fake.harness import discord_bot
from tests.discord_fake.server import READING, THREAD, FakeDiscord, Interaction
from tests.quiz_helpers import QUIZ_CONTENT, right_and_wrong

EPHEMERAL = 64


async def question_message(fake: FakeDiscord, answer: Interaction) -> dict[str, Any]:
    """The message of a command's answer that carries buttons (it may be a follow-up)."""
    found = await fake.wait_for(lambda: [m for m in answer.messages() if m.get("components")])
    return dict(found[0])


def button(message: dict[str, Any], letter: str) -> str:
    buttons = message["components"][0]["components"]
    return str(buttons[LETTERS.index(letter)]["custom_id"])


async def test_quiz_with_buttons_across_a_restart(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """Two members answer with buttons; the bot restarts; an old button still answers;
    `quiz next` reveals, disables the question's buttons and a late click is refused."""
    async with discord_bot(tmp_path, fake_discord, content=str(QUIZ_CONTENT)) as bot:
        started = await fake_discord.slash(
            "mod", "quiz", "start", chapter=1, kinds="choice,truefalse", questions=2
        )
        question = await question_message(fake_discord, started)
        right, wrong = right_and_wrong(started.text())
        assert "Question 1 of 2" in started.text()
        assert not int(question.get("flags") or 0) & EPHEMERAL
        question_id = max(i for i, m in fake_discord.messages.items() if m.get("components"))

        alice = await fake_discord.click("alice", question_id, button(question, right))
        assert alice.ephemeral() and "Your answer to question 1" in alice.text()
        bob = await fake_discord.click("bob", question_id, button(question, wrong))
        assert bob.ephemeral()
        assert bot.alive()

    async with discord_bot(tmp_path, fake_discord, content=str(QUIZ_CONTENT)) as bot:
        # bob changes his mind with the button of the message sent before the restart
        changed = await fake_discord.click("bob", question_id, button(question, right))
        assert changed.ephemeral() and "Changed your answer to question 1" in changed.text()

        revealed = await fake_discord.slash("mod", "quiz", "next")
        await question_message(fake_discord, revealed)  # the next question, with its buttons
        reveal = next(m for m in revealed.messages() if "the answer" in str(m.get("embeds")))
        fields = {f["name"]: f["value"] for f in reveal["embeds"][0]["fields"]}
        assert fields == {"Answers": "2", "Right": "Alice, Bob"}
        assert "Question 2 of 2" in revealed.text()
        edits = await fake_discord.wait_for(
            lambda: fake_discord.find("PATCH", rf"/channels/\d+/messages/{question_id}")
        )
        disabled = edits[-1].body["components"][0]["components"]
        assert disabled and all(b["disabled"] for b in disabled)

        late = await fake_discord.click("alice", question_id, button(question, wrong))
        assert late.ephemeral() and "That question has closed" in late.text()
        assert bot.alive()


async def test_free_text_question_is_answered_with_slash_answer(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """A free-text question has no buttons; /answer answers it and is confirmed privately."""
    async with discord_bot(tmp_path, fake_discord, content=str(QUIZ_CONTENT)):
        started = await fake_discord.slash(
            "mod", "quiz", "start", chapter=1, kinds="text", questions=1
        )
        await fake_discord.wait_for(lambda: "Question 1 of 1" in started.text())
        assert not any(m.get("components") for m in started.messages())
        right, _ = right_and_wrong(started.text())
        answer = await fake_discord.slash("alice", "answer", answer=right)
    assert answer.ephemeral() and "Your answer to question 1" in answer.text()


async def test_timed_question_closes_by_itself_and_its_buttons_are_disabled(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """With `seconds`, the timer posts the reveal to the channel (no buttons on it) and
    disables the closed question's buttons."""
    from datetime import timedelta

    from bot.core.clock import FakeClock
    from tests.harness import START

    clock = FakeClock(START)
    async with discord_bot(tmp_path, fake_discord, clock, content=str(QUIZ_CONTENT)) as bot:
        started = await fake_discord.slash(
            "mod", "quiz", "start", chapter=1, kinds="choice,truefalse", questions=2, seconds=30
        )
        await question_message(fake_discord, started)
        first_id = max(i for i, m in fake_discord.messages.items() if m.get("components"))
        await clock.advance(timedelta(seconds=30))
        (reveal, *_) = await fake_discord.wait_for(
            lambda: fake_discord.find("POST", r"/channels/\d+/messages")
        )
        assert "Question 1 of 2: the answer" in str(reveal.body)
        assert not reveal.body.get("components")
        edits = await fake_discord.wait_for(
            lambda: fake_discord.find("PATCH", rf"/channels/\d+/messages/{first_id}")
        )
        assert all(b["disabled"] for b in edits[-1].body["components"][0]["components"])
        assert bot.alive()


async def test_a_thread_quiz_and_its_channels_quiz_run_side_by_side(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """A quiz in a thread and one in its parent channel: both start, each takes its own
    answers (buttons and /answer), and revealing one leaves the other open."""
    async with discord_bot(tmp_path, fake_discord, content=str(QUIZ_CONTENT)) as bot:
        kinds = {"chapter": 1, "kinds": "choice,truefalse", "questions": 1}
        in_thread = await fake_discord.slash("mod", "quiz", "start", channel_id=THREAD, **kinds)
        thread_question = await question_message(fake_discord, in_thread)
        in_channel = await fake_discord.slash("mod", "quiz", "start", channel_id=READING, **kinds)
        await fake_discord.wait_for(lambda: "Question 1 of 1" in in_channel.text())
        assert "already running" not in in_channel.text()

        right, _ = right_and_wrong(in_thread.text())
        thread_id = max(
            i
            for i, m in fake_discord.messages.items()
            if m.get("components") and int(m["channel_id"]) == THREAD
        )
        alice = await fake_discord.click("alice", thread_id, button(thread_question, right))
        assert "Your answer to question 1" in alice.text()
        right, _ = right_and_wrong(in_channel.text())
        bob = await fake_discord.slash("bob", "answer", channel_id=READING, answer=right)
        assert "Your answer to question 1" in bob.text()
        again = await fake_discord.slash("alice", "answer", channel_id=READING, answer=right)
        assert "Your answer to question 1" in again.text()  # her first in this quiz

        revealed = await fake_discord.slash("mod", "quiz", "next", channel_id=THREAD)
        await fake_discord.wait_for(lambda: "Quiz finished" in revealed.text())
        reveal = next(m for m in revealed.messages() if "the answer" in str(m.get("embeds")))
        fields = {f["name"]: f["value"] for f in reveal["embeds"][0]["fields"]}
        assert fields == {"Answers": "1", "Right": "Alice"}

        status = await fake_discord.slash("mod", "quiz", "status", channel_id=READING)
        assert "question 1 of 1 is open; 2 answer(s) so far" in status.text()
        status = await fake_discord.slash("mod", "quiz", "status", channel_id=THREAD)
        assert "There is no quiz running" in status.text()
        assert bot.alive()
