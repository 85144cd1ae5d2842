"""Every command example in README.md runs on the console without being refused as an
unknown command or a usage error (a command may still answer "no such book" and the like).

Examples are the code spans and indented code lines that start with `/` or `!`. Left out:
placeholders for any command (`/name`), the console's own `/quit`, and Discord's slash
forms (`long:True`, `member:`, and the renamed plain commands like `/book show`), which
the Discord tests cover.
"""

from __future__ import annotations

import re

from bot.adapters.discord.commands import SlashCommands
from tests.harness import ROOT, ConsoleBot

README = ROOT / "README.md"
SPAN = re.compile(r"`([/!][a-z][^`]*)`")
CODE_LINE = re.compile(r"^ {4,}([/!][a-z].*)$")
PLACEHOLDERS = {"N": "15"}
CONSOLE_ONLY = {"quit"}
REFUSED = ("Unknown command", "Usage:", "needs a subcommand", "has no subcommand")


def readme_examples(text: str) -> list[str]:
    found: list[str] = []
    for line in text.splitlines():
        if match := CODE_LINE.match(line):
            # A code line may carry a comment after two spaces ("/book   (moderators)").
            found.append(re.split(r"\s{2,}", match.group(1).strip())[0])
        found.extend(m.group(1).strip() for m in SPAN.finditer(line))
    return list(dict.fromkeys(found))


def runnable(example: str, discord_forms: set[str]) -> str | None:
    """The console line for an example, or None when it is no console command."""
    words = example[1:].split()
    if not words or words[0] in ("name",) or words[0] in CONSOLE_ONLY:
        return None
    if any(":" in w for w in words) or " ".join(words[:2]) in discord_forms:
        return None
    return example[0] + " ".join(PLACEHOLDERS.get(w, w) for w in words)


def test_the_readme_has_examples_to_run() -> None:
    examples = readme_examples(README.read_text())
    assert "!quiz start 15 5" in examples
    assert "/daily set time 08:30 timezone Europe/London chapter current prompt on" in examples
    assert "/book use bakers-cooperative" in examples


async def test_every_readme_example_is_understood(console: ConsoleBot) -> None:
    discord_forms = set(SlashCommands(console.app.engine.table).renamed.values())
    lines = [
        line
        for example in readme_examples(README.read_text())
        if (line := runnable(example, discord_forms)) is not None
    ]
    assert len(lines) >= 15, lines
    table = console.app.engine.table
    refused = {}
    for line in lines:
        command, rest = table.find(line[1:].split())
        if command is not None and not rest and any(a.required for a in command.args):
            continue  # a bare mention of a command that needs its arguments ("/answer")
        shown = await console.say(line, moderator=True)
        if any(marker in shown for marker in REFUSED):
            refused[line] = shown
    assert refused == {}, "\n".join(lines)
