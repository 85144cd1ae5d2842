"""Replies rendered within Discord's limits, with core text escaped (no network)."""

from __future__ import annotations

import pytest

from bot.adapters.discord.commands import SlashCommands
from bot.adapters.discord.render import render, split_text
from bot.core.commands import Arg, CommandSet, CommandTable, as_int
from bot.core.replies import ChoiceSet, Field, Reply


def test_long_plain_text_is_split_within_2000_characters() -> None:
    """A 9,000-character reply becomes several messages, none over the limit, nothing lost."""
    text = "\n".join(f"line {i} " + "x" * 80 for i in range(100))
    messages = render(Reply(text=text))
    assert len(messages) > 4
    assert all(m.content and len(m.content) <= 2000 for m in messages)
    assert "\n".join(m.content or "" for m in messages) == text


def test_split_never_cuts_an_escape_from_its_character() -> None:
    """A cut inside a run of escaped characters keeps each backslash with its character."""
    pieces = split_text("\\*" * 1500, 2000)
    assert all(not p.endswith("\\") for p in pieces)
    assert "".join(pieces) == "\\*" * 1500


def test_embed_description_and_fields_respect_discord_limits() -> None:
    """Descriptions over 4,096 and more than 25 fields continue in further embeds."""
    reply = Reply(
        title="Leaderboard",
        text="y " * 3000,
        fields=tuple(Field(f"member {i}", f"{i} points") for i in range(60)),
        footer="week 47",
    )
    messages = render(reply)
    embeds = [m.embed for m in messages if m.embed is not None]
    assert all(len(e.description or "") <= 4096 and len(e.fields) <= 25 for e in embeds)
    assert all(len(e) <= 6000 for e in embeds)
    assert sum(len(e.fields) for e in embeds) == 60
    assert embeds[0].title == "Leaderboard" and embeds[-1].footer.text == "week 47"


def test_core_markdown_is_escaped_and_choices_listed() -> None:
    """Asterisks in core text stay asterisks; open choices are listed and get buttons."""
    choices = ChoiceSet(("*Trotsky*", "Zinoviev"), "answer", "q1")
    (message,) = render(Reply(text="Who wrote *My Life*?", choices=choices))
    assert message.content is not None
    assert "\\*My Life\\*" in message.content and "\\*Trotsky\\*" in message.content
    assert message.choices == choices


def test_closed_choices_get_no_buttons() -> None:
    """A reveal carrying closed choices is rendered without buttons."""
    (message,) = render(
        Reply(text="B it was.", choices=ChoiceSet(("a", "b"), "answer", "q1", closed=True))
    )
    assert message.choices is None


def table(*names: str) -> CommandTable:
    cs = CommandSet()

    async def handler(ctx, args):  # pragma: no cover - never run
        return Reply()

    for name in names:
        cs.command(
            name,
            f"the {name} command",
            Arg("chapter", "chapter", convert=as_int, type=int, hint="chapter"),
        )(handler)
    return CommandTable(cs.commands)


def test_plain_command_beside_its_group_becomes_a_subcommand() -> None:
    """`stats` and `stats group` become /stats me and /stats group; options are typed."""
    slash = SlashCommands(table("stats", "stats group"))
    (stats,) = slash.payload()
    assert [o["name"] for o in stats["options"]] == ["group", "me"]
    assert stats["options"][1]["options"][0] == {
        "type": 4,
        "name": "chapter",
        "description": "chapter",
        "required": False,
        "autocomplete": True,
    }
    resolved = slash.resolve(
        {"name": "stats", "options": [{"type": 1, "name": "me", "options": []}]}
    )
    assert resolved is not None and resolved[0].name == "stats"


def test_a_clash_between_plain_and_group_names_is_refused() -> None:
    """A group that already has a `show` subcommand cannot take its plain command as `show`."""
    with pytest.raises(ValueError, match="two commands"):
        SlashCommands(table("notes", "notes show"))


def test_member_argument_uses_discords_member_picker() -> None:
    """An argument hinted "member" becomes a user option; its value reaches the core as the id."""
    cs = CommandSet()

    async def handler(ctx, args):  # pragma: no cover - never run
        return Reply()

    cs.command("whois", "who", Arg("member", "a member", hint="member"))(handler)
    slash = SlashCommands(CommandTable(cs.commands))
    (whois,) = slash.payload()
    assert whois["options"][0]["type"] == 6
    resolved = slash.resolve(
        {"name": "whois", "options": [{"name": "member", "type": 6, "value": "2002"}]}
    )
    assert resolved is not None and resolved[1] == {"member": "2002"}
