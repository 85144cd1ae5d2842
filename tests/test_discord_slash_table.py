"""The slash command generator refuses, when the table is built, what Discord would refuse
(or what would break button routing), naming the command; what it accepts passes the
fake's rules (Discord's documented limits). No network."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.adapters.discord.commands import SlashCommandError, SlashCommands
from bot.adapters.discord.send import ChoiceButton
from bot.app import build_app
from bot.core.commands import Arg, CommandSet, CommandTable
from bot.core.replies import ChoiceSet, Reply
from tests.discord_fake import rules
from tests.harness import make_config


async def handler(ctx: object, args: object) -> Reply:  # pragma: no cover - never run
    return Reply()


def table(*commands: tuple[str, tuple[Arg, ...]]) -> CommandTable:
    cs = CommandSet()
    for name, args in commands:
        cs.command(name, f"the {name} command", *args)(handler)
    return CommandTable(cs.commands)


def many_args(count: int) -> tuple[Arg, ...]:
    return tuple(Arg(f"a{i}", "an option") for i in range(count))


REFUSED = [
    pytest.param(table(("notes", many_args(26))), "'notes': 26 options", id="26-options"),
    pytest.param(
        table(*((f"club s{i}", ()) for i in range(26))),
        "group 'club': 26 subcommands",
        id="26-subcommands",
    ),
    pytest.param(
        table(("quiz deck add", ())),
        "'quiz deck add': a slash command has at most two",
        id="three-words",
    ),
    pytest.param(
        table(*((f"c{i:03}", ()) for i in range(101))),
        "101 slash commands, more than Discord's 100 (from 'c100' on)",
        id="101-commands",
    ),
    pytest.param(
        table(("pick", (Arg("colour", "a colour", choices=("red", "x" * 101)),))),
        "'pick': option 'colour' has a choice of 101 characters",
        id="long-choice-name",
    ),
    pytest.param(
        table(("pick", (Arg("n", "a number", choices=tuple(str(i) for i in range(26))),))),
        "'pick': option 'n' has 26 choices",
        id="26-choices",
    ),
    pytest.param(
        table(("read_aloud", ())),
        "'read_aloud': an underscore in a command's name would break its buttons' routing",
        id="button-routing",
    ),
    pytest.param(table(("Notes", ())), "'Notes': 'Notes' is not a Discord name", id="uppercase"),
    pytest.param(
        table(
            (
                "essay",
                tuple(
                    Arg(f"o{i}", "d" * 100, choices=tuple(f"{i}-{c}-" + "c" * 90 for c in range(2)))
                    for i in range(20)
                ),
            )
        ),
        "'essay': 9",  # 9xxx characters
        id="8000-characters",
    ),
]


@pytest.mark.parametrize(("commands", "message"), REFUSED)
def test_what_discord_would_refuse_is_refused_naming_the_command(
    commands: CommandTable, message: str
) -> None:
    with pytest.raises(SlashCommandError) as refused:
        SlashCommands(commands)
    assert message in str(refused.value)


def test_an_underscore_really_breaks_button_routing() -> None:
    """Why the underscore is refused: a button of `read_aloud` would come back as `read aloud`."""
    choices = ChoiceSet(("a", "b"), "read_aloud", "t1")
    button = ChoiceButton(choices.command, choices.token, 0)
    match = ChoiceButton.__discord_ui_compiled_template__.fullmatch(button.custom_id)
    assert match is not None and match["command"].replace("_", " ") == "read aloud"


def test_the_limits_themselves_are_accepted() -> None:
    """25 options, 25 subcommands, 25 choices of 100 characters: Discord takes them."""
    commands = table(
        ("notes", many_args(25)),
        *((f"club s{i}", ()) for i in range(25)),
        ("pick", (Arg("n", "a number", choices=tuple(f"{i:02}" + "x" * 98 for i in range(25))),)),
    )
    payload = SlashCommands(commands).payload()
    assert rules.commands_errors(payload) == {}
    assert {c["name"] for c in payload} == {"notes", "club", "pick"}


async def test_the_shipped_table_passes_discords_rules(tmp_path: Path) -> None:
    """Every command of the shipped features, as synced, passes the fake's checks."""
    app = await build_app(make_config(tmp_path))
    try:
        payload = SlashCommands(app.engine.table).payload()
    finally:
        await app.stop()
    assert rules.commands_errors(payload) == {}
    assert 0 < len(payload) <= rules.COMMANDS_LIMIT
