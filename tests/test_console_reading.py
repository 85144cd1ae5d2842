"""The read-only commands end to end through the console adapter."""

from __future__ import annotations

import subprocess
import sys

from tests.harness import ROOT, ConsoleBot


async def test_help_lists_member_commands_but_not_moderator_ones(console: ConsoleBot) -> None:
    shown = await console.say("/help")
    assert "/summary [chapter] [long]" in shown
    assert "/reload" not in shown


async def test_help_for_a_moderator_includes_reload(console: ConsoleBot) -> None:
    shown = await console.say("/help", moderator=True)
    assert "/reload" in shown and "(moderators)" in shown


async def test_summary_of_chapter_15_and_its_long_form(console: ConsoleBot) -> None:
    short = await console.say("/summary 15")
    assert "Chapter 15" in short and "Zinoviev" in short
    long = await console.say("/summary 15 long")
    assert "Key points:" in long and "1. " in long


async def test_bang_prefix_works_like_slash(console: ConsoleBot) -> None:
    shown = await console.say("!summary 15")
    assert "Chapter 15" in shown and "(!summary 15 long for the key points)" in shown


async def test_unknown_chapter_names_the_chapters(console: ConsoleBot) -> None:
    shown = await console.say("/summary 99")
    assert "There is no chapter 99" in shown and "15" in shown


async def test_wrong_argument_names_it_and_shows_usage(console: ConsoleBot) -> None:
    shown = await console.say("/summary fifteen")
    assert "`chapter`" in shown and "Usage: /summary [chapter] [long]" in shown


async def test_quote_search_finds_words_and_names_the_source(console: ConsoleBot) -> None:
    shown = await console.say("/quote 15 Chiang")
    assert "Chiang" in shown and "chapter 15" in shown
    assert "Serge" in shown or "Trotsky" in shown or "ECCI" in shown


async def test_quote_search_without_match_says_so(console: ConsoleBot) -> None:
    shown = await console.say("/quote 15 zzzxqy")
    assert "No quote in chapter 15 containing 'zzzxqy'" in shown


async def test_glossary_term_alias_and_misspelling(console: ConsoleBot) -> None:
    assert "peasant" in (await console.say("/glossary kulak")).lower()
    assert "peasant" in (await console.say("/glossary KULAK")).lower()
    assert "peasant" in (await console.say("/glossary kulakk")).lower()


async def test_glossary_unknown_term_is_refused_clearly(console: ConsoleBot) -> None:
    shown = await console.say("/glossary photosynthesis")
    assert "No glossary entry for 'photosynthesis'" in shown


async def test_glossary_without_term_lists_terms(console: ConsoleBot) -> None:
    shown = await console.say("/glossary")
    assert "kulak" in shown


async def test_discuss_and_chapters_and_about(console: ConsoleBot) -> None:
    assert "For discussion (chapter 15)" in await console.say("/discuss 15")
    assert "15. " in await console.say("/chapters")
    assert "chapter 15" in (await console.say("/about")).lower()


async def test_moderator_command_refused_to_member(console: ConsoleBot) -> None:
    shown = await console.say("/plan clear", user="bob")
    assert "Only moderators can use /plan clear." in shown


async def test_unknown_command_points_to_help(console: ConsoleBot) -> None:
    shown = await console.say("/frobnicate")
    assert "Unknown command '/frobnicate'" in shown and "/help" in shown


async def test_plain_message_gets_no_reply(console: ConsoleBot) -> None:
    assert await console.say("I liked this chapter") == ""


def test_piped_console_prints_the_four_replies_and_exits_0(tmp_path) -> None:
    """The acceptance line of issue 2, on a real subprocess."""
    script = "/help\n/summary 15\n/quote 15 Chiang\n/glossary kulak\n"
    config = tmp_path / "config.yaml"
    config.write_text(f"database: {tmp_path / 'db.sqlite3'}\ncontent: {ROOT / 'content'}\n")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(config)],
        input=script,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Kruzhok commands" in out
    assert "Chapter 15" in out
    assert "Chiang" in out
    assert "peasant" in out.lower()
    assert "Traceback" not in result.stderr


async def test_glossary_misspelling_of_a_term_with_aliases_still_resolves(
    console: ConsoleBot,
) -> None:
    """Close matches that are aliases of one term are one candidate, not several."""
    shown = await console.say("/glossary Comintrn")
    assert "Communist International" in shown
    assert "Did you mean" not in shown
