"""What the spoiler shield must not leak besides the content itself (issue 17): the
glossary's "did you mean" names no term only chapters past the member's line introduce,
nor does its closest match; `chapters` marks the chapters past the line (their title
only); Discord's autocomplete of glossary terms offers only terms within the member's
line. Also: `spoilers set mode plan` (the argument named) works as `spoilers set plan`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.clock import FakeClock
from tests.discord_fake.harness import discord_bot
from tests.discord_fake.server import FakeDiscord
from tests.harness import ConsoleBot, console_bot
from tests.test_spoilers import SPOILER_CONTENT

# The glossary of the three-chapter book: one term per chapter.
TERMS = {1: "lantern room", 2: "herring fleet", 3: "founder"}
# What `chapters` says of a chapter within the line (chapter 1: 1 quote, 2 quiz items).
DESCRIBED = "1. The new keeper (1 quotes, 2 quiz items)"


@pytest.fixture
async def bot(tmp_path: Path, clock: FakeClock) -> AsyncIterator[ConsoleBot]:
    async with console_bot(tmp_path, clock, content=str(SPOILER_CONTENT)) as console:
        yield console


async def set_up(bot: ConsoleBot, mode: str, plan: int = 1) -> None:
    assert f"Spoiler shield set to {mode}" in await bot.say(
        f"/spoilers set {mode}", user="mod", moderator=True
    )
    await bot.say(f"/plan set {plan}", user="mod", moderator=True)


async def test_did_you_mean_names_no_term_past_the_line(bot: ConsoleBot) -> None:
    # Without the shield, a near miss suggests the chapter 3 term.
    assert "Did you mean: founder?" in await bot.say("/glossary fund", user="bob")
    assert "Did you mean: founder?" in await bot.say("/glossary fo", user="bob")

    await set_up(bot, "plan", plan=1)
    for asked in ("fund", "fo", "he", "herring flock"):
        shown = await bot.say(f"/glossary {asked}", user="bob")
        assert f"No glossary entry for '{asked}'." in shown
        assert TERMS[2] not in shown and TERMS[3] not in shown
        assert "Type /glossary for the list." in shown
    # A term within the line is still suggested.
    assert "Did you mean: lantern room?" in await bot.say("/glossary la", user="bob")


async def test_with_member_the_suggestions_follow_each_members_own_line(bot: ConsoleBot) -> None:
    await set_up(bot, "member", plan=1)
    await bot.say("/read 2", user="bob")
    assert "Did you mean: herring fleet?" in await bot.say("/glossary herring flock", user="bob")
    shown = await bot.say("/glossary herring flock", user="carol")  # no check-in: the plan's
    assert TERMS[2] not in shown and "No glossary entry for 'herring flock'." in shown
    # `spoil` does not name them either: a refusal is no private answer.
    shown = await bot.say("/glossary fund spoil", user="bob")
    assert TERMS[3] not in shown


async def test_a_closest_match_past_the_line_is_hidden_with_its_name(bot: ConsoleBot) -> None:
    await set_up(bot, "plan", plan=1)
    shown = await bot.say("/glossary fonder", user="bob")
    assert TERMS[3] not in shown and "Closest match" not in shown and "Marta" not in shown
    assert "/glossary fonder spoil shows it to you privately" in shown
    shown = await bot.say("/glossary fonder spoil", user="bob")
    assert "Closest match: founder" in shown and "[only you see this]" in shown


async def test_chapters_marks_those_past_the_line_by_title_only(bot: ConsoleBot) -> None:
    shown = await bot.say("/chapters", user="bob")
    assert DESCRIBED in shown and "3. The great storm (1 quotes" in shown
    assert "past the spoiler line" not in shown

    await set_up(bot, "plan", plan=1)
    shown = await bot.say("/chapters", user="bob")
    assert DESCRIBED in shown
    assert "2. The failing lamp [past the spoiler line]" in shown
    assert "3. The great storm [past the spoiler line]" in shown
    assert "2. The failing lamp (" not in shown and "3. The great storm (" not in shown
    assert (
        "marked chapters are past the spoiler line (the plan's chapter: chapter 1); "
        "/summary N spoil shows one to you privately"
    ) in shown


async def test_chapters_follows_the_members_own_line(bot: ConsoleBot) -> None:
    await set_up(bot, "member", plan=1)
    await bot.say("/read 2", user="bob")
    shown = await bot.say("/chapters", user="bob")
    assert "2. The failing lamp (" in shown
    assert "3. The great storm [past the spoiler line]" in shown
    assert "(your check-in: chapter 2)" in shown
    shown = await bot.say("/chapters", user="carol")
    assert "2. The failing lamp [past the spoiler line]" in shown


async def test_the_mode_can_be_named(bot: ConsoleBot) -> None:
    shown = await bot.say("/spoilers set mode plan", user="mod", moderator=True)
    assert "Spoiler shield set to plan" in shown
    assert "Spoiler shield: plan." in await bot.say("/spoilers", user="bob")
    shown = await bot.say("/spoilers set mode member", user="mod", moderator=True)
    assert "Spoiler shield set to member" in shown
    shown = await bot.say("/spoilers set mode", user="mod", moderator=True)
    assert "`mode` needs a value." in shown
    shown = await bot.say("/spoilers set mode everything", user="mod", moderator=True)
    assert "`mode` must be one of off, plan, member; got 'everything'." in shown
    assert "Spoiler shield: member." in await bot.say("/spoilers", user="bob")


def offered(answer: object) -> list[str]:
    callback = answer.callback()  # type: ignore[attr-defined]
    return [c["value"] for c in callback.body["data"]["choices"]]


async def test_discord_autocomplete_offers_only_terms_within_the_members_line(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    async with discord_bot(tmp_path, fake_discord, content=str(SPOILER_CONTENT)) as bot:
        everything = await fake_discord.autocomplete("alice", "glossary", None, "term", term="")
        assert offered(everything) == sorted(TERMS.values())
        await fake_discord.slash("mod", "spoilers", "set", mode="member")
        await fake_discord.slash("mod", "plan", "set", chapter=1)
        await fake_discord.slash("bob", "read", chapter=2)
        alice = await fake_discord.autocomplete("alice", "glossary", None, "term", term="")
        assert offered(alice) == [TERMS[1]]
        bob = await fake_discord.autocomplete("bob", "glossary", None, "term", term="")
        assert offered(bob) == [TERMS[2], TERMS[1]]
        typed = await fake_discord.autocomplete("alice", "glossary", None, "term", term="fo")
        assert offered(typed) == []
        # Chapter titles are no spoiler: all are offered.
        chapters = await fake_discord.autocomplete("alice", "summary", None, "chapter", chapter="")
        assert len(offered(chapters)) == 3
        assert bot.alive()
